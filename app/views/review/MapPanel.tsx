import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { pixelsToData } from '../../../workers/core/review/map-geometry';
import { drawScatter, type Highlights, pointsLayer, type ScatterFrame } from '../../charts/scatter';
import type { ColourBy, MapSpace, ReviewController, UmapProgress } from '../../controllers/review/controller';
import type { UmapStatus } from '../../controllers/review/umap-layouts';
import { useApp, useReviewer } from '../session-context';
import { MapAxes, MapLegend } from './MapLegend';
import { MapResizeHandle, type MapSize, START_SIZE } from './MapResize';
import { packedPalette, paletteOf } from './map-palette';

/** What the embedding map draws: the run's PCA (from the review worker) or its UMAP (on demand). */
type Projection = 'pca' | 'umap';
const NO_HIGHLIGHTS: Highlights = { xy: new Float32Array(0), colours: [] };

function progressText(p: UmapProgress | null): string {
  if (!p || p.phase === 'neighbours') return 'UMAP: neighbour graph…';
  if (p.phase === 'epochs') return `UMAP: epoch ${p.epoch} of ${p.epochs}`;
  return `UMAP: placing ${p.done.toLocaleString()} of ${p.total.toLocaleString()} more points`;
}

/** The PCA/UMAP switch of the embedding map, with progress and Cancel while UMAP runs. */
function ProjectionControls({
  reviewer,
  runId,
  available,
  projection,
  status,
  onProjection,
}: {
  reviewer: ReviewController;
  runId: string;
  available: boolean;
  projection: Projection;
  status: UmapStatus;
  onProjection: (p: Projection) => void;
}) {
  const start = () => {
    if (available) void reviewer.computeUmap();
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
            disabled={p === 'umap' && !available}
            title={p === 'umap' && !available ? 'This run stored no embeddings to lay out.' : undefined}
            data-testid={`projection-${p}`}
            onChange={() => {
              onProjection(p);
              // A layout made earlier for this run is handed to the review worker again, without recomputing it.
              if (p === 'umap' && (status.kind === 'idle' || status.kind === 'done')) start();
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

/** The points layer of one layout and colouring, drawn by the review worker. */
interface Layer {
  space: MapSpace;
  frame: ScatterFrame;
  canvas: HTMLCanvasElement;
  /** What it was drawn for (layout, colouring, table version, size): the canvas is ready when this is current. */
  key: string;
  /** Points drawn (the rows the filters keep) of the points this map has. */
  drawn: number;
  points: number;
}

/**
 * One linked map (the embeddings by PCA or UMAP, or cartography): hover shows, click selects, drag lassos. The review
 * worker rasterises the points and answers hit tests and lassos; the page draws the layer and the selection over it.
 */
export function MapPanel({ space, title }: { space: 'pca' | 'cartography'; title: string }) {
  const reviewer = useReviewer();
  const summary = useApp((s) => s.review.summary);
  // Filters and decisions bump the version: the map then draws the rows the table shows, in their colours.
  const version = useApp((s) => s.review.version);
  const selection = useApp((s) => s.review.selection);
  const [by, setBy] = useState<ColourBy>('label');
  const [projection, setProjection] = useState<Projection>('pca');
  const runId = summary?.runId ?? '';
  const umap = useSyncExternalStore(reviewer.umap.subscribe, () => reviewer.umap.statusOf(runId));
  const [hover, setHover] = useState<{ text: string; row: number; x: number; y: number } | null>(null);
  /** Whether a hover hit test is on its way (the tip then shows an older position, or nothing). */
  const [hoverBusy, setHoverBusy] = useState(false);
  const [lasso, setLasso] = useState<number[] | null>(null);
  const [layer, setLayer] = useState<Layer | null>(null);
  const [highlights, setHighlights] = useState<Highlights>(NO_HIGHLIGHTS);
  const canvas = useRef<HTMLCanvasElement>(null);
  /** The size the map is drawn at, and the size of its box while its corner is dragged. */
  const [size, setSize] = useState<MapSize>(START_SIZE);
  const [draft, setDraft] = useState<MapSize | null>(null);
  const boxSize = draft ?? size;
  // The lasso path lives in a ref: pointer events can arrive faster than React re-renders the handlers.
  const path = useRef<number[] | null>(null);
  const hovering = useRef<{ busy: boolean; next: [number, number] | null }>({ busy: false, next: null });
  const umapReady = useApp(
    (s) => s.review.umapRunId !== null && s.review.umapRunId === s.review.summary?.runId,
  );
  const shown: MapSpace =
    space === 'cartography' ? 'cartography' : projection === 'umap' && umapReady ? 'umap' : 'pca';
  const palette = useMemo(() => paletteOf(by), [by]);
  const key = `${shown} ${by} ${version} ${size.width}x${size.height}`;
  useEffect(() => {
    if (!summary) return;
    let live = true;
    const ratio = globalThis.devicePixelRatio || 1;
    const request = {
      space: shown,
      colourBy: by,
      palette: packedPalette(palette),
      width: size.width,
      height: size.height,
    };
    void reviewer.mapLayer({ ...request, ratio }).then((out) => {
      if (live && out)
        setLayer({
          key,
          space: shown,
          frame: out.frame,
          canvas: pointsLayer(out.pixels, out.pixelWidth, out.pixelHeight),
          drawn: out.drawn,
          points: out.points,
        });
    });
    return () => {
      live = false;
    };
  }, [reviewer, summary, shown, by, palette, size, key]);
  useEffect(() => {
    if (!layer || selection.length === 0) {
      setHighlights(NO_HIGHLIGHTS);
      return;
    }
    let live = true;
    void reviewer.points(layer.space, selection, by, palette.length).then((p) => {
      if (live) setHighlights({ xy: p.xy, colours: Array.from(p.colour, (i) => palette[i] ?? '#888') });
    });
    return () => {
      live = false;
    };
  }, [reviewer, layer, selection, by, palette]);
  useEffect(() => {
    if (canvas.current && layer) drawScatter(canvas.current, layer.frame, layer.canvas, highlights, lasso);
  }, [layer, highlights, lasso]);
  if (!summary) return null;
  // The caller's title names the PCA; the embedding map says which projection it is drawing now.
  const heading = space === 'pca' ? `Embedding map (${shown === 'umap' ? 'UMAP' : 'PCA'})` : title;
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as [number, number];
  };
  /** Hover hit tests go to the worker one at a time; moves meanwhile keep only the latest position. */
  const hoverAt = (point: [number, number]) => {
    const h = hovering.current;
    setHoverBusy(true);
    if (h.busy) {
      h.next = point;
      return;
    }
    h.busy = true;
    void reviewer.nearest(shown, point[0], point[1]).then(
      (hit) => {
        setHover(
          hit
            ? {
                row: hit.row,
                text: `${hit.id} · ${hit.label} · suspicion ${hit.suspicion.toFixed(3)}`,
                x: point[0],
                y: point[1],
              }
            : null,
        );
        h.busy = false;
        const next = h.next;
        h.next = null;
        if (next) hoverAt(next);
        else setHoverBusy(false);
      },
      () => {
        h.busy = false;
        setHoverBusy(false);
      },
    );
  };
  return (
    <figure className="review-map" data-testid={`map-${space}`} data-layout={layer?.space ?? shown}>
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
            available={summary.hasEmbeddings}
            projection={projection}
            status={umap}
            onProjection={setProjection}
          />
        )}
      </figcaption>
      <div className="map-body">
        <MapAxes space={shown} testSpace={space} frame={layer?.frame ?? null}>
          <div
            className="map-box"
            // The box's 1px border is outside the map's size.
            style={{ width: boxSize.width + 2, height: boxSize.height + 2 }}
          >
            <canvas
              ref={canvas}
              data-testid={`map-canvas-${space}`}
              data-ready={layer !== null && layer.key === key}
              data-hover={hoverBusy ? 'busy' : 'idle'}
              data-width={size.width}
              style={{ width: boxSize.width, height: boxSize.height }}
              aria-label={`${heading}: click a point to select it, drag to lasso`}
              onPointerDown={(e) => {
                e.currentTarget.setPointerCapture(e.pointerId);
                path.current = [...at(e)];
                setLasso(path.current);
              }}
              onPointerMove={(e) => {
                const point = at(e);
                if (path.current) {
                  path.current = [...path.current, ...point];
                  setLasso(path.current);
                  return;
                }
                hoverAt(point);
              }}
              onPointerUp={(e) => {
                const [px, py] = at(e);
                const drawn = path.current ?? [];
                path.current = null;
                setLasso(null);
                if (!layer) return;
                if (drawn.length >= 12) {
                  void reviewer.lasso(layer.space, pixelsToData(layer.frame, drawn));
                  return;
                }
                const extend = e.shiftKey;
                void reviewer.nearest(layer.space, px, py).then((hit) => {
                  if (hit) reviewer.focus(hit.row, extend);
                });
              }}
            />
            {hover && (
              <div
                className="map-tip"
                data-testid="map-tip"
                data-row={hover.row}
                style={{ left: hover.x + 10, top: hover.y + 10 }}
              >
                {hover.text}
              </div>
            )}
            <MapResizeHandle
              testId={`map-resize-${space}`}
              size={size}
              onDraft={setDraft}
              onCommit={setSize}
            />
          </div>
        </MapAxes>
        <div className="map-side">
          <MapLegend
            testSpace={space}
            by={by}
            palette={palette}
            classes={summary.classes}
            selected={selection.length}
          />
          {layer && (
            <p
              className="muted"
              data-testid={`map-count-${space}`}
              data-drawn={layer.drawn}
              data-points={layer.points}
            >
              showing {layer.drawn.toLocaleString()} of {layer.points.toLocaleString()} samples
              {layer.drawn < layer.points ? ' (the filters’ rows)' : ''}
            </p>
          )}
          {layer && layer.frame.beyond > 0 && (
            <p className="muted" data-testid={`map-beyond-${space}`} data-count={layer.frame.beyond}>
              {layer.frame.beyond === 1
                ? '1 sample lies far from the others and is drawn on the map’s edge.'
                : `${layer.frame.beyond.toLocaleString()} samples lie far from the others and are drawn on the map’s edge.`}
            </p>
          )}
        </div>
      </div>
    </figure>
  );
}
