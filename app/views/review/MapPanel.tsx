import * as d3 from 'd3';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { UmapProgress } from '../../../workers/umap.api';
import {
  drawScatter,
  frameOf,
  nearestPoint,
  pixelGrid,
  pixelsToData,
  pointsLayer,
} from '../../charts/scatter';
import type { ReviewController } from '../../controllers/review/controller';
import type { UmapStatus } from '../../controllers/review/umap-layouts';
import type { ReviewData } from '../../state/review-slice';
import { useApp, useReviewer } from '../session-context';

type ColourBy = 'label' | 'suspicion' | 'flag' | 'decision';
/** What the embedding map draws: the run's PCA (from the review worker) or its UMAP (on demand). */
type Projection = 'pca' | 'umap';
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

/**
 * A layout the map can show: its points per dataset row and how a lasso over them becomes a selection. Hover,
 * click and lasso use only this, so they work the same on every layout.
 */
interface MapLayout {
  name: 'pca' | 'umap' | 'cartography';
  xy: Float32Array;
  lasso: (polygon: Float32Array) => Promise<void>;
}

function progressText(p: UmapProgress | null): string {
  if (!p || p.phase === 'neighbours') return 'UMAP: neighbour graph…';
  if (p.phase === 'epochs') return `UMAP: epoch ${p.epoch} of ${p.epochs}`;
  return `UMAP: placing ${p.done.toLocaleString()} of ${p.total.toLocaleString()} more points`;
}

/** The PCA/UMAP switch of the embedding map, with progress and Cancel while UMAP runs. */
function ProjectionControls({
  reviewer,
  runId,
  projection,
  status,
  onProjection,
}: {
  reviewer: ReviewController;
  runId: string;
  projection: Projection;
  status: UmapStatus;
  onProjection: (p: Projection) => void;
}) {
  const source = reviewer.umapSource();
  const start = () => {
    if (source) void reviewer.umap.compute(source);
  };
  return (
    <div className="map-projection" data-testid="map-projection" data-umap={status.kind}>
      {(['pca', 'umap'] as const).map((p) => (
        <label key={p}>
          <input
            type="radio"
            name={`projection-${runId}`}
            value={p}
            checked={projection === p}
            disabled={p === 'umap' && !source}
            title={p === 'umap' && !source ? 'This run stored no embeddings to lay out.' : undefined}
            data-testid={`projection-${p}`}
            onChange={() => {
              onProjection(p);
              if (p === 'umap' && status.kind === 'idle') start();
            }}
          />{' '}
          {p.toUpperCase()}
        </label>
      ))}
      {projection === 'umap' && status.kind === 'running' && (
        <span className="progress-line" data-testid="umap-progress">
          <progress max={1} value={status.progress?.fraction ?? 0} /> {progressText(status.progress)}{' '}
          <button type="button" data-testid="umap-cancel" onClick={() => reviewer.umap.cancel(runId)}>
            Cancel
          </button>
        </span>
      )}
      {projection === 'umap' && (status.kind === 'cancelled' || status.kind === 'failed') && (
        <span data-testid="umap-stopped">
          {status.kind === 'failed' ? `UMAP failed: ${status.message}` : 'UMAP cancelled.'}{' '}
          <button type="button" data-testid="umap-start" onClick={start}>
            Compute UMAP
          </button>
        </span>
      )}
      {projection === 'umap' && status.kind === 'done' && (
        <span className="muted" data-testid="umap-done">
          {status.fitted < status.samples
            ? `fitted on ${status.fitted.toLocaleString()} of ${status.samples.toLocaleString()} points, the rest placed`
            : `${status.samples.toLocaleString()} points`}
          , {(status.ms / 1000).toFixed(1)} s
        </span>
      )}
    </div>
  );
}

/**
 * One linked map (the embeddings by PCA or UMAP, or cartography): hover shows, click selects, drag lassos. The UMAP
 * layout is made on demand in its own worker and kept per run; until it is done the map shows the PCA.
 */
