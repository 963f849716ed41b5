/**
 * The open review's state and how the review worker names its rows: a table row, a named row, a map colour, the
 * decision codes and counts, and a row's nearest neighbours in the run's embedding.
 */
import type { RowDecision } from './core/manifest/build';
import { familiesOf } from './core/review/columns';
import { type DecisionState, decisionCounts } from './core/review/decision-log';
import type { PixelGrid, ScatterFrame } from './core/review/map-geometry';
import type { ReviewQuery } from './core/review/table';
import { FAMILY_NAMES } from './core/scores/types';
import type { ColourBy, DecisionSummary, MapSpace, NamedRow, ReviewRow } from './review.api';
import type { ReviewData } from './review-data';

export const FAMILIES: readonly string[] = FAMILY_NAMES;

/** The open review's mutable state. */
export interface OpenReview {
  data: ReviewData;
  decisions: DecisionState;
  /** 0 none / 1 keep / 2 quarantine per row. */
  codes: Uint8Array;
  query: ReviewQuery;
  /** 1 per selected row while the query keeps the selection only; null otherwise. */
  selected: Uint8Array | null;
  order: Int32Array;
  umap: { runId: string; xy: Float32Array } | null;
  /** The last layer drawn per map: its frame and hover grid. */
  frames: Partial<Record<MapSpace, { frame: ScatterFrame; grid: PixelGrid }>>;
  /** The dataset's original file, read once when a detail first needs a row's text. */
  file: Promise<Blob | undefined> | null;
}

/** Decision codes per row: 0 none, 1 keep, 2 quarantine. */
export function codesOf(rows: number, decisions: ReadonlyMap<number, RowDecision>): Uint8Array {
  const codes = new Uint8Array(rows);
  for (const [row, d] of decisions)
    if (row >= 0 && row < rows) codes[row] = d.decision === 'quarantine' ? 2 : 1;
  return codes;
}

/** The decisions as the screen counts them. */
export function summaryOf(state: DecisionState): DecisionSummary {
  const counts = decisionCounts(state.decisions);
  return {
    quarantined: counts.quarantined,
    kept: counts.kept,
    canUndo: state.undo.length > 0,
    canRedo: state.redo.length > 0,
  };
}

/** A row's decision, as the page reads it. */
export function decisionOf(o: OpenReview, row: number): 'keep' | 'quarantine' | null {
  const code = o.codes[row] ?? 0;
  return code === 2 ? 'quarantine' : code === 1 ? 'keep' : null;
}

/** One row of the table. */
export function rowView(o: OpenReview, row: number): ReviewRow {
  const { cols, meta } = o.data;
  const suggested = cols.suggested[row] ?? -1;
  return {
    row,
    id: cols.ids[row] ?? '',
    label: meta.classes[cols.labels[row] ?? -1] ?? '',
    suggested: suggested >= 0 ? (meta.classes[suggested] ?? String(suggested)) : '',
    suspicion: cols.suspicion[row] ?? Number.NaN,
    families: familiesOf(cols.flagBits[row] ?? 0, FAMILIES),
    decision: decisionOf(o, row),
  };
}

/** A row's id and label. */
export function named(o: OpenReview, row: number): NamedRow {
  return {
    row,
    id: o.data.cols.ids[row] ?? '',
    label: o.data.meta.classes[o.data.cols.labels[row] ?? -1] ?? '',
  };
}

/** Palette index of a row under a colouring (see MapLayerRequest). */
export function colourIndex(o: OpenReview, by: ColourBy, row: number, paletteSize: number): number {
  const { cols } = o.data;
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
      return o.codes[row] ?? 0;
    default:
      return by satisfies never;
  }
}

/** The k nearest rows to `row` in the run's final embedding (Euclidean), nearest first; empty without embeddings. */
export function neighbours(o: OpenReview, row: number, k: number): Array<{ row: number; distance: number }> {
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
