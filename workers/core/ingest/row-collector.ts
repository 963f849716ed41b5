/**
 * The row side of a streaming CSV import: a `RecordSink` that reads the header (checking the plan against it),
 * then validates each data row and writes it straight into growing typed arrays: numeric cells parsed from the
 * bytes, labels, ids and one-hot values interned from their bytes, missing cells counted, each kept row's bytes
 * hashed in place. `complete` turns what it collected into the dataset. Errors throw `IngestError` at once.
 */
import { checkPlan, DEFAULT_MISSING, ROLE_FEATURE, ROLE_ONE_HOT, resolveRoles } from './columns';
import { CellKey, cellText, closingQuote, isBlank, QUOTE } from './csv-bytes';
import { buildFeatures, featureStats, growTo, imputeMedians, naturalOrder, trim } from './feature-matrix';
import { IdColumn } from './id-column';
import { IngestError } from './ingest-error';
import { ByteInterner } from './intern';
import { nonNumericCells } from './non-numeric';
import { NON_NUMERIC, parseNumberBytes } from './numbers';
import {
  duplicateId,
  emptyFile,
  headerOnly,
  type MissingCell,
  missingId,
  missingLabel,
  missingValue,
  raggedRow,
  singleClass,
  tooManyClasses,
  tooManyColumns,
  tooManyRows,
} from './problems';
import { sha256Into } from './sha256';
import type { RecordSink } from './tokenizer';
import type { ColumnPlan, IngestedDataset, IngestLimits, Problem } from './types';

/** How many missing cells the missing-value warning lists by line and column. */
const MISSING_LISTED = 5;
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** What `complete` takes from the byte side. */
export interface StreamFacts {
  bytes: number;
  sha256: string;
  delimiter: string;
}

/** Collects a CSV's validated rows into typed arrays (one per import). */
export class RowCollector implements RecordSink {
  private readonly decoder = new TextDecoder('utf-8');
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
  /** `row-<n>` ids when the plan has no id column; else the id column's (bytes until `complete`). */
  private ids: string[] = [];
  private readonly idColumn = new IdColumn();
  private readonly labelValues = new ByteInterner();
  private oneHotValues: ByteInterner[] = [];
  private readonly key = new CellKey();
  private oneHotCodes: Int32Array[] = [];
  private oneHotWidth = 0;

  // Missing values.
  private missingPerSlot: Uint32Array = new Uint32Array(0);
  private missingCells = 0;
  private missingRows = 0;
  private readonly firstMissing: MissingCell[] = [];

  constructor(
    private readonly file: string,
    private readonly totalBytes: number,
    private readonly plan: ColumnPlan,
    private readonly limits: IngestLimits,
    private readonly hashing: boolean,
  ) {}

  /** Data rows read so far, kept or dropped. */
  get parsedRows(): number {
    return this.parsed;
  }

  /** Rows kept so far (read, valid and not dropped). */
  get keptRows(): number {
    return this.rows;
  }

  /** Copies of the file byte ranges of kept rows `from` on, for hashing them apart from parsing. */
  keptRanges(from: number): { starts: Float64Array; ends: Float64Array } {
    return { starts: this.rowStart.slice(from, this.rows), ends: this.rowEnd.slice(from, this.rows) };
  }

  /** The header's column names, once read. */
  get headerNames(): string[] | null {
    return this.header;
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
            const row = { bytes, start, fieldEnds, fieldCount, line };
            throw new IngestError(nonNumericCells(this.file, this.header, roles, row, this.decoder));
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
    this.key.read(bytes, labelStart, start + fieldEnds[this.labelIndex]);
    const key = this.key.bytes;
    if (this.key.start === this.key.end) {
      throw new IngestError([missingLabel(this.file, line, this.plan.labelColumn)]);
    }
    let code = this.labelValues.find(key, this.key.start, this.key.end);
    if (code < 0) {
      if (this.labelValues.size >= this.limits.maxClasses) {
        throw new IngestError([
          tooManyClasses(this.file, line, this.plan.labelColumn, this.limits.maxClasses),
        ]);
      }
      code = this.labelValues.add(key, this.key.start, this.key.end);
    }
    if (this.idIndex >= 0) {
      const column = this.header[this.idIndex];
      const idStart = this.idIndex === 0 ? start : start + fieldEnds[this.idIndex - 1] + 1;
      const seen = this.idColumn.check(bytes, idStart, start + fieldEnds[this.idIndex], line);
      if (seen === 'empty') throw new IngestError([missingId(this.file, line, column)]);
      if (seen >= 0) {
        throw new IngestError([duplicateId(this.file, line, column, this.idColumn.lastText(), seen)]);
      }
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
    if (this.idIndex >= 0) this.idColumn.keep();
    else this.ids.push(`row-${rowIndex}`);
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
    this.key.read(bytes, s, e);
    let code = values.find(this.key.bytes, this.key.start, this.key.end);
    if (code < 0) {
      code = values.add(this.key.bytes, this.key.start, this.key.end);
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

  /** The text of field `k` of a record (unquoted, decoded). */
  private fieldText(bytes: Uint8Array, start: number, fieldEnds: Int32Array, k: number): string {
    const s = k === 0 ? start : start + fieldEnds[k - 1] + 1;
    return cellText(this.decoder, bytes, s, start + fieldEnds[k]);
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
    if (this.idIndex >= 0) this.idColumn.reserve(next);
    this.capacity = next;
  }

  /** The dataset, once the byte side has ended the file. Throws IngestError for what only the end can tell. */
  complete(stream: StreamFacts): IngestedDataset {
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

    const { features, featureNames, missing } = buildFeatures({
      file: this.file,
      header,
      headerLine: this.headerLine,
      rows,
      columns: this.columns,
      roles: this.roles,
      slots: this.slots,
      oneHotOf: this.oneHotOf,
      numericCount: this.numericCount,
      features: this.features,
      missingPerSlot: this.missingPerSlot,
      oneHotValues: this.oneHotValues,
      oneHotCodes: this.oneHotCodes,
      maxColumns: this.limits.maxColumns,
    });
    const stats = featureStats(features, rows, featureNames.length, missing);
    // Anything but drop-row imputes (the default policy), so no NaN ever reaches the features.
    if (this.plan.missing !== 'drop-row' && this.missingCells > 0) imputeMedians(features, rows, missing);

    return {
      fileName: this.file,
      bytes: stream.bytes,
      sha256: stream.sha256,
      delimiter: stream.delimiter,
      header,
      labelColumn: this.plan.labelColumn,
      idColumn: this.plan.idColumn,
      featureNames,
      rows,
      features,
      labels,
      classes,
      ids: this.idIndex >= 0 ? this.idColumn.texts() : this.ids,
      lines: trim(this.lines, rows),
      rowStart: trim(this.rowStart, rows),
      rowEnd: trim(this.rowEnd, rows),
      headerEnd: this.headerEnd,
      rowSha256: trim(this.rowSha, rows * 32),
      stats,
      warnings: this.missingWarning(false),
    };
  }

  /** The missing-value warning (none when no cell was missing); `noRowsLeft` when it is why the import fails. */
  missingWarning(noRowsLeft: boolean): Problem[] {
    if (this.missingCells === 0) return [];
    const policy = this.plan.missing ?? DEFAULT_MISSING;
    return [
      missingValue(this.file, this.missingCells, this.missingRows, this.firstMissing, policy, noRowsLeft),
    ];
  }
}
