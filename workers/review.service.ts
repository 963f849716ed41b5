/**
 * The review service: the ReviewApi computed where the review's per-sample data lives (the worker entry exposes it;
 * tests call it in-process over fake-indexeddb). One review is open at a time; decisions are written one after
 * another, each committed to IndexedDB before its answer.
 */
import { checkCleanZip } from './core/manifest/clean-zip';
import { parseManifest } from './core/manifest/schema';
import { verifyManifest } from './core/manifest/sign';
import { reasonFor } from './core/review/columns';
import {
  applyEntry,
  type DecisionState,
  type LogEntry,
  planDecide,
  planRedo,
  planUndo,
} from './core/review/decision-log';
import { pointsInPolygon } from './core/review/geometry';
import { asDrawn, frameOf, nearestPoint, pixelGrid, rasterisePoints } from './core/review/map-geometry';
import { DEFAULT_QUERY, queryRows } from './core/review/table';
import { groupOf } from './core/scores/shared-groups';
import { storesFor } from './db';
import type { DecisionOutcome, MapSpace, ReviewApi } from './review.api';
import { compareWithRetrain, comparisonsOf } from './review-compare';
import { loadReview } from './review-data';
import { rowDetail } from './review-detail';
import { exportFiles } from './review-export';
import { classMeanOf, isZipBytes, pixelsOf } from './review-images';
import { codesOf, colourIndex, FAMILIES, named, type OpenReview, rowView, summaryOf } from './review-rows';

/** 1 for each row in `rows`. */
function maskOf(size: number, rows: ArrayLike<number>): Uint8Array {
  const mask = new Uint8Array(size);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    if (r >= 0 && r < size) mask[r] = 1;
  }
  return mask;
}

/** Builds the review service; one per worker (or per test). */
export function createReviewService(): ReviewApi {
  let open: OpenReview | null = null;
  /** Decisions are planned and stored one after another, so the log stays in order. */
  let writes: Promise<unknown> = Promise.resolve();
  const need = (): OpenReview => {
    if (!open) throw new Error('No review is open.');
    return open;
  };
  const xyOf = (o: OpenReview, space: MapSpace): Float32Array | null =>
    space === 'pca' ? o.data.pca : space === 'cartography' ? o.data.cartography : (o.umap?.xy ?? null);
  /** The maps draw the table's rows only (the others are neither drawn nor hit). Null when the table shows every row. */
  const filterOf = (o: OpenReview): Uint8Array | null =>
    o.order.length < o.data.meta.rows ? maskOf(o.data.meta.rows, o.order) : null;
  const requery = (o: OpenReview) => {
    o.order = queryRows(o.data.cols, o.codes, o.query, o.selected);
  };
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
        if (o.query.decision !== 'any' || o.query.sort === 'decision') requery(o);
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
      if ('empty' in loaded) return loaded.empty;
      const { data, decisions } = loaded;
      const codes = codesOf(data.meta.rows, decisions.decisions);
      open = {
        data,
        decisions,
        codes,
        query: DEFAULT_QUERY,
        selected: null,
        order: queryRows(data.cols, codes, DEFAULT_QUERY),
        umap: null,
        frames: {},
        file: null,
      };
      return {
        kind: 'ready',
        summary: {
          datasetId: data.meta.id,
          datasetName: data.meta.name,
          scoreId: data.scoreId,
          scoredAt: data.scoredAt,
          runId: data.runId,
          run: data.run,
          rows: data.meta.rows,
          scoredRows: data.sampleRows.length,
          classes: data.meta.classes,
          families: [...FAMILIES],
          scoreNames: Object.keys(data.sorted).filter((n) => n !== 'suspicion'),
          histograms: data.histograms,
          familyThresholds: data.thresholds,
          q: data.set.params.suspicion.q,
          topDefault: data.topDefault,
          k: data.k,
          hasEmbeddings: (data.dynamics?.embeddingDim ?? 0) > 0,
          image: data.images ? { ...data.images.shape } : null,
          decisions: summaryOf(decisions),
          ms: performance.now() - started,
        },
      };
    },

    async query(query, selection) {
      const o = need();
      o.query = { ...query };
      o.selected = query.selectionOnly ? maskOf(o.data.meta.rows, selection ?? []) : null;
      requery(o);
      return o.order.length;
    },

    async page(from, to) {
      const o = need();
      const out = [];
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

    async group(row) {
      const { data } = need();
      const g = groupOf(data.set.groups, data.sampleOf[row] ?? -1);
      if (!g) return { rows: new Int32Array(0), reason: '' };
      const rows = Int32Array.from(g.rows, (j) => data.sampleRows[j] as number);
      return { rows, reason: `shared-value group of ${rows.length} rows` };
    },

    async reasonFor(rows) {
      return reasonFor(need().data.cols.flagBits, rows, FAMILIES);
    },

    async describe(rows) {
      const o = need();
      return Array.from(rows, (row) => named(o, row));
    },

    detail: (row) => rowDetail(need(), row),

    async mapLayer(request) {
      const o = need();
      const xy = xyOf(o, request.space);
      if (!xy) return null;
      const frame = frameOf(xy, request.width, request.height);
      const filter = filterOf(o);
      o.frames[request.space] = { frame, grid: pixelGrid(frame, xy, 8, filter) };
      const pixelWidth = Math.round(request.width * request.ratio);
      const pixelHeight = Math.round(request.height * request.ratio);
      const pixels = new Uint8ClampedArray(pixelWidth * pixelHeight * 4);
      const palette = request.palette;
      const size = Math.max(1, palette.length);
      const count = rasterisePoints(
        frame,
        xy,
        (row) => palette[colourIndex(o, request.colourBy, row, size)] ?? 0xff888888,
        request.ratio,
        new Uint32Array(pixels.buffer),
        filter,
      );
      return { frame, pixels, pixelWidth, pixelHeight, drawn: count.drawn, points: count.finite };
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
      // Tested where the points are drawn: a point beyond the map's bounds sits on its edge (map-geometry.ts).
      const frame = o.frames[space]?.frame;
      const inside = xy ? pointsInPolygon(frame ? asDrawn(frame, xy) : xy, polygon) : new Int32Array(0);
      const filter = filterOf(o);
      const rows = filter ? inside.filter((r) => filter[r] === 1) : inside;
      return { rows, reason: reasonFor(o.data.cols.flagBits, rows, FAMILIES) };
    },

    async points(space, rows, colourBy, paletteSize) {
      const o = need();
      const xy = xyOf(o, space);
      const out = new Float32Array(rows.length * 2).fill(Number.NaN);
      const colour = new Uint8Array(rows.length);
      // A row the table's filters leave out is not drawn, selected or not.
      const filter = filterOf(o);
      rows.forEach((row, k) => {
        if (xy && (!filter || filter[row] === 1)) {
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

    async scoreIndex(dbName, datasetId) {
      const stores = await storesFor(dbName);
      const records = await stores.scores.listScoreSets(datasetId as never);
      return records.map((r) => ({
        scoreId: r.id,
        runId: r.runId,
        createdAt: r.createdAt,
        status: r.status,
      }));
    },

    compareRetrain: (afterRunId) => compareWithRetrain(need(), afterRunId),
    comparisons: () => comparisonsOf(need()),
  };
}
