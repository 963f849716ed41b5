/**
 * CSV exports. The clean and quarantine CSVs copy the original bytes: the header and each chosen row exactly as they
 * came in, each followed by the line break that followed it in the file. The review report is for people and
 * spreadsheets: RFC 4180 quoting, and formula injection defused (OWASP "CSV injection": a cell beginning with
 * = + - @, tab or CR gets a leading apostrophe so a spreadsheet shows it as text instead of evaluating it).
 */

/** Where the rows sit in the original file (ingest's byte offsets; ends exclude the line break). */
export interface RowRanges {
  headerEnd: number;
  rowStart: Float64Array;
  rowEnd: Float64Array;
}

const CR = 13;
const LF = 10;

/** The line break that starts at `at` in `file` (CRLF, LF or CR), or null at the end of the file. */
export function lineBreakAt(file: Uint8Array, at: number): Uint8Array | null {
  if (at >= file.length) return null;
  if (file[at] === CR) return file[at + 1] === LF ? file.subarray(at, at + 2) : file.subarray(at, at + 1);
  if (file[at] === LF) return file.subarray(at, at + 1);
  return null;
}

/**
 * The bytes of a CSV of the original header and the rows `rows` (ascending dataset rows), byte for byte. A row
 * without a line break after it (the file's last) gets the header's line break unless it is the last one written.
 */
export function subsetCsv(file: Uint8Array, ranges: RowRanges, rows: Iterable<number>): Uint8Array {
  const headerBreak = lineBreakAt(file, ranges.headerEnd) ?? new Uint8Array([LF]);
  const parts: Uint8Array[] = [file.subarray(0, ranges.headerEnd), headerBreak];
  let pendingBreak = false;
  for (const row of rows) {
    if (pendingBreak) parts.push(headerBreak);
    const start = ranges.rowStart[row];
    const end = ranges.rowEnd[row];
    if (start === undefined || end === undefined)
      throw new Error(`subsetCsv: row ${row} is not in the dataset.`);
    parts.push(file.subarray(start, end));
    const own = lineBreakAt(file, end);
    if (own) parts.push(own);
    pendingBreak = own === null;
  }
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Rows of `decisionOf` equal to `which`, ascending: the rows a clean (keep) or quarantine CSV holds. */
export function rowsWith(
  rows: number,
  isQuarantined: (row: number) => boolean,
  which: 'keep' | 'quarantine',
): number[] {
  const out: number[] = [];
  for (let row = 0; row < rows; row++) if (isQuarantined(row) === (which === 'quarantine')) out.push(row);
  return out;
}

/** A report cell: formula-like text prefixed with `'`, then RFC 4180 quoting where needed. */
export function reportCell(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One sample's line of the review report. */
export interface ReportRow {
  id: string;
  label: string;
  decision: string;
  reasons: string[];
  suspicion: number | null;
  scores: Record<string, number | null>;
  note: string;
}

/** The review report CSV: `id,label,decision,reasons,suspicion,<scoreNames…>,note`, CRLF line ends (RFC 4180). */
export function reviewReportCsv(scoreNames: readonly string[], rows: Iterable<ReportRow>): string {
  const lines = [['id', 'label', 'decision', 'reasons', 'suspicion', ...scoreNames, 'note'].map(reportCell)];
  for (const r of rows) {
    lines.push([
      reportCell(r.id),
      reportCell(r.label),
      reportCell(r.decision),
      reportCell(r.reasons.join('; ')),
      reportCell(r.suspicion),
      ...scoreNames.map((name) => reportCell(r.scores[name] ?? null)),
      reportCell(r.note),
    ]);
  }
  return `${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}

/**
 * Splits CSV bytes into records, quote-aware (a quoted field may hold line breaks), on CRLF, LF or CR. Returns each
 * record's [start, end) without its line break; empty records (blank lines) are skipped, as ingest skips them.
 */
export function splitRecords(bytes: Uint8Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 34) quoted = !quoted;
    else if (!quoted && (b === LF || b === CR)) {
      if (i > start) out.push([start, i]);
      if (b === CR && bytes[i + 1] === LF) i++;
      start = i + 1;
    }
  }
  if (bytes.length > start) out.push([start, bytes.length]);
  return out;
}
