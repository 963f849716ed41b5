/**
 * A d3 line chart drawn into an SVG element it is handed: lines, anomaly markers, zoom by brushing along x
 * (double-click resets), and hover values. The skeleton (axes, brush, hover layer) is built once; `update` only
 * rejoins the lines and markers, so streaming updates ten times a second stay cheap. Data come pre-decimated
 * from `curves.ts`; labels are set as text, never parsed as markup.
 */
import {
  axisBottom,
  axisLeft,
  type BrushBehavior,
  brushX,
  format,
  line,
  pointer,
  type ScaleLinear,
  type ScaleLogarithmic,
  type Selection,
  scaleLinear,
  scaleLog,
  schemeTableau10,
  select,
  symbol,
  symbolCross,
  symbolDiamond,
  symbolTriangle,
} from 'd3';
import type { AnomalyKind } from '../../workers/core/anomaly/types';
import { type Marker, nearest, type Series } from './curves';
import { LEGEND_ROW, legendLayout } from './legend';

/** Colours of per-class lines (cycled past ten classes). */
export const CLASS_COLORS: readonly string[] = schemeTableau10;

export interface ChartOptions {
  height: number;
  yScale: 'linear' | 'log';
  xLabel: string;
  yLabel: string;
  /** Fixed y domain (e.g. [0, 1] for accuracy); otherwise from the data. */
  yDomain?: [number, number];
  /** How an x value reads in the hover box (default: the number). */
  xFormat?: (x: number) => string;
  /** Called with the brushed x range, or null on double-click (reset). Without it there is no zoom. */
  onZoom?: (domain: [number, number] | null) => void;
  /** Called when a marker is clicked, with its anomaly index. */
  onMarker?: (anomaly: number) => void;
}

export interface ChartModel {
  series: Series[];
  markers: Marker[];
  xDomain: [number, number];
}

type G = Selection<SVGGElement, unknown, null, undefined>;
type YScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

const MARGIN = { top: 24, right: 14, bottom: 34, left: 56 };
const fmt = format('.4~g');
let nextClip = 0;

const MARKER_SHAPE: Record<AnomalyKind, typeof symbolTriangle> = {
  'loss-spike': symbolTriangle,
  'grad-spike': symbolTriangle,
  'non-finite': symbolCross,
  'validation-drop': symbolDiamond,
  divergence: symbolDiamond,
  'class-stall': symbolDiamond,
};

/** Smallest positive y of the lines and markers (for a log scale), and the largest y. */
function yExtent(model: ChartModel, log: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  const see = (y: number) => {
    if (!Number.isFinite(y) || (log && y <= 0)) return;
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  };
  for (const s of model.series) for (const p of s.points) see(p[1]);
  for (const m of model.markers) see(m.y);
  if (lo > hi) return log ? [0.1, 1] : [0, 1];
  if (lo === hi) return log ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
  return [lo, hi];
}

/** One chart; create once per SVG element, `update` as data arrive, `destroy` when the element goes. */
export class LineChart {
  private readonly root: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly gx: G;
  private readonly gy: G;
  private readonly gLines: G;
  private readonly gMarkers: G;
  private readonly gHover: G;
  private readonly gBrush: G;
  private readonly gLegend: G;
  private readonly clipRect: Selection<SVGRectElement, unknown, null, undefined>;
  private readonly xTitle: Selection<SVGTextElement, unknown, null, undefined>;
  private readonly plot: G;
  private readonly brush: BrushBehavior<unknown> | null;
  private model: ChartModel | null = null;
  /** What the axes, brush and legend were last drawn for: redrawn only when it changes. */
  private axesKey = '';
  private legendKey = '';
  private x: ScaleLinear<number, number> = scaleLinear();
  private y: YScale = scaleLinear();