export function MapPanel({ space, title }: { space: 'pca' | 'cartography'; title: string }) {
  const reviewer = useReviewer();
  const data = useApp((s) => s.review.data);
  const codes = useApp((s) => s.review.codes);
  const selection = useApp((s) => s.review.selection);
  const beginWork = useApp((s) => s.beginWork);
  const endWork = useApp((s) => s.endWork);
  const setError = useApp((s) => s.setError);
  const [by, setBy] = useState<ColourBy>('label');
  const [projection, setProjection] = useState<Projection>('pca');
  const runId = data?.runId ?? '';
  const umap = useSyncExternalStore(reviewer.umap.subscribe, () => reviewer.umap.statusOf(runId));
  const [hover, setHover] = useState<{ row: number; x: number; y: number } | null>(null);
  const [lasso, setLasso] = useState<number[] | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  // The lasso path lives in a ref: pointer events can arrive faster than React re-renders the handlers.
  const path = useRef<number[] | null>(null);
  const layout = useMemo((): MapLayout | null => {
    if (!data) return null;
    if (space === 'cartography')
      return { name: 'cartography', xy: data.cartography, lasso: (p) => reviewer.lasso('cartography', p) };
    if (projection === 'umap' && umap.kind === 'done') {
      const xy = umap.xy;
      return {
        name: 'umap',
        xy,
        lasso: async (polygon) => {
          beginWork();
          try {
            reviewer.select(Array.from(await reviewer.umap.lasso(xy, polygon)));
          } catch (error) {
            setError(error instanceof Error ? error.message : String(error));
          } finally {
            endWork();
          }
        },
      };
    }
    return { name: 'pca', xy: data.pca, lasso: (p) => reviewer.lasso('pca', p) };
  }, [data, space, projection, umap, reviewer, beginWork, endWork, setError]);
  const xy = layout?.xy ?? null;
  const frame = useMemo(() => (xy ? frameOf(xy, WIDTH, HEIGHT) : null), [xy]);
  const grid = useMemo(() => (xy && frame ? pixelGrid(frame, xy) : null), [xy, frame]);
  // Decisions change the colours only when colouring by decision: other colourings keep their points layer.
  const decisionCodes = by === 'decision' ? codes : null;
  const colour = useMemo(
    () => (data ? colourer(by, data, decisionCodes ?? new Uint8Array(0)) : null),
    [by, data, decisionCodes],
  );
  const points = useMemo(
    () => (xy && frame && colour ? pointsLayer(frame, xy, colour, globalThis.devicePixelRatio || 1) : null),
    [xy, frame, colour],
  );
  useEffect(() => {
    if (!canvas.current || !points || !xy || !frame || !colour) return;
    drawScatter(canvas.current, frame, points, xy, colour, selection, lasso);
  }, [points, xy, frame, colour, selection, lasso]);
  if (!data || !layout || !xy || !frame || !grid) return null;
  // The caller's title names the PCA; the embedding map says which projection it is drawing now.
  const heading = space === 'pca' ? `Embedding map (${layout.name === 'umap' ? 'UMAP' : 'PCA'})` : title;
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };
  return (
    <figure className="review-map" data-testid={`map-${space}`} data-layout={layout.name}>
      <figcaption>
        {heading}{' '}
        <label>
          colour by{' '}
          <select value={by} onChange={(e) => setBy(e.target.value as ColourBy)}>
            <option value="label">label</option>
            <option value="suspicion">suspicion</option>
            <option value="flag">family flag</option>
            <option value="decision">decision</option>
          </select>
        </label>
        {space === 'pca' && (
          <ProjectionControls
            reviewer={reviewer}
            runId={runId}
            projection={projection}
            status={umap}
            onProjection={setProjection}
          />
        )}
      </figcaption>
      <div className="map-box" style={{ width: WIDTH, height: HEIGHT }}>
        <canvas
          ref={canvas}
          data-testid={`map-canvas-${space}`}
          style={{ width: WIDTH, height: HEIGHT }}
          aria-label={`${heading}: click a point to select it, drag to lasso`}
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
              void layout.lasso(pixelsToData(frame, drawn));
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
