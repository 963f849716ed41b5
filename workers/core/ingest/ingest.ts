/**
 * Streaming CSV ingestion: bytes in (chunks of any size), a validated columnar dataset out.
 *
 * The bytes go, in one pass: into the file's SHA-256; through a UTF-8 check (TextDecoder, fatal, streaming,
 * only once a non-ASCII byte has been seen); past a UTF-8 byte-order mark; into the byte-level tokenizer, whose
 * records are validated and written straight into growing typed arrays (numeric cells parsed from the bytes,
 * each kept row's bytes hashed in place). Any error throws an IngestError at once, so a bad file stops early.
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
import { checkPlan, DEFAULT_MISSING, ROLE_FEATURE, ROLE_ONE_HOT, resolveRoles } from './columns';
import { ByteInterner, IdIndex } from './intern';
import { NON_NUMERIC, parseNumberBytes, parseNumberText } from './numbers';
import { mergePlan, previewCsv } from './preview';
import {
  duplicateId,
  emptyFile,
  headerOnly,
  type MissingCell,
  missingId,
  missingLabel,
  missingValue,
  nonNumeric,
  notUtf8,
  raggedRow,
  singleClass,
  tooManyBytes,
  tooManyClasses,
  tooManyColumns,
  tooManyRows,
  unbalancedQuote,
} from './problems';
import { Sha256, sha256Into } from './sha256';
import { sniffDelimiter } from './sniff';
import { CsvSyntaxError, CsvTokenizer, type RecordSink } from './tokenizer';
import {
  type ColumnPlan,
  DEFAULT_LIMITS,
  type FeatureStats,
  type IngestedDataset,
  type IngestLimits,
  type Problem,
} from './types';
import {
  binarySignature,
  countLineBreaks,
  firstInvalidUtf8,
  firstNonAscii,
  invalidByteDetail,
  nulByteDetail,
} from './utf8';

/** An import that cannot go on; `problems` holds the error(s), `message` the first one's message. */
export class IngestError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems.find((p) => p.severity === 'error') ?? problems[0];
    super(first?.message ?? 'The import failed.');
    this.name = 'IngestError';
    this.problems = problems;
  }
}

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
   * preview in a fresh worker fast. Default false.
   */
  validateOnly?: boolean;
}

/** How many bytes are held to sniff the delimiter when none is given; also what the preview reads. */
export const SNIFF_BYTES = 64 * 1024;
/** How many missing cells the missing-value warning lists by line and column. */
const MISSING_LISTED = 5;
const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Streaming ingestion: `push` byte chunks of any size (boundaries may split rows, quoted fields and multi-byte
 * characters), then `finish()`. Errors throw `IngestError` from `push` or `finish` (never the constructor) as
 * soon as they are certain; after one, every call rethrows it.
 */
export class CsvIngestor implements RecordSink {
  private readonly file: string;
  private readonly totalBytes: number;
  private readonly plan: ColumnPlan;
  private readonly limits: IngestLimits;
  private delimiter: string | null;

  private failure: IngestError | null = null;
  private finished = false;
  private bytesSeen = 0;
  private readonly fileHash = new Sha256();
  private readonly hashing: boolean;

  /** The file's first bytes: for the byte-order mark and, on a decoding error, its signature. */
  private readonly start = new Uint8Array(8);
  private startLength = 0;
  private bomDecided = false;
  private bomLength = 0;
  /** Bytes held until the delimiter is sniffed. */
  private sniffChunks: Uint8Array[] = [];
  private sniffLength = 0;
  private tokenizer: CsvTokenizer | null = null;

  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly cellDecoder = new TextDecoder('utf-8');
  /** Set once a non-ASCII byte is seen: from then on every chunk goes through the fatal decoder. */
  private utf8Active = false;

  // Header and roles.
  private header: string[] | null = null;
  private headerLine = 0;
  private headerEnd = 0;
  private columns = 0;
  private roles: Int8Array = new Int8Array(0);
  /** Per column: its slot among the numeric features, or -1. */
  private slots: Int32Array = new Int32Array(0);
  /** Per column: its index among the one-hot columns, or -1. */
  private oneHotOf: Int32Array = new Int32Array(0);
  private numericCount = 0;
  private labelIndex = -1;
  private idIndex = -1;

