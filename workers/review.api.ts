/**
 * The review worker's typed contract. The worker owns the review's per-sample data: it opens IndexedDB itself
 * (app/db/open.ts) by dataset and score ids, builds the columns, the maps and the histograms, keeps the table's
 * order and the analyst's decisions (writing each to IndexedDB before it answers), and answers queries: a page of
 * rows, one sample's detail, the top N, a map layer, the export files. The page holds what is on screen only.
 */
import type { RowDecision } from './core/manifest/build';
import type { RetrainComparison } from './core/review/compare';
import type { FamilyThreshold, TopDefault } from './core/review/family-flags';
import type { Histogram } from './core/review/geometry';
import type { ScatterFrame } from './core/review/map-geometry';
import type { ReviewQuery } from './core/review/table';
import type { FamilyWhy } from './core/review/why';
import type { FamilyName } from './core/scores/types';

/** Which score set to review: the given one, else the dataset's newest finished one. */
export interface ReviewOpen {
  dbName: string;
  datasetId: string;
  scoreId?: string;
}

/** The scored run as the review header names it. */
export interface RunLabel {
  createdAt: number;
  /** "MLP [64]" or "CNN [128]". */
  model: string;
  epochs: number;
  /** Rows the run left out (a retraining without quarantined rows). */
  excluded: number;
  /** The run it retrained, when it is a retraining. */
  retrainOf: string | null;
}

/** A score's (or family's) distribution: its histogram, its bulk (median) and, for a family, its flag threshold. */
export type Distribution = Histogram & { bulk: number; threshold: number | null };

/** What the screen shows of an opened review besides its rows. */
export interface ReviewSummary {
  datasetId: string;
  /** The dataset's name, for the header and the export files' names. */
  datasetName: string;
  scoreId: string;
  /** When the score set was made. */
  scoredAt: number;
  /** The scored run; null when the score set's run is no longer stored. */
  runId: string | null;
  run: RunLabel | null;
  rows: number;
  /** Rows the score set scored (the run's rows). */
  scoredRows: number;
  classes: string[];
  families: string[];
  scoreNames: string[];
  /** Per score name, 'suspicion' and `family:<name>`. */
  histograms: Record<string, Distribution>;
  /** Each family's threshold, bulk and flag count (after the bulk rule). */
  familyThresholds: Record<FamilyName, FamilyThreshold>;
  /** The flag budget q of the score set. */
  q: number;
  /** The default of "select top N". */
  topDefault: TopDefault;
  /** Neighbours the score set's kNN scores used (the detail panel lists as many). */
  k: number;
  /** Whether the run stored embeddings (the PCA map and UMAP need them). */
  hasEmbeddings: boolean;
  /** An image dataset's stored shape (its thumbnails come from `pixels`); null for a CSV dataset. */
  image: { height: number; width: number; channels: number } | null;
  decisions: DecisionSummary;
  /** Worker time to open, ms. */
  ms: number;
}

/**
 * The review of a dataset, or why there is none yet: `scorable` names the newest finished run with dynamics (it can
 * be scored now), `runs` how many runs the dataset has.
 */
export type ReviewOpened =
  | { kind: 'ready'; summary: ReviewSummary }
  | { kind: 'empty'; message: string; scorable: { runId: string; createdAt: number } | null; runs: number };

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

/** One feature of a tabular row: as written in the file, as the model saw it, and against the row's class. */
export interface FeatureCell {
  name: string;
  /** The cell's text in the file (a one-hot feature shows its source column's cell). */
  written: string;
  /** The cell was empty or not a number: the model saw the column's imputed median (`value`). */
  missing: boolean;
  /** The value the model saw (float32). */
  value: number;
  /** Share of the class's rows with a lower value, ties counted half. */
  percentile: number;
  /** (value − class mean) / class std. */
  z: number;
  /** Share of the row's Mahalanobis distance to its class; null when not computed. */
  share: number | null;
}

/** A tabular row's features against its class (the detail panel's evidence for tables). */
export interface TabularEvidence {
  /** Rows of the class the statistics are over. */
  classRows: number;
  /** In the file's column order. */
  features: FeatureCell[];
  /** Feature indices, the ones that push the row out of its class first. */
  order: number[];
  /** Mahalanobis distance to the class in feature space, its percentile in the class and the shrinkage used. */
  distance: number | null;
  distancePercentile: number | null;
  shrinkage: number;
  /** Why the distance is missing, for people. */
  skipped: string | null;
  /** The row's text could not be read back from the stored file (values are then the model's). */
  fileMissing: boolean;
}

