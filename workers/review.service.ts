/**
 * The review service: the ReviewApi computed where the review's per-sample data lives (the worker entry exposes it;
 * tests call it in-process over fake-indexeddb). One review is open at a time; decisions are written one after
 * another, each committed to IndexedDB before its answer.
 */
import type { RowDecision } from './core/manifest/build';
import { checkCleanZip } from './core/manifest/clean-zip';
import { parseManifest } from './core/manifest/schema';
import { verifyManifest } from './core/manifest/sign';
import { familiesOf, percentileRank, reasonFor } from './core/review/columns';
import {
  applyEntry,
  type DecisionState,
  decisionCounts,
  type LogEntry,
  planDecide,
  planRedo,
  planUndo,
} from './core/review/decision-log';
import { pointsInPolygon } from './core/review/geometry';
import {
  frameOf,
  nearestPoint,
  type PixelGrid,
  pixelGrid,
  rasterisePoints,
  type ScatterFrame,
} from './core/review/map-geometry';
import { DEFAULT_QUERY, queryRows, type ReviewQuery } from './core/review/table';
import { FAMILY_NAMES } from './core/scores/types';
import type {
  ColourBy,
  DecisionOutcome,
  DecisionSummary,
  MapSpace,
  ReviewApi,
  ReviewRow,
  RowDetail,
} from './review.api';
import { loadReview, type ReviewData } from './review-data';
import { exportFiles } from './review-export';
import { classMeanOf, isZipBytes, pixelsOf } from './review-images';

const FAMILIES: readonly string[] = FAMILY_NAMES;

/** The open review's mutable state. */
interface Open {
  data: ReviewData;
  decisions: DecisionState;
  /** 0 none / 1 keep / 2 quarantine per row. */
  codes: Uint8Array;
  query: ReviewQuery;
  order: Int32Array;
  umap: { runId: string; xy: Float32Array } | null;
  /** The last layer drawn per map: its frame and hover grid. */
  frames: Partial<Record<MapSpace, { frame: ScatterFrame; grid: PixelGrid }>>;
}

function codesOf(rows: number, decisions: ReadonlyMap<number, RowDecision>): Uint8Array {
  const codes = new Uint8Array(rows);
  for (const [row, d] of decisions)
    if (row >= 0 && row < rows) codes[row] = d.decision === 'quarantine' ? 2 : 1;
  return codes;
}

function summaryOf(state: DecisionState): DecisionSummary {
  const counts = decisionCounts(state.decisions);
  return {
    quarantined: counts.quarantined,
    kept: counts.kept,
    canUndo: state.undo.length > 0,
    canRedo: state.redo.length > 0,
  };
}

/** Palette index of a row under a colouring (see MapLayerRequest). */
function colourIndex(open: Open, by: ColourBy, row: number, paletteSize: number): number {
  const { cols } = open.data;
  switch (by) {
    case 'label':
      return (cols.labels[row] ?? 0) % paletteSize;
    case 'suspicion': {
      const s = cols.suspicion[row] ?? 0;
      return Math.round(Math.min(1, Math.max(0, Number.isFinite(s) ? s : 0)) * (paletteSize - 1));
    }
    case 'flag':
      return (cols.flagBits[row] ?? 0) > 0 ? 1 : 0;
    case 'decision':
      return open.codes[row] ?? 0;
    default:
      return by satisfies never;
  }
}