  // Rows.
  private parsed = 0;
  private rows = 0;
  private capacity = 0;
  private features: Float32Array = new Float32Array(0);
  private labels: Int32Array = new Int32Array(0);
  private lines: Uint32Array = new Uint32Array(0);
  private rowStart: Float64Array = new Float64Array(0);
  private rowEnd: Float64Array = new Float64Array(0);
  private rowSha: Uint8Array = new Uint8Array(0);
  private ids: string[] = [];
  private readonly seenIds = new IdIndex();
  private readonly labelValues = new ByteInterner();
  private oneHotValues: ByteInterner[] = [];
  /** Where `keyOf` left a cell's key: its bytes are `keyBytes[keyStart..keyEnd)`. */
  private keyBytes: Uint8Array = new Uint8Array(0);
  private keyStart = 0;
  private keyEnd = 0;
  /** Scratch for a quoted key with doubled quotes, unescaped. */
  private unescaped: Uint8Array = new Uint8Array(256);
  private oneHotCodes: Int32Array[] = [];
  private oneHotWidth = 0;

  // Missing values.
  private missingPerSlot: Uint32Array = new Uint32Array(0);
  private missingCells = 0;
  private missingRows = 0;
  private readonly firstMissing: MissingCell[] = [];

  constructor(options: CsvIngestorOptions) {
    this.file = options.fileName;
    this.totalBytes = options.totalBytes;
    this.plan = options.plan;
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.delimiter = options.delimiter ?? null;
    this.hashing = options.validateOnly !== true;
  }

  /** Data rows read so far, kept or dropped (for progress). */
  get rowsParsed(): number {
    return this.parsed;
  }

  /** Bytes pushed so far. */
  get bytesRead(): number {
    return this.bytesSeen;
  }

