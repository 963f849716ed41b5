/** The first look at a file, from its head alone: delimiter, header, sample rows, proposed roles, early problems. */
import { checkPlan, DEFAULT_MISSING, suggestPlan } from './columns';
import { SNIFF_BYTES } from './csv-bytes';
import { CsvIngestor } from './csv-ingestor';
import { IngestError } from './ingest-error';
import { NON_NUMERIC, parseNumberBytes } from './numbers';
import { emptyFile, headerTooLong, noLabelColumn, notUtf8, tooManyBytes, unbalancedQuote } from './problems';
import { sniffDelimiter } from './sniff';
import { CsvSyntaxError, CsvTokenizer, type RecordSink } from './tokenizer';
import { type ColumnPlan, type CsvPreview, DEFAULT_LIMITS, type IngestLimits, type Problem } from './types';
import { binarySignature, countLineBreaks, firstInvalidUtf8, invalidByteDetail, nulByteDetail } from './utf8';

/** How many data rows a preview shows. */
export const PREVIEW_ROWS = 20;

const QUOTE = 0x22;

/** Collects the head's records as text, and which columns hold something other than numbers. */
class HeadReader implements RecordSink {
  readonly decoder = new TextDecoder('utf-8');
  header: string[] | null = null;
  headerLine = 0;
  readonly rows: string[][] = [];
  nonNumeric = new Uint8Array(0);
  /** File offset just past the last complete record's text (where its line break starts). */
  lastRecordEnd = 0;

  record(
    bytes: Uint8Array,
    start: number,
    end: number,
    fieldEnds: Int32Array,
    fieldCount: number,
    line: number,
    fileOffset: number,
  ): void {
    this.lastRecordEnd = fileOffset + (end - start);
    if (fieldCount === 1 && isBlank(bytes, start, end)) return;
    // Only the header and the sample rows are decoded; every row of the head is checked for numbers.
    const keep = this.header === null || this.rows.length < PREVIEW_ROWS;
    const cells: string[] = [];
    let s = start;
    for (let k = 0; k < fieldCount; k++) {
      const e = start + fieldEnds[k];
      if (keep) cells.push(this.cellText(bytes, s, e));
      if (this.header !== null && k < this.nonNumeric.length) {
        const quoted = s < e && bytes[s] === QUOTE;
        const v = quoted ? parseNumberBytes(bytes, s + 1, closing(bytes, e)) : parseNumberBytes(bytes, s, e);
        if (v === NON_NUMERIC) this.nonNumeric[k] = 1;
      }
      s = e + 1;
    }
    if (this.header === null) {
      this.header = cells;
      this.headerLine = line;
      this.nonNumeric = new Uint8Array(cells.length);
      return;
    }
    if (keep) this.rows.push(cells);
  }

  private cellText(bytes: Uint8Array, s: number, e: number): string {
    if (s < e && bytes[s] === QUOTE) {
      return this.decoder.decode(bytes.subarray(s + 1, closing(bytes, e))).replaceAll('""', '"');
    }
    return this.decoder.decode(bytes.subarray(s, e));
  }
}

function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0x20 && bytes[i] !== 0x09) return false;
  return true;
}

function closing(bytes: Uint8Array, end: number): number {
  let q = end - 1;
  while (bytes[q] === 0x20 || bytes[q] === 0x09) q--;
  return q;
}

/**
 * Reads the head of a file (the first ~64 KiB; it may end mid-row or mid-character): sniffs the delimiter
 * (',', ';' or tab, by papaparse), parses the header and up to 20 rows, proposes column roles, and reports the
 * problems the head already shows. Problems are judged against `plan` (missing fields: the suggestion), so the
 * import form can re-check the analyst's choices by calling it again. Never throws for bad input.
 */
