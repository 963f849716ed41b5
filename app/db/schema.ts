/**
 * The IndexedDB schema of Sift. Big per-row arrays live apart from the metadata so listing datasets never
 * reads them; the original file is kept as a Blob so later exports can copy kept rows byte for byte.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { ColumnPlan, FeatureStats, IngestLimits, Problem } from '../../workers/core/ingest/types';
import type { ComparisonRecord } from './comparison-schema';
import type { DecisionLogRecord, DecisionRecord, SigningKeyRecord } from './decision-schema';
import type { DatasetId, RunId, ScoreJobId } from './ids';
import type { ImageArrays } from './image-arrays';
import type { ImageDatasetInfo, ImageOverviewRecord, StoredImageArrays } from './image-schema';
import type { RunCurvesRecord, RunDynamicsRecord, RunRecord } from './run-schema';
import type { ScoreRecord } from './score-schema';

export type { DatasetId };

/** Phase timings of one import, in milliseconds. */
export interface ImportTimings {
  /** Worker: waiting for the file's bytes. */
  readMs: number;
  /** Worker: parse, validate and hash. */
  parseMs: number;
  /** Worker wall clock for the job (read + parse + overheads). */
  workerMs: number;
  /** From the worker posting the result to the app receiving it (structured clone of ids, transfer of arrays). */
  transferMs: number;
  /** The one IndexedDB transaction that writes metadata, arrays and file. */
  storeMs: number;
  /** From the Import click to the dataset being stored. */
  totalMs: number;
}

/** A few rows kept with the metadata so the overview can draw thumbnails without reading the arrays store. */
export interface RowSample {
  /** 0-based data-row indices. */
  rows: number[];
  /** Class code of each sampled row. */
  labels: number[];
  /** rows.length × featureCount, row-major. */
  features: Float32Array;
}

/** Everything about a dataset except its per-row arrays. */
export interface DatasetMeta {
  id: DatasetId;
  /** Display name; the analyst can rename it. */
  name: string;
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
  rows: number;
  delimiter: string;
  header: string[];
  /** Byte offset where the header's text ends (before its line break). */
  headerEnd: number;
  labelColumn: string;
  idColumn: string | null;
  featureNames: string[];
  classes: string[];
  classCounts: number[];
  plan: ColumnPlan;
  limits: IngestLimits;
  stats: FeatureStats;
  warnings: Problem[];
  /** Milliseconds since the epoch. */
  createdAt: number;
  /**
   * Set when the features are the pixels of an image: a square CSV row (channels absent: 1), or an image dataset's
   * shape (H × W × C, pixels row-major).
   */
  image: { width: number; height: number; channels?: number } | null;
  /**
   * Set for an image dataset (image-schema.ts). Its CSV fields then read: delimiter '', header [], headerEnd 0,
   * labelColumn 'class folder' or 'label', idColumn 'path', featureNames one per pixel value ("y,x" or "y,x,c"),
   * empty stats and sample (the overview reads `datasetImages`), and warnings [] (its own are in `images`).
   */
  images?: ImageDatasetInfo;
  sample: RowSample;
  timings: ImportTimings;
  /** Written in the same transaction as the arrays and the file, so a stored record is always whole. */
  status: 'complete';
}

/** The per-row arrays of a dataset, as `DatasetStore.loadArrays` returns them. */
export interface DatasetArrays {
  id: DatasetId;
  /** rows × featureNames.length, row-major. */
  features: Float32Array;
  labels: Int32Array;
  /** Every row's id, joined by U+0000 (`unpackIds` in workers/core/ingest/ids.ts splits them). */
  idText: string;
  lines: Uint32Array;
  rowStart: Float64Array;
  rowEnd: Float64Array;
  /** rows × 32 bytes (an image dataset: each file's SHA-256). */
  rowSha256: Uint8Array;
  /**
   * An image dataset's own arrays (image-arrays.ts). Its `features` are then the pixels / 255, `lines` zeros, and
   * `rowStart`/`rowEnd` each file's byte range in a folder's stored Blob.
   */
  images?: ImageArrays;
}

/** How the per-row arrays are stored: packed into one Blob (see `arrays.ts`), binary, never JSON numbers. */
export interface StoredArrays {
  id: DatasetId;
  format: 'sift-arrays/1';
  rows: number;
  featureCount: number;
  /** rowStart, rowEnd (float64), features (float32), labels (int32), lines (uint32), rowSha256 (bytes). */
  blob: Blob;
  idText: string;
}

/** The original file, byte for byte. */
export interface DatasetFile {
  id: DatasetId;
  blob: Blob;
}

