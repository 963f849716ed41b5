/**
 * The review worker's typed contract: every loop over samples the review screen needs (filter and sort, PCA,
 * lasso, histograms, export, verification) runs behind it, never on the main thread.
 */
import type { RowDecision } from './core/manifest/build';
import type { EcPublicJwk, Manifest, ManifestTool } from './core/manifest/types';
import type { Histogram } from './core/review/geometry';
import type { ReviewQuery } from './core/review/table';

/** Per-dataset-row review columns (the app fills them from the dataset and the latest score set). */
export interface ReviewLoad {
  rows: number;
  /** Ids joined by U+0000, as the dataset store keeps them. */
  idText: string;
  labels: Int32Array;
  /** Dataset row of score index j (ScoreSet arrays are indexed by j). */
  sampleRows: Int32Array;
  suggested: Int32Array;
  suspicion: Float32Array;
  /** Per family name (FAMILY_NAMES order), 1 where flagged; bit f of the table's family mask. */
  flags: Uint8Array[];
  labelIssue: Uint8Array;
  /** Dataset rows seen in an anomalous batch. */
  anomalousRows: Int32Array;
  scores: Record<string, Float32Array>;
  /** Row-major samples × embeddingDim, score index order; null without dynamics. */
  embeddings: Float32Array | null;
  embeddingDim: number;
  confidence: Float32Array | null;
  variability: Float32Array | null;
  /** Flag budget q, for the histogram thresholds. */
  q: number;
}

/** What load() computes once: map coordinates per dataset row (NaN for unscored rows). */
export interface ReviewLoaded {
  /** rows × 2. */
  pca: Float32Array;
  /** rows × 2: (variability, confidence). */
  cartography: Float32Array;
  histograms: Record<string, Histogram & { threshold: number }>;
  /** Per dataset row: family flag bits (bit f = FAMILY_NAMES[f]), suggested label (-1 none), suspicion (NaN unscored). */
  flagBits: Uint8Array;
  suggested: Int32Array;
  suspicion: Float32Array;
  /** Worker time for load, ms. */
  ms: number;
}

export interface ExportRequest {
  file: Blob;
  createdAt: number;
  tool: ManifestTool;
  dataset: {
    name: string;
    sha256: string;
    labelColumn: string;
    idColumn: string | null;
    headerEnd: number;
    classes: string[];
  };
  rowStart: Float64Array;
  rowEnd: Float64Array;
  rowSha256: Uint8Array;
  run: Manifest['run'];
  decisions: Array<[number, RowDecision]>;
  signingKey: { privateKey: CryptoKey; publicKeyJwk: EcPublicJwk };
}

export interface ExportFiles {
  manifestText: string;
  clean: Uint8Array;
  quarantine: Uint8Array;
  reportText: string;
  kept: number;
  quarantined: number;
}

export type VerifyOutcome = { ok: boolean; problems: string[]; rowsChecked: number };

export interface ReviewApi {
  /** Takes the columns (transferred), computes map coordinates and histograms. */
  load(data: ReviewLoad): Promise<ReviewLoaded>;
  /** The dataset rows matching `query`, in order; `decisions` holds 0 none / 1 keep / 2 quarantine per row. */
  query(query: ReviewQuery, decisions: Uint8Array): Promise<Int32Array>;
  /** Dataset rows whose point lies in the polygon ([x0, y0, …] in data coordinates) of the map `space`. */
  lasso(space: 'pca' | 'cartography', polygon: Float32Array): Promise<Int32Array>;
  /** Percentile rank in the run of each score of one row: what "why flagged" shows. */
  percentiles(row: number): Promise<Record<string, number>>;
  /** The k nearest rows to `row` in the final embedding (Euclidean), nearest first; empty without embeddings. */
  neighbours(row: number, k: number): Promise<Array<{ row: number; distance: number }>>;
  /** Builds, signs and assembles every export file. */
  exportFiles(request: ExportRequest): Promise<ExportFiles>;
  /** Verifies a dropped manifest (and clean CSV). */
  verify(manifestText: string, cleanCsv: Uint8Array | null): Promise<VerifyOutcome>;
}
