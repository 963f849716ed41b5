import { useEffect, useRef, useState } from 'react';
import { chartDraws } from '../../charts/draw-queue';
import { type ChartModel, type ChartOptions, LineChart } from '../../charts/line-chart';

export interface ChartProps {
  title: string;
  testId: string;
  height?: number;
  yScale: ChartOptions['yScale'];
  xLabel: string;
  yLabel: string;
  yDomain?: [number, number];
  xFormat?: (x: number) => string;
  /** Whether brushing along x zooms (batch curves); epoch charts are short enough without. */
  zoomable: boolean;
  /** Builds the chart's data for a width in px and a zoom domain; memoise it on the data (its identity is the redraw trigger). */
  makeModel: (width: number, zoom: [number, number] | null) => ChartModel;
  /** How many points the chart stands for (for people and tests). */
  count: number;
  onMarker?: (anomaly: number) => void;
}

/** One d3 line chart; React owns the element and the zoom state, d3 draws. */
export function Chart(props: ChartProps) {
  const { title, testId, makeModel, count, zoomable } = props;
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const chart = useRef<LineChart | null>(null);
  const [width, setWidth] = useState(480);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  // Options are fixed for the chart's life; a ref keeps the latest callbacks without rebuilding the skeleton.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // The skeleton is built by the first draw, in its own task like every draw (a run's start creates five charts).
  const key = useRef({});
  useEffect(() => {
    const queueKey = key.current;
    return () => {
      chartDraws.cancel(queueKey);
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  // Built and drawn in a task of its own (see drawQueue.ts); `data-count` and `data-markers` say what is drawn.
  useEffect(() => {
    chartDraws.schedule(key.current, () => {
      const element = svg.current;
      if (!element) return;
      chart.current ??= createChart(element, latest, setZoom);
      const model = makeModel(width, zoom);
      chart.current.update(model, width);
      element.setAttribute('data-count', String(count));
      element.setAttribute('data-markers', String(model.markers.length));
    });
  }, [makeModel, width, zoom, count]);

  return (
    <figure className="chart curve-chart" ref={box}>
      <figcaption>
        {title}
        {zoomable && zoom && (
          <button type="button" className="link small" onClick={() => setZoom(null)}>
            Reset zoom
          </button>
        )}
        {zoomable && !zoom && <span className="muted small"> · drag to zoom</span>}
      </figcaption>
      <svg
        ref={svg}
        role="img"
        aria-label={title}
        data-testid={testId}
        width={width}
        height={props.height ?? 220}
      />
    </figure>
  );
}

function createChart(
  element: SVGSVGElement,
  latest: { current: ChartProps },
  setZoom: (zoom: [number, number] | null) => void,
): LineChart {
  const p = latest.current;
  return new LineChart(element, {
    height: p.height ?? 220,
    yScale: p.yScale,
    xLabel: p.xLabel,
    yLabel: p.yLabel,
    ...(p.yDomain ? { yDomain: p.yDomain } : {}),
    ...(p.xFormat ? { xFormat: p.xFormat } : {}),
    ...(p.zoomable ? { onZoom: setZoom } : {}),
    onMarker: (anomaly) => latest.current.onMarker?.(anomaly),
  });
}
