/**
 * The review worker's typed contract. The worker owns the review's per-sample data: it opens IndexedDB itself
 * (app/db/open.ts) by dataset and score ids, builds the columns, the maps and the histograms, keeps the table's
 * order and the analyst's decisions (writing each to IndexedDB before it answers), and answers queries: a page of
 * rows, one sample's detail, the top N, a map layer, the export files. The page holds what is on screen only.
 */
import type { RowDecision } from './core/manifest/build';
import type { Histogram } from './core/review/geometry';
import type { ScatterFrame } from './core/review/map-geometry';
import type { ReviewQuery } from './core/review/table';

/** Which score set to review: the given one, else the dataset's newest finished one. */
export interface ReviewOpen {
  dbName: string;
  datasetId: string;
  scoreId?: string;
}

/** What the screen shows of an opened review besides its rows. */
export interface ReviewSummary {
  datasetId: string;
  /** The dataset's name, for the export files' names. */
  datasetName: string;
  scoreId: string;
  /** The scored run; null when the score set's run is no longer stored. */
  runId: string | null;
  rows: number;
  classes: string[];
  families: string[];
  scoreNames: string[];
  histograms: Record<string, Histogram & { threshold: number }>;
  /** Whether the run stored embeddings (the PCA map and UMAP need them). */
  hasEmbeddings: boolean;
  /** An image dataset's stored shape (its thumbnails come from `pixels`); null for a CSV dataset. */
  image: { height: number; width: number; channels: number } | null;
  decisions: DecisionSummary;
  /** Worker time to open, ms. */
  ms: number;
}

export type ReviewOpened = { kind: 'ready'; summary: ReviewSummary } | { kind: 'empty'; message: string };

