import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import { drawScatter, frameOf, nearestPoint, pixelGrid, pixelsToData } from '../../charts/scatter';
import { useApp } from '../../state/context';
import type { ReviewData } from '../../state/reviewSlice';
import { useReviewer } from './reviewContext';

type ColourBy = 'label' | 'suspicion' | 'flag' | 'decision';
const WIDTH = 420;
const HEIGHT = 320;

function colourer(by: ColourBy, data: ReviewData, codes: Uint8Array): (row: number) => string {
  switch (by) {
    case 'label':
      return (r) => d3.schemeTableau10[(data.labels[r] ?? 0) % 10] ?? '#888';
    case 'suspicion':
      return (r) => d3.interpolateViridis(Math.min(1, Math.max(0, data.suspicion[r] ?? 0)));
    case 'flag':
      return (r) => ((data.flagBits[r] ?? 0) > 0 ? '#d1242f' : '#b7bcc4');
    case 'decision':
      return (r) => ['#b7bcc4', '#1a7f37', '#d1242f'][codes[r] ?? 0] ?? '#888';
    default:
      return by satisfies never;
  }
}

/** One linked map (PCA of the embeddings, or cartography): hover shows, click selects, drag lassos. */
export function MapPanel({ space, title }: { space: 'pca' | 'cartography'; title: string }) {
  const reviewer = useReviewer();
  const data = useApp((s) => s.review.data);
  const codes = useApp((s) => s.review.codes);
  const selection = useApp((s) => s.review.selection);
  const [by, setBy] = useState<ColourBy>('label');
  const [hover, setHover] = useState<{ row: number; x: number; y: number } | null>(null);
  const [lasso, setLasso] = useState<number[] | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // The lasso path lives in a ref: pointer events can arrive faster than React re-renders the handlers.
  const path = useRef<number[] | null>(null);
  const xy = data ? (space === 'pca' ? data.pca : data.cartography) : null;
  const frame = useMemo(() => (xy ? frameOf(xy, WIDTH, HEIGHT) : null), [xy]);
  const grid = useMemo(() => (xy && frame ? pixelGrid(frame, xy) : null), [xy, frame]);
  useEffect(() => {
    if (!canvas.current || !data || !xy || !frame) return;
    drawScatter(canvas.current, frame, xy, colourer(by, data, codes), selection, lasso);
  }, [data, xy, frame, by, codes, selection, lasso]);
  if (!data || !xy || !frame || !grid) return null;
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };
  return (
    <figure className="review-map" data-testid={`map-${space}`}>
      <figcaption>
        {title}{' '}
        <label>
          colour by{' '}
          <select value={by} onChange={(e) => setBy(e.target.value as ColourBy)}>
            <option value="label">label</option>
            <option value="suspicion">suspicion</option>
            <option value="flag">family flag</option>
            <option value="decision">decision</option>
          </select>
        </label>
      </figcaption>
      <div className="map-box" style={{ width: WIDTH, height: HEIGHT }}>
        <canvas
          ref={canvas}
          data-testid={`map-canvas-${space}`}
          style={{ width: WIDTH, height: HEIGHT }}
          aria-label={`${title}: click a point to select it, drag to lasso`}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            path.current = [...at(e)];
            setLasso(path.current);
          }}
          onPointerMove={(e) => {
            const [px, py] = at(e);
            if (path.current) {
              path.current = [...path.current, px, py];
              setLasso(path.current);
              return;
            }
            const row = nearestPoint(frame, grid, xy, px, py);
            setHover(row >= 0 ? { row, x: px, y: py } : null);
          }}
          onPointerUp={(e) => {
            const [px, py] = at(e);
            const drawn = path.current ?? [];
            path.current = null;
            setLasso(null);
            if (drawn.length >= 12) {
              void reviewer.lasso(space, pixelsToData(frame, drawn));
              return;
            }
            const row = nearestPoint(frame, grid, xy, px, py);
            if (row >= 0) reviewer.focus(row, e.shiftKey);
          }}
        />
        {hover && (
          <div
            className="map-tip"
            data-testid="map-tip"
            data-row={hover.row}
            style={{ left: hover.x + 10, top: hover.y + 10 }}
          >
            {data.ids[hover.row]} · {data.classes[data.labels[hover.row] ?? -1]} · suspicion{' '}
            {(data.suspicion[hover.row] ?? Number.NaN).toFixed(3)}
          </div>
        )}
      </div>
    </figure>
  );
}