/** Builds the review service; one per worker (or per test). */
export function createReviewService(): ReviewApi {
  let open: Open | null = null;
  /** Decisions are planned and stored one after another, so the log stays in order. */
  let writes: Promise<unknown> = Promise.resolve();
  const need = (): Open => {
    if (!open) throw new Error('No review is open.');
    return open;
  };
  const xyOf = (o: Open, space: MapSpace): Float32Array | null =>
    space === 'pca' ? o.data.pca : space === 'cartography' ? o.data.cartography : (o.umap?.xy ?? null);
  const rowView = (o: Open, row: number): ReviewRow => {
    const { cols, meta } = o.data;
    const suggested = cols.suggested[row] ?? -1;
    const code = o.codes[row] ?? 0;
    return {
      row,
      id: cols.ids[row] ?? '',
      label: meta.classes[cols.labels[row] ?? -1] ?? '',
      suggested: suggested >= 0 ? (meta.classes[suggested] ?? String(suggested)) : '',
      suspicion: cols.suspicion[row] ?? Number.NaN,
      families: familiesOf(cols.flagBits[row] ?? 0, FAMILIES),
      decision: code === 2 ? 'quarantine' : code === 1 ? 'keep' : null,
    };
  };
  const named = (o: Open, row: number) => ({
    row,
    id: o.data.cols.ids[row] ?? '',
    label: o.data.meta.classes[o.data.cols.labels[row] ?? -1] ?? '',
  });
  /** Plans an entry on the state after every earlier write, stores it (committed), then applies it. */
  const write = (plan: (state: DecisionState) => LogEntry | null): Promise<DecisionOutcome> => {
    const next = writes.then(async (): Promise<DecisionOutcome> => {
      const o = need();
      const entry = plan(o.decisions);
      if (entry) {
        await o.data.stores.decisions.append(o.data.meta.id, entry);
        o.decisions = applyEntry(o.decisions, entry);
        for (const c of entry.changes)
          o.codes[c.row] = c.after === null ? 0 : c.after.decision === 'quarantine' ? 2 : 1;
        if (o.query.decision !== 'any' || o.query.sort === 'decision')
          o.order = queryRows(o.data.cols, o.codes, o.query);
      }
      return {
        decisions: summaryOf(o.decisions),
        changed: entry?.changes.length ?? 0,
        count: o.order.length,
      };
    });
    writes = next.catch(() => undefined);
    return next;
  };

  return {
    async open(request) {
      const started = performance.now();
      open = null;
      const loaded = await loadReview(request);
      if ('empty' in loaded) return { kind: 'empty', message: loaded.empty };
      const { data, decisions } = loaded;
      const codes = codesOf(data.meta.rows, decisions.decisions);
      open = {
        data,
        decisions,
        codes,
        query: DEFAULT_QUERY,
        order: queryRows(data.cols, codes, DEFAULT_QUERY),
        umap: null,
        frames: {},
      };
      return {
        kind: 'ready',
        summary: {
          datasetId: data.meta.id,
          datasetName: data.meta.name,
          scoreId: data.scoreId,
          runId: data.runId,
          rows: data.meta.rows,
          classes: data.meta.classes,
          families: [...FAMILIES],
          scoreNames: Object.keys(data.sorted).filter((n) => n !== 'suspicion'),
          histograms: data.histograms,
          hasEmbeddings: (data.dynamics?.embeddingDim ?? 0) > 0,
          image: data.images ? { ...data.images.shape } : null,
          decisions: summaryOf(decisions),
          ms: performance.now() - started,
        },
      };
    },

    async query(query) {
      const o = need();
      o.query = { ...query };
      o.order = queryRows(o.data.cols, o.codes, o.query);
      return o.order.length;
    },

    async page(from, to) {
      const o = need();
      const out: ReviewRow[] = [];
      for (let at = Math.max(0, from); at < Math.min(to, o.order.length); at++)
        out.push(rowView(o, o.order[at] as number));
      return out;
    },

    async position(row) {
      return need().order.indexOf(row);
    },

    async step(row, step) {
      const { order } = need();
      if (order.length === 0) return null;
      const at = row === null ? -1 : order.indexOf(row);
      const next = Math.max(0, Math.min(order.length - 1, at < 0 ? 0 : at + step));
      return { row: order[next] as number, at: next };
    },

    async top(n) {
      const o = need();
      const rows = o.order.slice(0, Math.max(0, n));
      return { rows, reason: reasonFor(o.data.cols.flagBits, rows, FAMILIES) };
    },

    async reasonFor(rows) {
      return reasonFor(need().data.cols.flagBits, rows, FAMILIES);
    },

    async describe(rows) {
      const o = need();
      return Array.from(rows, (row) => named(o, row));
    },

    async detail(row): Promise<RowDetail | null> {
      const o = need();
      const { data } = o;
      if (!(row >= 0 && row < data.meta.rows)) return null;
      const f = data.meta.featureNames.length;
      const j = data.sampleOf[row] ?? -1;
      const dyn = data.dynamics;
      const perEpoch = (values: Float32Array | undefined) =>
        dyn && values && j >= 0 && dyn.sampleRows[j] === row
          ? Array.from({ length: dyn.epochs }, (_, e) => values[e * dyn.samples + j] as number)
          : null;
      const scores: Record<string, number> = {};
      const percentiles: Record<string, number> = {};
      for (const [name, sorted] of Object.entries(data.sorted)) {
        const v =
          (name === 'suspicion' ? data.cols.suspicion[row] : data.cols.numeric[name]?.[row]) ?? Number.NaN;
        scores[name] = v;
        if (Number.isFinite(v) && sorted.length > 0) percentiles[name] = percentileRank(sorted, v);
      }
      return {
        ...rowView(o, row),
        reasons: o.decisions.decisions.get(row)?.reasons ?? [],
        features: data.arrays.features.slice(row * f, row * f + f),
        featureNames: data.meta.featureNames,
        image: data.meta.image,
        scores,
        percentiles,
        loss: perEpoch(dyn?.loss),
        margin: perEpoch(dyn?.margin),
        neighbours: neighbours(o, row, 8).map((n) => ({ ...named(o, n.row), distance: n.distance })),
      };
    },

    async mapLayer(request) {
      const o = need();
      const xy = xyOf(o, request.space);
      if (!xy) return null;
      const frame = frameOf(xy, request.width, request.height);
      o.frames[request.space] = { frame, grid: pixelGrid(frame, xy) };
      const pixelWidth = Math.round(request.width * request.ratio);
      const pixelHeight = Math.round(request.height * request.ratio);
      const pixels = new Uint8ClampedArray(pixelWidth * pixelHeight * 4);
      const palette = request.palette;
      const size = Math.max(1, palette.length);
      rasterisePoints(
        frame,
        xy,
        (row) => palette[colourIndex(o, request.colourBy, row, size)] ?? 0xff888888,
        request.ratio,
        new Uint32Array(pixels.buffer),
      );
      return { frame, pixels, pixelWidth, pixelHeight };
    },

    async nearest(space, px, py) {
      const o = need();
      const xy = xyOf(o, space);
      const drawn = o.frames[space];
      if (!xy || !drawn) return null;
      const row = nearestPoint(drawn.frame, drawn.grid, xy, px, py);
      return row < 0 ? null : { ...named(o, row), suspicion: o.data.cols.suspicion[row] ?? Number.NaN };
    },

    async lasso(space, polygon) {
      const o = need();
      const xy = xyOf(o, space);
      const rows = xy ? pointsInPolygon(xy, polygon) : new Int32Array(0);
      return { rows, reason: reasonFor(o.data.cols.flagBits, rows, FAMILIES) };
    },

    async points(space, rows, colourBy, paletteSize) {
      const o = need();
      const xy = xyOf(o, space);
      const out = new Float32Array(rows.length * 2).fill(Number.NaN);
      const colour = new Uint8Array(rows.length);
      rows.forEach((row, k) => {
        if (xy) {
          out[2 * k] = xy[2 * row] as number;
          out[2 * k + 1] = xy[2 * row + 1] as number;
        }
        colour[k] = colourIndex(o, colourBy, row, Math.max(1, paletteSize));
      });
      return { xy: out, colour };
    },

    async umapInput() {
      const o = need();
      const d = o.data.dynamics;
      if (!d || !o.data.runId || d.embeddingDim <= 0) return null;
      return {
        runId: o.data.runId,
        rows: o.data.meta.rows,
        embeddings: d.embeddings.slice(),
        dim: d.embeddingDim,
        sampleRows: d.sampleRows.slice(),
        seed: (o.data.runInfo?.seed as number | undefined) ?? 0,
      };
    },

    async setUmap(runId, xy) {
      const o = need();
      if (o.data.runId === runId) o.umap = { runId, xy };
    },

    decide: ({ rows, decision, reasons, note }) =>
      write((state) => planDecide(state, Array.from(rows), { decision, reasons, note }, Date.now())),
    undo: () => write((state) => planUndo(state, Date.now())),
    redo: () => write((state) => planRedo(state, Date.now())),

    async quarantined() {
      const o = need();
      const rows: number[] = [];
      for (const [row, d] of o.decisions.decisions) if (d.decision === 'quarantine') rows.push(row);
      return Int32Array.from(rows).sort();
    },

    async exportFiles(request) {
      await writes;
      const o = need();
      return exportFiles(o.data, o.decisions.decisions, request);
    },

    async verify(manifestText, clean) {
      const parsed = parseManifest(manifestText);
      if (!parsed.ok) return { ok: false, problems: parsed.problems, rowsChecked: 0 };
      if (!clean || !isZipBytes(clean)) return verifyManifest(parsed.manifest, clean ?? undefined);
      const signed = await verifyManifest(parsed.manifest);
      const zip = await checkCleanZip(parsed.manifest, clean);
      const problems = [...signed.problems, ...zip.problems];
      return { ok: problems.length === 0, problems, rowsChecked: 0, filesChecked: zip.filesChecked };
    },

    async pixels(rows) {
      const images = need().data.images;
      return images ? pixelsOf(images, rows) : null;
    },

    async classMean(label) {
      const images = need().data.images;
      return images ? classMeanOf(images, label) : null;
    },
  };
}

/** The k nearest rows to `row` in the run's final embedding (Euclidean), nearest first; empty without embeddings. */
function neighbours(o: Open, row: number, k: number): Array<{ row: number; distance: number }> {
  const d = o.data.dynamics;
  const self = o.data.sampleOf[row] ?? -1;
  if (!d || d.embeddingDim <= 0 || self < 0 || d.sampleRows[self] !== row) return [];
  const { embeddings, embeddingDim: dim, sampleRows } = d;
  const best: Array<{ row: number; distance: number }> = [];
  for (let j = 0; j < sampleRows.length; j++) {
    if (j === self) continue;
    let s = 0;
    for (let t = 0; t < dim; t++)
      s += ((embeddings[j * dim + t] as number) - (embeddings[self * dim + t] as number)) ** 2;
    if (best.length < k || s < (best[best.length - 1] as { distance: number }).distance) {
      best.push({ row: sampleRows[j] as number, distance: s });
      best.sort((a, b) => a.distance - b.distance);
      if (best.length > k) best.pop();
    }
  }
  return best.map((b) => ({ row: b.row, distance: Math.sqrt(b.distance) }));
}