/** A neighbour as the detail panel's compact table lists it. */
export interface Neighbour extends NamedRow {
  distance: number;
  suspicion: number;
  decision: 'keep' | 'quarantine' | null;
}

/** One family's value, flag and threshold for the row, with the sentences that say why. */
export interface FamilyDetail extends FamilyWhy {
  value: number;
  threshold: FamilyThreshold;
}

/** Everything the detail panel shows about one row. */
export interface RowDetail extends ReviewRow {
  /** Why the row sits where it does in the ranking (core/review/rank-reason.ts); null for a set that does not record it. */
  rank: string | null;
  reasons: string[];
  features: Float32Array;
  featureNames: string[];
  image: { width: number; height: number } | null;
  /** Tabular rows only (null for image datasets: the image evidence shows them). */
  tabular: TabularEvidence | null;
  /** Each score of the row by name (suspicion included), its percentile rank in the run and the run's median. */
  scores: Record<string, number>;
  percentiles: Record<string, number>;
  bulk: Record<string, number>;
  /** Flagged families first. */
  why: FamilyDetail[];
  /** Whether the run trained on the row (false: validation); null when the run left it out or kept no dynamics. */
  inTraining: boolean | null;
  /** Per epoch, null without dynamics (or for a row the run left out). */
  loss: number[] | null;
  margin: number[] | null;
  neighbours: Neighbour[];
  /** The lifted group of shared values that holds the row: how many rows it has and its columns (feature indices). */
  group: { rows: number; columns: number[] } | null;
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
  /** Points drawn: the rows the table's filter keeps that have a position on this map. */
  drawn: number;
  /** Rows with a position on this map (the scored rows), filtered or not. */
  points: number;
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

/** A score set of a dataset, as the runs list marks which runs are scored. */
export interface ScoreIndexEntry {
  scoreId: string;
  runId: string;
  createdAt: number;
  status: 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
}

/** A stored retrain comparison. */
export interface ComparisonEntry {
  beforeRunId: string;
  afterRunId: string;
  createdAt: number;
  excluded: number;
  comparison: RetrainComparison;
}

export interface ReviewApi {
  /** Reads a score set, its run and the dataset's decisions from IndexedDB and builds the review. */
  open(request: ReviewOpen): Promise<ReviewOpened>;
  /**
   * Filters and sorts the table; resolves with its length (the order stays in the worker). `selection` is the rows
   * the table keeps when the query asks for the selection only.
   */
  query(query: ReviewQuery, selection?: Int32Array): Promise<number>;
  /** Rows at table positions [from, to). */
  page(from: number, to: number): Promise<ReviewRow[]>;
  /** The table position of `row` (-1 when filtered out). */
  position(row: number): Promise<number>;
  /** The row `step` positions from `row` in table order (the first row when `row` is null or filtered out). */
  step(row: number | null, step: number): Promise<{ row: number; at: number } | null>;
  /** The first `n` rows of the table's order, and the reason their flags suggest. */
  top(n: number): Promise<{ rows: Int32Array; reason: string }>;
  /** The rows of the lifted group of shared values that holds `row` (none when no group does), and a reason naming it. */
  group(row: number): Promise<{ rows: Int32Array; reason: string }>;
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
  /** Points of `rows` on a map (NaN for a row the table's filters leave out), coloured as `colourBy` with a palette of `paletteSize` colours. */
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
  /** The score sets of a dataset, newest first (no review need be open). */
  scoreIndex(dbName: string, datasetId: string): Promise<ScoreIndexEntry[]>;
  /**
   * Compares the open review's run with `afterRunId` (its retraining without the quarantined rows) on the validation
   * rows both held out, predicts the quarantined rows with the retrained model, and stores the comparison.
   */
  compareRetrain(afterRunId: string): Promise<ComparisonEntry>;
  /** The stored comparisons of the open review's run, newest first. */
  comparisons(): Promise<ComparisonEntry[]>;
}
