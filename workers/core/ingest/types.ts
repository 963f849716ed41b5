/**
 * The contract of CSV ingestion: what the ingest worker hands the app, and what the app stores.
 * Pure data: typed arrays and plain objects that cross a worker boundary by structured clone / transfer.
 */

/** Everything that can be wrong with an input file. Each code has exactly one message builder in `problems.ts`. */
export type ProblemCode =
  | 'not-utf8'
  | 'empty-file'
  | 'header-only'
  /** The head of a large file holds no complete line: line 1 is longer than anything a header could be. */
  | 'header-too-long'
  | 'duplicate-column'
  | 'no-label-column'
  | 'no-features'
  | 'ragged-row'
  | 'unbalanced-quote'
  | 'non-numeric'
  | 'missing-value'
  | 'missing-label'
  | 'duplicate-id'
  | 'single-class'
  | 'too-many-bytes'
  | 'too-many-rows'
  | 'too-many-columns'
  | 'too-many-classes'
  /** Added by the ingest core: an empty cell in the id column. */
  | 'missing-id'
  /** Added by the ingest core: the plan names an id, excluded or one-hot column the header does not have. */
  | 'unknown-column'
  /** Added by the ingest service: the worker hashing the rows beside the parse died or failed mid-import. */
  | 'hashing-stopped';

/** One finding. `message` is a whole sentence for the analyst; it names the file, and the line and column where known. */
export interface Problem {
  severity: 'error' | 'warning';
  code: ProblemCode;
  message: string;
  file: string;
  /** 1-based line number in the file (the header is line 1). */
  line?: number;
  /** Column name as written in the header. */
  column?: string;
  /** For a warning that stands for many occurrences: how many (the message lists the first few lines). */
  count?: number;
}

/** Size limits, enforced while streaming so a huge file stops early. */
export interface IngestLimits {
  maxBytes: number;
  maxRows: number;
  maxColumns: number;
  maxClasses: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxBytes: 512 * 1024 * 1024,
  maxRows: 2_000_000,
  maxColumns: 5_000,
  maxClasses: 1_000,
};

/** What to do with a feature cell that is empty, NaN or infinite. */
export type MissingValuePolicy = 'drop-row' | 'impute-median';

/** The analyst's choice of column roles, proposed by the preview and confirmed in the import form. */
export interface ColumnPlan {
  labelColumn: string;
  /** null: ids are `row-<n>`, n the 0-based data-row index in the file. */
  idColumn: string | null;
  /** Columns that are neither label, id nor feature. */
  excluded: string[];
  /** Non-numeric columns to one-hot encode into one 0/1 feature per distinct value. */
  oneHot: string[];
  missing: MissingValuePolicy;
}

/** The first look at a file: header, a few rows and proposed roles. Cheap: reads only the head of the file. */
export interface CsvPreview {
  fileName: string;
  bytes: number;
  delimiter: string;
  header: string[];
  /** Up to 20 parsed data rows, as text. */
  sampleRows: string[][];
  /** Columns whose sample cells are not all numbers (candidates to exclude or one-hot). */
  nonNumericColumns: string[];
  suggested: ColumnPlan;
  /** Problems visible already in the head (errors here mean the import cannot start). */
  problems: Problem[];
}

/** Per-feature summary for the overview screen, computed in the worker. */
export interface FeatureStats {
  min: Float64Array;
  max: Float64Array;
  mean: Float64Array;
  /** Cells that were empty, NaN or infinite (before dropping or imputing). */
  missing: Uint32Array;
}

/** A validated dataset, ready to store. Row order is file order; dropped rows are absent. */
export interface IngestedDataset {
  fileName: string;
  bytes: number;
  /** Hex SHA-256 of the whole file's bytes. */
  sha256: string;
  delimiter: string;
  /** Header cells as written. */
  header: string[];
  labelColumn: string;
  idColumn: string | null;
  featureNames: string[];
  rows: number;
  /** rows × featureNames.length, row-major. */
  features: Float32Array;
  /** Class code of each row: an index into `classes`. */
  labels: Int32Array;
  /** Distinct labels in natural order (numeric ascending when all are numbers). */
  classes: string[];
  ids: string[];
  /** 1-based line number where each row starts in the file. */
  lines: Uint32Array;
  /** Byte offset of the start of each row's original text, and of its end (exclusive, before the line break). */
  rowStart: Float64Array;
  rowEnd: Float64Array;
  /** Byte offset where the header's text ends (before its line break). */
  headerEnd: number;
  /** rows × 32 bytes: SHA-256 of each row's original text (the exact bytes between its line breaks). */
  rowSha256: Uint8Array;
  stats: FeatureStats;
  /** Everything found that did not stop the import. */
  warnings: Problem[];
}

/** Progress of a streaming import. */
export interface IngestProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  elapsedMs: number;
}