  /** Adds the next chunk of the file. Throws IngestError as soon as the file is certainly unusable. */
  push(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('CsvIngestor.push after finish');
    try {
      this.pushChunk(chunk);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Ends the file and returns the dataset. Throws IngestError for what only the end can tell. */
  finish(): IngestedDataset {
    if (this.failure !== null) throw this.failure;
    if (this.finished) throw new Error('CsvIngestor.finish called twice');
    try {
      const dataset = this.complete();
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
    return this.missingWarning(false);
  }

  private fail(error: unknown): unknown {
    if (error instanceof CsvSyntaxError) {
      const column = this.header?.[error.field];
      this.failure = new IngestError([unbalancedQuote(this.file, error.line, column, error.after)]);
      return this.failure;
    }
    if (error instanceof IngestError) {
      this.failure = error;
      return error;
    }
    return error;
  }

  private pushChunk(chunk: Uint8Array): void {
    this.bytesSeen += chunk.length;
    const { maxBytes } = this.limits;
    if (this.totalBytes > maxBytes || this.bytesSeen > maxBytes) {
      throw new IngestError([tooManyBytes(this.file, Math.max(this.totalBytes, this.bytesSeen), maxBytes)]);
    }
    for (let k = 0; this.startLength < this.start.length && k < chunk.length; k++) {
      this.start[this.startLength++] = chunk[k];
    }
    if (this.hashing) this.fileHash.update(chunk);
    this.checkText(chunk);
    let rest = chunk;
    if (!this.bomDecided) {
      // Compare the file's first bytes (held in `start`, however the chunks split them) with the BOM.
      const seen = Math.min(this.startLength, BOM.length);
      let matches = true;
      for (let k = 0; k < seen; k++) if (this.start[k] !== BOM[k]) matches = false;
      if (matches && seen < BOM.length) return; // wait for more bytes; they are in `start` already
      this.bomDecided = true;
      const consumedBefore = this.bytesSeen - chunk.length;
      if (matches) {
        this.bomLength = BOM.length;
        rest = chunk.subarray(BOM.length - consumedBefore);
      } else if (consumedBefore > 0) {
        // Bytes held back from earlier chunks, which looked like the start of a BOM but were not.
        this.route(this.start.slice(0, consumedBefore));
      }
    }
    this.route(rest);
  }

  /** Rejects NUL bytes and, once the text is not pure ASCII, invalid UTF-8. */
  private checkText(chunk: Uint8Array): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      const offset = this.bytesSeen - chunk.length + nul;
      throw new IngestError([
        notUtf8(
          this.file,
          binarySignature(this.start.subarray(0, this.startLength)) ?? nulByteDetail(offset),
        ),
      ]);
    }
    if (!this.utf8Active && firstNonAscii(chunk) < 0) return;
    this.utf8Active = true;
    try {
      this.utf8.decode(chunk, { stream: true });
    } catch {
      throw new IngestError([this.describeInvalid(chunk)]);
    }
  }

  private describeInvalid(chunk: Uint8Array): Problem {
    const signature = binarySignature(this.start.subarray(0, this.startLength));
    if (signature !== null) return notUtf8(this.file, signature);
    const at = Math.max(0, firstInvalidUtf8(chunk));
    const offset = this.bytesSeen - chunk.length + at;
    return notUtf8(
      this.file,
      invalidByteDetail(chunk[at] ?? 0, offset),
      this.lineAtChunk() + countLineBreaks(chunk, 0, at),
    );
  }

  /** The line number at the start of the chunk being checked (before it is tokenized). */
  private lineAtChunk(): number {
    if (this.tokenizer !== null) return this.tokenizer.currentLine;
    let line = 1;
    for (const held of this.sniffChunks) line += countLineBreaks(held, 0, held.length);
    return line;
  }

  /** Sends bytes after the BOM to the tokenizer, holding the first 64 KiB when the delimiter must be sniffed. */
  private route(bytes: Uint8Array): void {
    if (this.tokenizer !== null) {
      this.tokenizer.feed(bytes);
      return;
    }
    if (bytes.length === 0) return;
    this.sniffChunks.push(bytes.slice());
    this.sniffLength += bytes.length;
    if (this.delimiter !== null || this.sniffLength >= SNIFF_BYTES) this.startTokenizer(true);
  }

  private startTokenizer(truncated: boolean): void {
    if (this.delimiter === null) {
      const held = new Uint8Array(this.sniffLength);
      let at = 0;
      for (const c of this.sniffChunks) {
        held.set(c, at);
        at += c.length;
      }
      this.delimiter = sniffDelimiter(this.cellDecoder.decode(held), truncated);
    }
    const tokenizer = new CsvTokenizer(this.delimiter, this, this.bomLength);
    this.tokenizer = tokenizer;
    const held = this.sniffChunks;
    this.sniffChunks = [];
    for (const c of held) tokenizer.feed(c);
  }

  /** RecordSink: the header, then each data row. */
  record(
    bytes: Uint8Array,
    start: number,
    end: number,
    fieldEnds: Int32Array,
    fieldCount: number,
    line: number,
    fileOffset: number,
  ): void {
    // A line of nothing but spaces or tabs counts as blank, like an empty one.
    if (fieldCount === 1 && isBlank(bytes, start, end)) return;
    if (this.header === null) {
      this.readHeader(bytes, start, end, fieldEnds, fieldCount, line, fileOffset);
      return;
    }
    const rowIndex = this.parsed;
    if (rowIndex >= this.limits.maxRows)
      throw new IngestError([tooManyRows(this.file, line, this.limits.maxRows)]);
    this.parsed++;
    if (fieldCount !== this.columns) {
      throw new IngestError([raggedRow(this.file, line, fieldCount, this.columns)]);
    }
    if (this.rows === this.capacity) this.grow(fileOffset + (end - start));
    const row = this.rows;
    const features = this.features;
    const roles = this.roles;
    const slots = this.slots;
    const base = row * this.numericCount;
    let rowMissing = false;
    let s = start;
    for (let k = 0; k < fieldCount; k++) {
      const e = start + fieldEnds[k];
      const role = roles[k];
      if (role === ROLE_FEATURE) {
        let v: number;
        if (s < e && bytes[s] === QUOTE) v = parseNumberBytes(bytes, s + 1, closingQuote(bytes, e));
        else v = parseNumberBytes(bytes, s, e);
        if (Number.isNaN(v)) {
          rowMissing = true;
          this.noteMissing(slots[k], line, k);
        } else if (v > FLOAT32_MAX || v < -FLOAT32_MAX) {
          if (v === NON_NUMERIC) {
            throw new IngestError([
              nonNumeric(this.file, line, this.headerName(k), this.cellText(bytes, s, e)),
            ]);
          }
          // Finite as a double but infinite as float32 (how features are stored): missing, like an infinity.
          v = Number.NaN;
          rowMissing = true;
          this.noteMissing(slots[k], line, k);
        }
        features[base + slots[k]] = v;
      } else if (role === ROLE_ONE_HOT) {
        this.readOneHot(k, bytes, s, e, row, line);
      }
      s = e + 1;
    }
    const labelStart = this.labelIndex === 0 ? start : start + fieldEnds[this.labelIndex - 1] + 1;
    this.keyOf(bytes, labelStart, start + fieldEnds[this.labelIndex]);
    const key = this.keyBytes;
    if (this.keyStart === this.keyEnd) {
      throw new IngestError([missingLabel(this.file, line, this.plan.labelColumn)]);
    }
    let code = this.labelValues.find(key, this.keyStart, this.keyEnd);
    if (code < 0) {
      if (this.labelValues.size >= this.limits.maxClasses) {
        throw new IngestError([
          tooManyClasses(this.file, line, this.plan.labelColumn, this.limits.maxClasses),
        ]);
      }
      code = this.labelValues.add(key, this.keyStart, this.keyEnd);
    }
    let id: string;
    if (this.idIndex >= 0) {
      const column = this.header[this.idIndex];
      const idStart = this.idIndex === 0 ? start : start + fieldEnds[this.idIndex - 1] + 1;
      this.keyOf(bytes, idStart, start + fieldEnds[this.idIndex]);
      id = this.cellDecoder.decode(this.keyBytes.subarray(this.keyStart, this.keyEnd));
      if (id === '') throw new IngestError([missingId(this.file, line, column)]);
      const seen = this.seenIds.add(id, line);
      if (seen >= 0) throw new IngestError([duplicateId(this.file, line, column, id, seen)]);
    } else {
      id = `row-${rowIndex}`;
    }
    if (rowMissing) {
      this.missingRows++;
      if (this.plan.missing === 'drop-row') return;
    }
    this.labels[row] = code;
    this.lines[row] = line;
    this.rowStart[row] = fileOffset;
    this.rowEnd[row] = fileOffset + (end - start);
    if (this.hashing) sha256Into(bytes, start, end, this.rowSha, row * 32);
    this.ids.push(id);
    this.rows = row + 1;
  }

  private readHeader(
    bytes: Uint8Array,
    start: number,
    end: number,
    fieldEnds: Int32Array,
    fieldCount: number,
    line: number,
    fileOffset: number,
  ): void {
    const header: string[] = [];
    for (let k = 0; k < fieldCount; k++) header.push(this.fieldText(bytes, start, fieldEnds, k));
    this.header = header;
    this.headerLine = line;
    this.headerEnd = fileOffset + (end - start);
    this.columns = fieldCount;
    const problems = checkPlan(this.file, header, line, this.plan, this.limits);
    if (problems.length > 0) throw new IngestError(problems);
    const resolved = resolveRoles(header, this.plan);
    this.roles = resolved.roles;
    this.labelIndex = resolved.labelIndex;
    this.idIndex = resolved.idIndex;
    this.slots = new Int32Array(fieldCount).fill(-1);
    this.oneHotOf = new Int32Array(fieldCount).fill(-1);
    let numeric = 0;
    let oneHot = 0;
    for (let k = 0; k < fieldCount; k++) {
      if (this.roles[k] === ROLE_FEATURE) this.slots[k] = numeric++;
      else if (this.roles[k] === ROLE_ONE_HOT) this.oneHotOf[k] = oneHot++;
    }
    this.numericCount = numeric;
    this.missingPerSlot = new Uint32Array(numeric);
    this.oneHotValues = Array.from({ length: oneHot }, () => new ByteInterner());
    this.oneHotCodes = Array.from({ length: oneHot }, () => new Int32Array(0));
  }

  private headerName(k: number): string {
    return this.header?.[k] ?? `#${k + 1}`;
  }

  private noteMissing(slot: number, line: number, column: number): void {
    this.missingPerSlot[slot]++;
    this.missingCells++;
    if (this.firstMissing.length < MISSING_LISTED) {
      this.firstMissing.push({ line, column: this.headerName(column) });
    }
  }

  private readOneHot(
    column: number,
    bytes: Uint8Array,
    s: number,
    e: number,
    row: number,
    line: number,
  ): void {
    const j = this.oneHotOf[column];
    const values = this.oneHotValues[j];
    this.keyOf(bytes, s, e);
    let code = values.find(this.keyBytes, this.keyStart, this.keyEnd);
    if (code < 0) {
      code = values.add(this.keyBytes, this.keyStart, this.keyEnd);
      this.oneHotWidth++;
      if (this.numericCount + this.oneHotWidth > this.limits.maxColumns) {
        throw new IngestError([
          tooManyColumns(
            this.file,
            line,
            this.numericCount + this.oneHotWidth,
            this.limits.maxColumns,
            this.headerName(column),
          ),
        ]);
      }
    }
    this.oneHotCodes[j][row] = code;
  }

  /**
   * Locates the key of a label or one-hot cell `bytes[s..e)` (unquoted, doubled quotes undone, surrounding
   * spaces and tabs trimmed) in `keyBytes[keyStart..keyEnd)`, without making a string.
   */
  private keyOf(bytes: Uint8Array, s: number, e: number): void {
    let key = bytes;
    let ks = s;
    let ke = e;
    if (s < e && bytes[s] === QUOTE) {
      ks = s + 1;
      ke = closingQuote(bytes, e);
      if (bytes.subarray(ks, ke).includes(QUOTE)) {
        if (this.unescaped.length < ke - ks) this.unescaped = new Uint8Array(2 * (ke - ks));
        let n = 0;
        for (let i = ks; i < ke; i++) {
          this.unescaped[n++] = bytes[i];
          if (bytes[i] === QUOTE && bytes[i + 1] === QUOTE) i++;
        }
        key = this.unescaped;
        ks = 0;
        ke = n;
      }
    }
    while (ks < ke && (key[ks] === SPACE || key[ks] === TAB)) ks++;
    while (ke > ks && (key[ke - 1] === SPACE || key[ke - 1] === TAB)) ke--;
    this.keyBytes = key;
    this.keyStart = ks;
    this.keyEnd = ke;
  }

  /** The text of field `k` of a record (unquoted, decoded). */
  private fieldText(bytes: Uint8Array, start: number, fieldEnds: Int32Array, k: number): string {
    const s = k === 0 ? start : start + fieldEnds[k - 1] + 1;
    return this.cellText(bytes, s, start + fieldEnds[k]);
  }

  /** A cell's text: the bytes decoded, or for a quoted field its content with `""` read as `"`. */
  private cellText(bytes: Uint8Array, s: number, e: number): string {
    if (s < e && bytes[s] === QUOTE) {
      return this.cellDecoder.decode(bytes.subarray(s + 1, closingQuote(bytes, e))).replaceAll('""', '"');
    }
    return this.cellDecoder.decode(bytes.subarray(s, e));
  }

  /** Grows the row arrays: doubling, or straight to the rows the file seems to hold (from its bytes per row). */
  private grow(bytesSoFar: number): void {
    let next = Math.max(1024, this.capacity * 2);
    if (this.parsed >= 256 && this.totalBytes > bytesSoFar) {
      const estimate = Math.ceil((this.totalBytes / bytesSoFar) * this.parsed * 1.02);
      next = Math.max(next, Math.min(estimate, this.limits.maxRows));
    }
    const f = this.numericCount;
    this.features = growTo(this.features, new Float32Array(next * f));
    this.labels = growTo(this.labels, new Int32Array(next));
    this.lines = growTo(this.lines, new Uint32Array(next));
    this.rowStart = growTo(this.rowStart, new Float64Array(next));
    this.rowEnd = growTo(this.rowEnd, new Float64Array(next));
    this.rowSha = growTo(this.rowSha, new Uint8Array(next * 32));
    this.oneHotCodes = this.oneHotCodes.map((codes) => growTo(codes, new Int32Array(next)));
    this.capacity = next;
  }

  private complete(): IngestedDataset {
    if (!this.bomDecided) {
      this.bomDecided = true;
      this.route(this.start.slice(0, Math.min(this.startLength, this.bytesSeen)));
    }
    if (this.tokenizer === null) this.startTokenizer(false);
    if (this.utf8Active) {
      try {
        this.utf8.decode();
      } catch {
        const line = this.tokenizer?.currentLine;
        throw new IngestError([notUtf8(this.file, 'it ends in the middle of a multi-byte character', line)]);
      }
    }
    this.tokenizer?.finish();
    const header = this.header;
    if (header === null) throw new IngestError([emptyFile(this.file)]);
    if (this.parsed === 0) throw new IngestError([headerOnly(this.file, this.headerLine)]);
    if (this.rows === 0) throw new IngestError(this.missingWarning(true));
    const rows = this.rows;

    // Classes in natural order, counting only kept rows.
    const labelNames = this.labelValues.values;
    const counts = new Int32Array(labelNames.length);
    for (let r = 0; r < rows; r++) counts[this.labels[r]]++;
    const kept = labelNames.map((name, code) => ({ name, code })).filter((c) => counts[c.code] > 0);
    const order = naturalOrder(kept.map((c) => c.name));
    const classes = order.map((k) => kept[k].name);
    if (classes.length < 2)
      throw new IngestError([singleClass(this.file, this.plan.labelColumn, classes[0] ?? '')]);
    const remap = new Int32Array(labelNames.length).fill(-1);
    order.forEach((k, newCode) => {
      remap[kept[k].code] = newCode;
    });
    const labels = new Int32Array(rows);
    for (let r = 0; r < rows; r++) labels[r] = remap[this.labels[r]];

    const { features, featureNames, missing } = this.buildFeatures(header);
    const stats = featureStats(features, rows, featureNames.length, missing);
    // Anything but drop-row imputes (the default policy), so no NaN ever reaches the features.
    if (this.plan.missing !== 'drop-row' && this.missingCells > 0) imputeMedians(features, rows, missing);

    return {
      fileName: this.file,
      bytes: this.bytesSeen,
      sha256: this.hashing ? this.fileHash.hex() : '',
      delimiter: this.delimiter ?? ',',
      header,
      labelColumn: this.plan.labelColumn,
      idColumn: this.plan.idColumn,
      featureNames,
      rows,
      features,
      labels,
      classes,
      ids: this.ids,
      lines: trim(this.lines, rows),
      rowStart: trim(this.rowStart, rows),
      rowEnd: trim(this.rowEnd, rows),
      headerEnd: this.headerEnd,
      rowSha256: trim(this.rowSha, rows * 32),
      stats,
      warnings: this.missingWarning(false),
    };
  }

  private missingWarning(noRowsLeft: boolean): Problem[] {
    if (this.missingCells === 0) return [];
    const policy = this.plan.missing ?? DEFAULT_MISSING;
    return [
      missingValue(this.file, this.missingCells, this.missingRows, this.firstMissing, policy, noRowsLeft),
    ];
  }

  /** The final feature matrix in header order, one-hot columns expanded; and each column's missing count. */
  private buildFeatures(header: string[]): {
    features: Float32Array;
    featureNames: string[];
    missing: Uint32Array;
  } {
    const rows = this.rows;
    const numeric = this.numericCount;
    if (this.oneHotValues.length === 0) {
      const featureNames = header.filter((_, k) => this.roles[k] === ROLE_FEATURE);
      return { features: trim(this.features, rows * numeric), featureNames, missing: this.missingPerSlot };
    }
    // One-hot values in natural order, keeping only values that occur in kept rows.
    const featureNames: string[] = [];
    const missingList: number[] = [];
    const target = new Int32Array(numeric); // numeric slot → output column
    const oneHotOffset: number[] = [];
    const oneHotRemap: Int32Array[] = [];
    for (let k = 0; k < this.columns; k++) {
      if (this.roles[k] === ROLE_FEATURE) {
        target[this.slots[k]] = featureNames.length;
        featureNames.push(header[k]);
        missingList.push(this.missingPerSlot[this.slots[k]]);
      } else if (this.roles[k] === ROLE_ONE_HOT) {
        const j = this.oneHotOf[k];
        const codes = this.oneHotCodes[j];
        const names = this.oneHotValues[j].values;
        const used = new Uint8Array(names.length);
        for (let r = 0; r < rows; r++) used[codes[r]] = 1;
        const present = names.map((name, code) => ({ name, code })).filter((v) => used[v.code] === 1);
        const order = naturalOrder(present.map((v) => v.name));
        const remap = new Int32Array(names.length).fill(-1);
        oneHotOffset[j] = featureNames.length;
        order.forEach((p, position) => {
          remap[present[p].code] = position;
          featureNames.push(`${header[k]}=${present[p].name}`);
          missingList.push(0);
        });
        oneHotRemap[j] = remap;
      }
    }
    const width = featureNames.length;
    if (width > this.limits.maxColumns) {
      throw new IngestError([tooManyColumns(this.file, this.headerLine, width, this.limits.maxColumns)]);
    }
    const out = new Float32Array(rows * width);
    const source = this.features;
    for (let r = 0; r < rows; r++) {
      const from = r * numeric;
      const to = r * width;
      for (let slot = 0; slot < numeric; slot++) out[to + target[slot]] = source[from + slot];
      for (let j = 0; j < oneHotRemap.length; j++) {
        out[to + oneHotOffset[j] + oneHotRemap[j][this.oneHotCodes[j][r]]] = 1;
      }
    }
    return { features: out, featureNames, missing: Uint32Array.from(missingList) };
  }
}

/** True when `bytes[start..end)` holds only spaces and tabs. */
function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== SPACE && bytes[i] !== TAB) return false;
  return true;
}

