/**
 * Streaming CSV ingestion: bytes in (chunks of any size), a validated columnar dataset out.
 *
 * The bytes go, in one pass: into the file's SHA-256; through a UTF-8 check (TextDecoder, fatal, streaming,
 * only once a non-ASCII byte has been seen); past a UTF-8 byte-order mark; into the byte-level tokenizer, whose
 * records are validated and written straight into growing typed arrays (numeric cells parsed from the bytes,
 * each kept row's bytes hashed in place). Any error throws an IngestError at once, so a bad file stops early.
 * The byte side is `CsvByteStream` (byte-stream.ts), the row side `RowCollector` (row-collector.ts).
 *
 * Decisions where the issue leaves a choice (the preview's proposals are in columns.ts):
 * - Blank lines (empty, or only spaces and tabs) are skipped without a warning, anywhere in the file, and are
 *   not rows (`row-<n>` does not count them); line numbers still count them.
 * - Label, id and one-hot cells are trimmed of surrounding spaces and tabs (as numeric cells are), so ` 3` and
 *   `3` are one class; header names are kept as written.
 * - A feature cell is missing when empty, NaN/NA/N/A/#N/A/null/None/?, ±inf/infinity (any case), or a number
 *   beyond float32 range (1e309, 3.5e38): features are float32, where those would be infinite.
 * - Missing values: `drop-row` drops the row (an error if that leaves none); anything else imputes the
 *   column's median over its finite kept values (0 for a column with none). Stats are over observed values.
 * - An empty id cell is an error (`missing-id`); an empty one-hot cell is its own category (`color=`).
 * - One-hot features sit where their column was, one per value present in kept rows, named `<col>=<value>`,
 *   values in the same natural order as classes.
 */
import { CsvByteStream } from './byte-stream';
import { IngestError } from './ingest-error';
import { unbalancedQuote } from './problems';
import { RowCollector } from './row-collector';
import { CsvSyntaxError } from './tokenizer';
import {
  type ColumnPlan,
  DEFAULT_LIMITS,
  type IngestedDataset,
  type IngestLimits,
  type Problem,
} from './types';

/** Options of a streaming import. */
export interface CsvIngestorOptions {
  fileName: string;
  /** The file's size in bytes, as the file system reports it (checked against `limits.maxBytes` at once). */
  totalBytes: number;
  plan: ColumnPlan;
  limits?: IngestLimits;
  /** The preview's delimiter; when absent it is sniffed from the first 64 KiB. */
  delimiter?: string;
  /**
   * Check only, for the preview: no SHA-256 is computed (`sha256` is '' and `rowSha256` all zeros), which keeps a
   * preview in a fresh worker fast, or leaves the hashing to a `RangeHasher` fed with the bytes and `keptRanges`.
   * Default false.
   */
  validateOnly?: boolean;
}

/**
 * Streaming ingestion: `push` byte chunks of any size (boundaries may split rows, quoted fields and multi-byte
 * characters), then `finish()`. Errors throw `IngestError` from `push` or `finish` (never the constructor) as
 * soon as they are certain; after one, every call rethrows it.
 */
export class CsvIngestor {
  private readonly file: string;
  private readonly rows: RowCollector;
  private readonly bytes: CsvByteStream;
  private failure: IngestError | null = null;
  private finished = false;

  constructor(options: CsvIngestorOptions) {
    this.file = options.fileName;
    const limits = options.limits ?? DEFAULT_LIMITS;
    const hashing = options.validateOnly !== true;
    this.rows = new RowCollector(options.fileName, options.totalBytes, options.plan, limits, hashing);
    this.bytes = new CsvByteStream(
      {
        file: options.fileName,
        totalBytes: options.totalBytes,
        maxBytes: limits.maxBytes,
        hashing,
        delimiter: options.delimiter ?? null,
      },
      this.rows,
    );
  }

  /** Data rows read so far, kept or dropped (for progress). */
  get rowsParsed(): number {
    return this.rows.parsedRows;
  }

  /** Rows kept so far; `keptRanges(from)` gives their file byte ranges from row `from` on. */
  get rowsKept(): number {
    return this.rows.keptRows;
  }

  /** Copies of the file byte ranges `[starts[i], ends[i])` of kept rows `from` on (see `validateOnly`). */
  keptRanges(from: number): { starts: Float64Array; ends: Float64Array } {
    return this.rows.keptRanges(from);
  }

  /** Bytes pushed so far. */
  get bytesRead(): number {
    return this.bytes.bytes;
  }

  /** Adds the next chunk of the file. Throws IngestError as soon as the file is certainly unusable. */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('CsvIngestor.push after finish');
    try {
      this.bytes.push(chunk);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Ends the file and returns the dataset. Throws IngestError for what only the end can tell. */
  finish(): IngestedDataset {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('CsvIngestor.finish called twice');
    try {
      this.bytes.end();
      const dataset = this.rows.complete({
        bytes: this.bytes.bytes,
        sha256: this.bytes.sha256(),
        delimiter: this.bytes.delimiter,
      });
      this.finished = true;
      return dataset;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /**
   * The warnings found so far, for a preview that reads only the head of a file and so never calls `finish`.
   */
  warningsSoFar(): Problem[] {
    return this.rows.missingWarning(false);
  }

  private fail(error: unknown): unknown {
    if (error instanceof CsvSyntaxError) {
      const column = this.rows.headerNames?.[error.field];
      this.failure = new IngestError([unbalancedQuote(this.file, error.line, column, error.after)]);
      return this.failure;
    }
    if (error instanceof IngestError) {
      this.failure = error;
      return error;
    }
    return error;
  }
}