/** The analyst's decisions as the screen counts them. */
export interface DecisionSummary {
  quarantined: number;
  kept: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** One row of the table, as drawn. */
export interface ReviewRow {
  row: number;
  id: string;
  label: string;
  /** '' when no label is suggested. */
  suggested: string;
  /** NaN when the run did not score the row. */
  suspicion: number;
  families: string[];
  decision: 'keep' | 'quarantine' | null;
}

/** A sample named for a list (neighbours, influence). */
export interface NamedRow {
  row: number;
  id: string;
  label: string;
}

/** Everything the detail panel shows about one row. */
export interface RowDetail extends ReviewRow {
  reasons: string[];
  features: Float32Array;
  featureNames: string[];
  image: { width: number; height: number } | null;
  /** Each score of the row by name (suspicion included), and its percentile rank in the run. */
  scores: Record<string, number>;
  percentiles: Record<string, number>;
  /** Per epoch, null without dynamics (or for a row the run left out). */
  loss: number[] | null;
  margin: number[] | null;
  neighbours: Array<NamedRow & { distance: number }>;
}

/** The maps the review draws. */
export type MapSpace = 'pca' | 'cartography' | 'umap';

/** What a map layer is coloured by; the palette comes from the page (d3's schemes), packed 0xAABBGGRR. */
export type ColourBy = 'label' | 'suspicion' | 'flag' | 'decision';

export interface MapLayerRequest {
  space: MapSpace;
  colourBy: ColourBy;
  /** Packed colours: label → palette[label % length]; suspicion → palette[round(s · (length − 1))]; flag → [no, yes]; decision → [none, keep, quarantine]. */
  palette: Uint32Array;
  /** CSS pixels, and device pixels per CSS pixel. */
  width: number;
  height: number;
  ratio: number;
}

/** A rasterised map: its frame and its RGBA pixels (transferred). */
export interface MapLayer {
  frame: ScatterFrame;
  pixels: Uint8ClampedArray<ArrayBuffer>;
  pixelWidth: number;
  pixelHeight: number;
}

/** The points of some rows on a map (for highlights): rows × 2 data coordinates and each row's palette index. */
export interface MapPoints {
  xy: Float32Array;
  colour: Uint8Array;
}

/** The run's embeddings for a UMAP layout (copies, transferred). */
export interface UmapInput {
  runId: string;
  rows: number;
  embeddings: Float32Array;
  dim: number;
  sampleRows: Int32Array;
  seed: number;
}

/** A decision on rows, with the reasons the analyst gave. */
export interface DecideRequest {
  rows: Int32Array;
  decision: RowDecision['decision'];
  reasons: string[];
  note: string;
}

/** After a decision, undo or redo: the counts, and the table's new length when its query depends on decisions. */
export interface DecisionOutcome {
  decisions: DecisionSummary;
  /** Rows the entry changed. */
  changed: number;
  count: number;
}

export interface ExportFiles {
  manifestText: string;
  /** 'csv': clean and quarantine are CSVs; 'zip': zips of an image dataset's files. */
  format: 'csv' | 'zip';
  clean: Uint8Array;
  quarantine: Uint8Array;
  reportText: string;
  kept: number;
  quarantined: number;
}

/** `rowsChecked`: rows of a clean CSV, or files of a clean zip (`filesChecked` set then). */
export type VerifyOutcome = { ok: boolean; problems: string[]; rowsChecked: number; filesChecked?: number };

export interface ReviewApi {
  /** Reads a score set, its run and the dataset's decisions from IndexedDB and builds the review. */
  open(request: ReviewOpen): Promise<ReviewOpened>;
  /** Filters and sorts the table; resolves with its length (the order stays in the worker). */
  query(query: ReviewQuery): Promise<number>;
  /** Rows at table positions [from, to). */
  page(from: number, to: number): Promise<ReviewRow[]>;
  /** The table position of `row` (-1 when filtered out). */
  position(row: number): Promise<number>;
  /** The row `step` positions from `row` in table order (the first row when `row` is null or filtered out). */
  step(row: number | null, step: number): Promise<{ row: number; at: number } | null>;
  /** The first `n` rows of the table's order, and the reason their flags suggest. */
  top(n: number): Promise<{ rows: Int32Array; reason: string }>;
  /** The reason the flags of `rows` suggest (families, comma-separated). */
  reasonFor(rows: Int32Array): Promise<string>;
  detail(row: number): Promise<RowDetail | null>;
  /** Ids and labels of rows. */
  describe(rows: Int32Array): Promise<NamedRow[]>;
  mapLayer(request: MapLayerRequest): Promise<MapLayer | null>;
  /** The row whose point is nearest pixel (px, py) of the last layer drawn of `space`, within a few pixels. */
  nearest(space: MapSpace, px: number, py: number): Promise<(NamedRow & { suspicion: number }) | null>;
  /** Rows inside a polygon ([x0, y0, …] in data coordinates) of a map, and the reason they suggest. */
  lasso(space: MapSpace, polygon: Float32Array): Promise<{ rows: Int32Array; reason: string }>;
  /** Points of `rows` on a map, coloured as `colourBy` with a palette of `paletteSize` colours. */
  points(space: MapSpace, rows: Int32Array, colourBy: ColourBy, paletteSize: number): Promise<MapPoints>;
  umapInput(): Promise<UmapInput | null>;
  /** A finished UMAP layout of the open run (rows × 2, transferred). */
  setUmap(runId: string, xy: Float32Array): Promise<void>;
  /** Decides on rows: stored in IndexedDB (committed) before it resolves. */
  decide(request: DecideRequest): Promise<DecisionOutcome>;
  undo(): Promise<DecisionOutcome>;
  redo(): Promise<DecisionOutcome>;
  /** Every quarantined dataset row, sorted. */
  quarantined(): Promise<Int32Array>;
  /** Builds, signs and assembles every export file (the file and the signing key read from IndexedDB). */
  exportFiles(request: { createdAt: number; version: string; tfjs: string }): Promise<ExportFiles>;
  /** Verifies a dropped manifest (and its clean CSV, or an image dataset's clean zip, told by its bytes). */
  verify(manifestText: string, clean: Uint8Array | null): Promise<VerifyOutcome>;
  /** The stored pixels of `rows` (H × W × C uint8 each, in order); null when the dataset is not images. */
  pixels(rows: Int32Array): Promise<Uint8Array | null>;
  /** The mean image of class `label`; null when the dataset is not images. */
  classMean(label: number): Promise<Uint8Array | null>;
}