  constructor(
    svg: SVGSVGElement,
    private readonly options: ChartOptions,
  ) {
    const clipId = `chart-clip-${nextClip++}`;
    this.root = select(svg);
    this.root.selectAll('*').remove();
    this.root.attr('class', 'line-chart');
    this.clipRect = this.root.append('clipPath').attr('id', clipId).append('rect');
    const plot = this.root.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    this.plot = plot;
    this.gx = plot.append('g').attr('class', 'axis axis-x');
    this.gy = plot.append('g').attr('class', 'axis axis-y');
    this.xTitle = plot
      .append('text')
      .attr('class', 'axis-title')
      .attr('text-anchor', 'end')
      .text(options.xLabel);
    plot
      .append('text')
      .attr('class', 'axis-title')
      .attr('transform', 'rotate(-90)')
      .attr('x', 0)
      .attr('y', -MARGIN.left + 12)
      .attr('text-anchor', 'end')
      .text(options.yLabel);
    this.gLines = plot.append('g').attr('clip-path', `url(#${clipId})`);
    this.gHover = plot.append('g').attr('class', 'hover').style('display', 'none');
    this.gHover.append('line').attr('class', 'hover-rule');
    this.gHover.append('rect').attr('class', 'hover-box');
    this.gHover.append('text').attr('class', 'hover-text').attr('data-testid', 'chart-hover');
    this.gBrush = plot.append('g').attr('class', 'brush');
    // Markers above the brush so their titles show and they can be clicked; they are small, brushing still works.
    this.gMarkers = plot.append('g').attr('clip-path', `url(#${clipId})`);
    this.gLegend = this.root
      .append('g')
      .attr('class', 'legend')
      .attr('transform', `translate(${MARGIN.left},12)`);

    this.brush = options.onZoom ? brushX() : null;
    if (this.brush) {
      const onZoom = options.onZoom;
      this.brush.on('end', (event: { selection: [number, number] | null; sourceEvent?: unknown }) => {
        if (!event.selection || !event.sourceEvent) return;
        const [a, b] = event.selection.map((px) => this.x.invert(px));
        this.gBrush.call(this.brush as BrushBehavior<unknown>, null);
        if (a !== undefined && b !== undefined && b - a > 1e-9) onZoom?.([a, b]);
      });
      this.gBrush.on('dblclick', () => onZoom?.(null));
    }
    this.gBrush
      .on('pointermove', (event: PointerEvent) => this.hover(pointer(event)[0]))
      .on('pointerleave', () => this.gHover.style('display', 'none'));
  }