/** The end of a quoted field's content: the closing quote, before any spaces that follow it. */
function closingQuote(bytes: Uint8Array, end: number): number {
  let q = end - 1;
  while (bytes[q] === SPACE || bytes[q] === TAB) q--;
  return q;
}

function growTo<T extends Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array>(
  old: T,
  grown: T,
): T {
  grown.set(old as never);
  return grown;
}

/** The first `length` entries: the array itself when it is exactly that long, else a copy (so it can be transferred alone). */
function trim<T extends Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array>(
  array: T,
  length: number,
): T {
  return (array.length === length ? array : array.slice(0, length)) as T;
}

/**
 * Indices of `names` in natural order: by numeric value when every name is a number (ties by text), else by
 * UTF-16 code units (deterministic, unlike a locale-dependent collation).
 */
export function naturalOrder(names: string[]): number[] {
  const index = names.map((_, k) => k);
  const values = names.map((n) => parseNumberText(n));
  const byText = (a: number, b: number): number => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0);
  if (values.every((v) => v !== null)) {
    return index.sort((a, b) => (values[a] as number) - (values[b] as number) || byText(a, b));
  }
  return index.sort(byText);
}

/** Per-column min, max and mean over finite values (NaN where a column has none), with the missing counts. */
function featureStats(
  features: Float32Array,
  rows: number,
  width: number,
  missing: Uint32Array,
): FeatureStats {
  const min = new Float64Array(width).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  const sum = new Float64Array(width);
  const count = new Uint32Array(width);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const v = features[base + c];
      if (Number.isNaN(v)) continue;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
      sum[c] += v;
      count[c]++;
    }
  }
  const mean = new Float64Array(width);
  for (let c = 0; c < width; c++) {
    if (count[c] === 0) {
      min[c] = Number.NaN;
      max[c] = Number.NaN;
      mean[c] = Number.NaN;
    } else {
      mean[c] = sum[c] / count[c];
    }
  }
  return { min, max, mean, missing };
}