export interface SiftSchema extends DBSchema {
  datasets: { key: DatasetId; value: DatasetMeta; indexes: { 'by-sha256': string; 'by-created': number } };
  /** CSV rows (`sift-arrays/1`) or images (`sift-image-arrays/1`, image-arrays.ts). */
  datasetArrays: { key: DatasetId; value: StoredArrays | StoredImageArrays };
  datasetFiles: { key: DatasetId; value: DatasetFile };
  runs: { key: RunId; value: RunRecord; indexes: { 'by-dataset': DatasetId } };
  runCurves: { key: RunId; value: RunCurvesRecord };
  runDynamics: { key: RunId; value: RunDynamicsRecord };
  scores: { key: ScoreJobId; value: ScoreRecord; indexes: { 'by-run': RunId; 'by-dataset': DatasetId } };
  decisions: { key: [DatasetId, number]; value: DecisionRecord; indexes: { 'by-dataset': DatasetId } };
  decisionLog: { key: [DatasetId, number]; value: DecisionLogRecord; indexes: { 'by-dataset': DatasetId } };
  signingKeys: { key: string; value: SigningKeyRecord };
  datasetImages: { key: DatasetId; value: ImageOverviewRecord };
  comparisons: {
    key: RunId;
    value: ComparisonRecord;
    indexes: { 'by-before': RunId; 'by-dataset': DatasetId };
  };
}

/** The stores a dataset spans: deleting a dataset touches every one of them in one transaction. */
export const DATASET_STORES = ['datasets', 'datasetArrays', 'datasetFiles', 'datasetImages'] as const;

/** Bump when a store or index is added; add a step to `upgradeSchema` for the new version. */
export const SCHEMA_VERSION = 6;

/**
 * Brings a database from `oldVersion` to `newVersion` (default `SCHEMA_VERSION`), one step per version so any old
 * database upgrades and keeps its records (each step only adds stores). Tests build an older version with
 * `newVersion`.
 */
export function upgradeSchema(
  db: IDBPDatabase<SiftSchema>,
  oldVersion: number,
  _tx: IDBPTransaction<SiftSchema, StoreNames<SiftSchema>[], 'versionchange'>,
  newVersion = SCHEMA_VERSION,
): void {
  const step = (version: number) => oldVersion < version && newVersion >= version;
  if (step(1)) {
    const datasets = db.createObjectStore('datasets', { keyPath: 'id' });
    datasets.createIndex('by-sha256', 'sha256');
    datasets.createIndex('by-created', 'createdAt');
    db.createObjectStore('datasetArrays', { keyPath: 'id' });
    db.createObjectStore('datasetFiles', { keyPath: 'id' });
  }
  if (step(2)) {
    // Training runs (run-schema.ts): summary, curves and dynamics apart, so lists read summaries only.
    db.createObjectStore('runs', { keyPath: 'id' }).createIndex('by-dataset', 'datasetId');
    db.createObjectStore('runCurves', { keyPath: 'id' });
    db.createObjectStore('runDynamics', { keyPath: 'id' });
  }
  if (step(3)) {
    // Score sets (score-schema.ts): one record per scoring of a run, found by run or by dataset.
    const scores = db.createObjectStore('scores', { keyPath: 'id' });
    scores.createIndex('by-run', 'runId');
    scores.createIndex('by-dataset', 'datasetId');
  }
  if (step(4)) {
    // Review decisions (decision-schema.ts): the current decision per row and the append-only log, keyed by
    // [dataset, row] and [dataset, seq]; the browser profile's signing key pair.
    db.createObjectStore('decisions', { keyPath: ['datasetId', 'row'] }).createIndex(
      'by-dataset',
      'datasetId',
    );
    db.createObjectStore('decisionLog', { keyPath: ['datasetId', 'seq'] }).createIndex(
      'by-dataset',
      'datasetId',
    );
    db.createObjectStore('signingKeys', { keyPath: 'id' });
  }
  if (step(5)) {
    // Image datasets (image-schema.ts): each class's mean image and a few thumbnails per class, for the overview
    // and the review. Their pixels go in `datasetArrays` under another format tag; CSV records are untouched.
    db.createObjectStore('datasetImages', { keyPath: 'id' });
  }
  if (step(6)) {
    // Retrain comparisons (comparison-schema.ts, issue 13): one per retrained run, listed by the run it compares to.
    const comparisons = db.createObjectStore('comparisons', { keyPath: 'id' });
    comparisons.createIndex('by-before', 'beforeRunId');
    comparisons.createIndex('by-dataset', 'datasetId');
  }
}