  /** Redraws for new data or a new width (px). */
  update(model: ChartModel, width: number): void {
    this.model = model;
    const { height, yScale } = this.options;
    const w = Math.max(40, width - MARGIN.left - MARGIN.right);
    // Legend rows past the first push the plot down.
    const named = model.series.filter((s) => s.label);
    const legend = legendLayout(
      named.map((s) => s.label),
      w,
    );
    const top = MARGIN.top + (legend.rows - 1) * LEGEND_ROW;
    this.plot.attr('transform', `translate(${MARGIN.left},${top})`);
    const h = Math.max(40, height - top - MARGIN.bottom);
    this.root.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
    this.clipRect
      .attr('x', -4)
      .attr('y', -6)
      .attr('width', w + 8)
      .attr('height', h + 12);

    const [x0, x1] = model.xDomain;
    this.x = scaleLinear()
      .domain(x1 > x0 ? [x0, x1] : [x0, x0 + 1])
      .range([0, w]);
    const log = yScale === 'log';
    const domain = this.options.yDomain ?? yExtent(model, log);
    this.y = log
      ? scaleLog().domain(domain).range([h, 0]).nice().clamp(true)
      : scaleLinear().domain(domain).range([h, 0]).nice();

    // Axes are most of a redraw's DOM work; while a run streams, their domains rarely change.
    const axesKey = [w, h, ...this.x.domain(), ...this.y.domain()].join(',');
    const resized = axesKey.split(',', 2).join(',') !== this.axesKey.split(',', 2).join(',');
    if (axesKey !== this.axesKey) {
      const xAxis = axisBottom(this.x).ticks(Math.max(2, Math.floor(w / 80)));
      this.gx.attr('transform', `translate(0,${h})`).call(xAxis);
      const yAxis = axisLeft(this.y as ScaleLinear<number, number>).ticks(
        Math.max(2, Math.floor(h / 40)),
        log ? '~g' : undefined,
      );
      this.gy.call(yAxis);
      this.xTitle.attr('x', w).attr('y', h + 30);
      this.axesKey = axesKey;
    }

    const { x, y } = this;
    const path = line<[number, number]>()
      .defined((p) => Number.isFinite(p[1]) && (!log || p[1] > 0))
      .x((p) => x(p[0]))
      .y((p) => y(p[1]));
    this.gLines
      .selectAll<SVGPathElement, Series>('path')
      .data(model.series, (s) => s.key)
      .join('path')
      .attr('class', (s) => s.className)
      .attr('data-series', (s) => s.key)
      .attr('data-points', (s) => s.points.length)
      .style('stroke', (s) => s.color ?? null)
      .attr('d', (s) => path(s.points) ?? '');

    const onMarker = this.options.onMarker;
    this.gMarkers
      .selectAll<SVGPathElement, Marker>('path')
      .data(model.markers, (m) => String(m.anomaly))
      .join((enter) => {
        const p = enter.append('path');
        p.append('title');
        return p;
      })
      .attr('class', (m) => `marker marker-${m.kind}`)
      .attr('data-anomaly', (m) => m.anomaly)
      .attr('d', (m) => symbol(MARKER_SHAPE[m.kind], 70)())
      .attr('transform', (m) => `translate(${x(m.x)},${y(m.y)})`)
      .on('click', (_event: MouseEvent, m) => onMarker?.(m.anomaly))
      .select('title')
      .text((m) => m.label);

    // The brush and hover layers only depend on the size.
    if (resized && this.brush) {
      this.brush.extent([
        [0, 0],
        [w, h],
      ]);
      this.gBrush.call(this.brush);
    } else if (resized) {
      // Without a brush the hover layer still needs something to catch the pointer.
      this.gBrush
        .selectAll('rect.hover-catch')
        .data([0])
        .join('rect')
        .attr('class', 'hover-catch')
        .attr('width', w)
        .attr('height', h);
    }

    const legendKey = [w, ...model.series.map((s) => `${s.key}:${s.label}:${s.color ?? ''}`)].join('|');
    if (legendKey === this.legendKey) return;
    this.legendKey = legendKey;
    const items = this.gLegend
      .selectAll<SVGGElement, Series>('g')
      .data(named, (s) => s.key)
      .join((enter) => {
        const g = enter.append('g');
        g.append('line').attr('x1', 0).attr('x2', 14).attr('y1', 0).attr('y2', 0);
        g.append('text').attr('x', 18).attr('dy', '0.32em');
        return g;
      });
    items
      .select('line')
      .attr('class', (s) => s.className)
      .style('stroke', (s) => s.color ?? null);
    items.select('text').text((s) => s.label);
    items.attr('transform', (_s, i) => {
      const [x, y] = legend.at[i] ?? [0, 0];
      return `translate(${x},${y})`;
    });
  }

  private hover(px: number): void {
    const model = this.model;
    if (!model) return;
    const xv = this.x.invert(px);
    const lines: string[] = [];
    let snapped: number | null = null;
    for (const s of model.series.slice(0, 12)) {
      const p = nearest(s.points, xv);
      if (!p) continue;
      snapped ??= p[0];
      lines.push(`${s.label || s.key}: ${fmt(p[1])}`);
    }
    if (snapped === null) return;
    const xs = this.options.xFormat ?? ((v: number) => fmt(v));
    lines.unshift(xs(snapped));
    const at = this.x(snapped);
    const h = this.y.range()[0] ?? 0;
    this.gHover.style('display', null);
    this.gHover.select('line').attr('x1', at).attr('x2', at).attr('y1', 0).attr('y2', h);
    const right = at > (this.x.range()[1] ?? 0) / 2;
    const text = this.gHover
      .select<SVGTextElement>('text')
      .attr('x', right ? at - 8 : at + 8)
      .attr('y', 4)
      .attr('text-anchor', right ? 'end' : 'start');
    text
      .selectAll('tspan')
      .data(lines)
      .join('tspan')
      .attr('x', right ? at - 8 : at + 8)
      .attr('dy', (_, i) => (i === 0 ? '0.8em' : '1.2em'))
      .text((l) => l);
    const box = text.node()?.getBBox();
    if (box) {
      this.gHover
        .select('rect')
        .attr('x', box.x - 4)
        .attr('y', box.y - 3)
        .attr('width', box.width + 8)
        .attr('height', box.height + 6);
    }
  }

  /** Removes the chart's content and listeners. */
  destroy(): void {
    this.gBrush.on('.brush', null).on('pointermove', null).on('pointerleave', null).on('dblclick', null);
    this.root.selectAll('*').remove();
  }
}