export function previewCsv(
  head: Uint8Array,
  fileName: string,
  totalBytes: number,
  limits: IngestLimits = DEFAULT_LIMITS,
  plan?: Partial<ColumnPlan>,
): CsvPreview {
  const problems: Problem[] = [];
  const result: CsvPreview = {
    fileName,
    bytes: totalBytes,
    delimiter: ',',
    header: [],
    sampleRows: [],
    nonNumericColumns: [],
    suggested: { labelColumn: '', idColumn: null, excluded: [], oneHot: [], missing: DEFAULT_MISSING },
    problems,
  };
  if (totalBytes > limits.maxBytes) problems.push(tooManyBytes(fileName, totalBytes, limits.maxBytes));
  const whole = head.length >= totalBytes;
  const textProblem = checkHeadText(head, fileName, whole);
  if (textProblem !== null) {
    problems.push(textProblem);
    return result;
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const body = head.subarray(bom);
  const reader = new HeadReader();
  // papaparse guesses from the first 10 rows: 64 KiB of text is plenty.
  const sniffed = body.subarray(0, SNIFF_BYTES);
  result.delimiter = sniffDelimiter(reader.decoder.decode(sniffed), !whole || sniffed.length < body.length);
  const tokenizer = new CsvTokenizer(result.delimiter, reader, bom);
  try {
    tokenizer.feed(body);
    if (whole) tokenizer.finish();
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    problems.push(unbalancedQuote(fileName, error.line, reader.header?.[error.field], error.after));
  }
  const header = reader.header;
  if (header === null) {
    // A whole file with no header is empty; a head with no complete line is one very long header line.
    if (problems.length === 0)
      problems.push(whole ? emptyFile(fileName) : headerTooLong(fileName, head.length));
    return result;
  }
  result.header = header;
  result.sampleRows = reader.rows;
  result.nonNumericColumns = header.filter((_, k) => reader.nonNumeric[k] === 1);
  const suggestion = suggestPlan(header);
  result.suggested = suggestion.plan;
  const effective = mergePlan(suggestion.plan, plan);
  if (suggestion.labelGuessed && plan?.labelColumn === undefined) {
    problems.push(noLabelColumn(fileName, suggestion.plan.labelColumn, true));
  }
  const planProblems = checkPlan(fileName, header, reader.headerLine, effective, limits);
  problems.push(...planProblems);
  if (planProblems.length > 0 || problems.some((p) => p.code === 'unbalanced-quote')) return result;

  // The rows in the head, through the real ingestor: the same checks, the same messages.
  const ingestor = new CsvIngestor({
    fileName,
    // The head's size, not the file's: the ingestor sizes its arrays from it.
    totalBytes: head.length,
    plan: effective,
    validateOnly: true,
    limits: { ...limits, maxBytes: Number.POSITIVE_INFINITY },
    delimiter: result.delimiter,
  });
  try {
    if (whole) {
      ingestor.push(head);
      problems.push(...ingestor.finish().warnings);
    } else {
      // Up to and including the byte that ends the last complete record (its LF, or the CR of a CRLF).
      ingestor.push(head.subarray(0, reader.lastRecordEnd + 1));
      problems.push(...ingestor.warningsSoFar());
    }
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    problems.push(...error.problems);
  }
  return result;
}

/** `base` with the fields `overrides` sets (fields set to undefined are ignored). */
export function mergePlan(base: ColumnPlan, overrides: Partial<ColumnPlan> | undefined): ColumnPlan {
  const merged = { ...base };
  if (overrides === undefined) return merged;
  if (overrides.labelColumn !== undefined) merged.labelColumn = overrides.labelColumn;
  if (overrides.idColumn !== undefined) merged.idColumn = overrides.idColumn;
  if (overrides.excluded !== undefined) merged.excluded = overrides.excluded;
  if (overrides.oneHot !== undefined) merged.oneHot = overrides.oneHot;
  if (overrides.missing !== undefined) merged.missing = overrides.missing;
  return merged;
}

/** A not-utf8 problem when the head is binary, UTF-16 or invalid UTF-8; else null. */
function checkHeadText(head: Uint8Array, fileName: string, whole: boolean): Problem | null {
  if (head.length === 0) return whole ? emptyFile(fileName) : null;
  const signature = binarySignature(head.subarray(0, 8));
  if (signature !== null) return notUtf8(fileName, signature);
  const nul = head.indexOf(0);
  if (nul >= 0) return notUtf8(fileName, nulByteDetail(nul));
  try {
    // Streaming unless the head is the whole file: a head may end inside a multi-byte character.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !whole });
  } catch {
    const at = firstInvalidUtf8(head);
    if (at < 0) {
      return notUtf8(
        fileName,
        'it ends in the middle of a multi-byte character',
        1 + countLineBreaks(head, 0, head.length),
      );
    }
    return notUtf8(fileName, invalidByteDetail(head[at], at), 1 + countLineBreaks(head, 0, at));
  }
  return null;
}