/** Replaces each NaN with its column's median over the finite values (0 when the column has none). */
function imputeMedians(features: Float32Array, rows: number, missing: Uint32Array): void {
  const width = missing.length;
  const column = new Float32Array(rows);
  for (let c = 0; c < width; c++) {
    if (missing[c] === 0) continue;
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const v = features[r * width + c];
      if (!Number.isNaN(v)) column[n++] = v;
    }
    const finite = column.subarray(0, n).sort();
    const median = n === 0 ? 0 : n % 2 === 1 ? finite[(n - 1) / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
    for (let r = 0; r < rows; r++) {
      if (Number.isNaN(features[r * width + c])) features[r * width + c] = median;
    }
  }
}

/**
 * Whole-buffer ingestion, for tests and the headless scan: previews the head for the delimiter and the
 * suggested plan, fills the plan's missing fields from the suggestion, and ingests in one chunk.
 */
export function ingestCsv(
  bytes: Uint8Array,
  fileName: string,
  plan?: Partial<ColumnPlan>,
  limits?: IngestLimits,
): IngestedDataset {
  const preview = previewCsv(bytes.subarray(0, SNIFF_BYTES), fileName, bytes.length, limits);
  // No header (not text, or empty): there is no plan to ingest with, and the preview has said why.
  const errors = preview.problems.filter((p) => p.severity === 'error');
  if (preview.header.length === 0 && errors.length > 0) throw new IngestError(errors);
  const ingestor = new CsvIngestor({
    fileName,
    totalBytes: bytes.length,
    plan: mergePlan(preview.suggested, plan),
    limits,
    delimiter: preview.delimiter,
  });
  ingestor.push(bytes);
  return ingestor.finish();
}
