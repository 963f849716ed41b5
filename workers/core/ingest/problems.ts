/**
 * One message builder per problem code. Messages are whole sentences for the analyst: they name the file, the
 * 1-based line (the header is line 1) and the column where known, say what is wrong and what to do about it.
 */
import type { Problem, ProblemCode } from './types';

/** Where a problem is: `data.csv, line 7, column "px_3"`. */
function where(file: string, line?: number, column?: string): string {
  let s = file;
  if (line !== undefined) s += `, line ${line}`;
  if (column !== undefined) s += `, column ${quote(column)}`;
  return s;
}

/** A dataset string quoted for a message, shortened when long so one cell cannot flood the screen. */
export function quote(text: string, max = 60): string {
  const short = text.length > max ? `${text.slice(0, max)}…` : text;
  return `"${short}"`;
}

/** 1234567 → "1,234,567" (locale-independent, so messages are the same everywhere). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A byte count for people: "512 MB", "1.5 GB" (decimal units, as file managers show). */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

function problem(
  severity: Problem['severity'],
  code: ProblemCode,
  file: string,
  message: string,
  line?: number,
  column?: string,
  count?: number,
): Problem {
  const p: Problem = { severity, code, message, file };
  if (line !== undefined) p.line = line;
  if (column !== undefined) p.column = column;
  if (count !== undefined) p.count = count;
  return p;
}

const LIMIT_HINT = 'The limit can be changed in the import settings.';

/** not-utf8: the bytes are not UTF-8 text; `detail` says what they look like (e.g. a UTF-16 byte-order mark). */
export function notUtf8(file: string, detail: string, line?: number): Problem {
  return problem(
    'error',
    'not-utf8',
    file,
    `${where(file, line)}: the file is not UTF-8 text (${detail}). Save it as UTF-8 CSV and import it again.`,
    line,
  );
}

/** empty-file: no bytes, or nothing but a byte-order mark, blank lines or spaces. */
export function emptyFile(file: string): Problem {
  return problem(
    'error',
    'empty-file',
    file,
    `${file}: the file is empty. A CSV needs a header line and at least one data row.`,
  );
}

/** header-only: a header and no data rows. */
export function headerOnly(file: string, headerLine: number): Problem {
  return problem(
    'error',
    'header-only',
    file,
    `${where(file, headerLine)}: the file has a header but no data rows.`,
    headerLine,
  );
}

/** header-too-long: the first `headBytes` bytes of the file hold no line end, so there is no header to read. */
export function headerTooLong(file: string, headBytes: number): Problem {
  return problem(
    'error',
    'header-too-long',
    file,
    `${where(file, 1)}: no line end in the first ${formatBytes(headBytes)}, so the header line cannot be read. A CSV starts with one line of column names; is this a CSV file?`,
    1,
  );
}

/** duplicate-column: two header cells with the same name (1-based positions). */
export function duplicateColumn(
  file: string,
  headerLine: number,
  column: string,
  first: number,
  second: number,
): Problem {
  return problem(
    'error',
    'duplicate-column',
    file,
    `${where(file, headerLine, column)}: the name is used by columns ${first} and ${second}. Rename one of them so every column has its own name.`,
    headerLine,
    column,
  );
}

/**
 * no-label-column: the plan's label column is not in the header (error), or, in a preview, no column has a
 * label-like name and `guessed` was proposed instead (warning).
 */
export function noLabelColumn(file: string, column: string, guessed: boolean): Problem {
  if (guessed) {
    return problem(
      'warning',
      'no-label-column',
      file,
      `${file}: no column is named label, class, target or y, so the last column, ${quote(column)}, is proposed as the label. Check it before importing.`,
      undefined,
      column,
    );
  }
  const message =
    column === ''
      ? `${file}: no label column is chosen. Choose the column that holds each row's class.`
      : `${where(file, undefined, column)}: the label column is not in the header. Choose one of the header's columns as the label.`;
  return problem('error', 'no-label-column', file, message, undefined, column === '' ? undefined : column);
}

/** no-features: every column is the label, the id or excluded. */
export function noFeatures(file: string): Problem {
  return problem(
    'error',
    'no-features',
    file,
    `${file}: no feature columns are left: every column is the label, the id or excluded. Include at least one numeric column.`,
  );
}

/** ragged-row: a row whose cell count differs from the header's. */
export function raggedRow(file: string, line: number, cells: number, columns: number): Problem {
  return problem(
    'error',
    'ragged-row',
    file,
    `${where(file, line)}: row has ${cells} ${cells === 1 ? 'cell' : 'cells'} but the header has ${columns} ${columns === 1 ? 'column' : 'columns'}.`,
    line,
  );
}

/**
 * unbalanced-quote: a quoted field that opens on `line` and never closes (`after` undefined), or whose closing
 * quote is followed by `after` instead of the delimiter or the line end.
 */
export function unbalancedQuote(
  file: string,
  line: number,
  column: string | undefined,
  after?: string,
): Problem {
  const message =
    after === undefined
      ? `${where(file, line, column)}: a quoted field opens here and is never closed. Add the closing quote, or double the quote ("") if it is part of the text.`
      : `${where(file, line, column)}: the quoted field's closing quote is followed by ${quote(after)} instead of the delimiter or the line end. Double the quote ("") if it is part of the text.`;
  return problem('error', 'unbalanced-quote', file, message, line, column);
}

/** non-numeric: a feature cell that is not a number (first bad row of the column). */
export function nonNumeric(file: string, line: number, column: string, value: string): Problem {
  return problem(
    'error',
    'non-numeric',
    file,
    `${where(file, line, column)}: ${quote(value)} is not a number. Exclude the column or one-hot encode it.`,
    line,
    column,
  );
}

/** One occurrence of a missing feature value, for the missing-value summary. */
export interface MissingCell {
  line: number;
  column: string;
}

/**
 * missing-value: `count` feature cells were empty, NaN or infinite, in `rows` rows; `first` lists the first few.
 * A warning when the rows were dropped or the cells imputed; an error when dropping left no rows.
 */
export function missingValue(
  file: string,
  count: number,
  rows: number,
  first: MissingCell[],
  policy: 'drop-row' | 'impute-median',
  noRowsLeft = false,
): Problem {
  const listed = first.map((m) => `line ${m.line}, column ${quote(m.column)}`).join('; ');
  const more = count > first.length ? '; …' : '';
  const cells = `${formatCount(count)} feature ${count === 1 ? 'cell is' : 'cells are'} empty, NaN or infinite (${listed}${more})`;
  let outcome: string;
  if (noRowsLeft)
    outcome = 'every row has one, so dropping rows leaves nothing. Impute the column median instead.';
  else if (policy === 'drop-row')
    outcome = `${rows === 1 ? 'that row was' : `those ${formatCount(rows)} rows were`} dropped.`;
  else outcome = `each was replaced by its column's median.`;
  const firstCell = first[0];
  return problem(
    noRowsLeft ? 'error' : 'warning',
    'missing-value',
    file,
    `${file}: ${cells}; ${outcome}`,
    firstCell?.line,
    firstCell?.column,
    count,
  );
}

/** missing-label: a row whose label cell is empty. */
export function missingLabel(file: string, line: number, column: string): Problem {
  return problem(
    'error',
    'missing-label',
    file,
    `${where(file, line, column)}: the label is empty. Every row needs a label: fill it in or remove the row.`,
    line,
    column,
  );
}

/** missing-id: a row whose id cell is empty. */
export function missingId(file: string, line: number, column: string): Problem {
  return problem(
    'error',
    'missing-id',
    file,
    `${where(file, line, column)}: the id is empty. Fill it in, or import without an id column (ids become row-<n>).`,
    line,
    column,
  );
}

/** duplicate-id: an id seen on an earlier line. */
export function duplicateId(
  file: string,
  line: number,
  column: string,
  id: string,
  firstLine: number,
): Problem {
  return problem(
    'error',
    'duplicate-id',
    file,
    `${where(file, line, column)}: id ${quote(id)} is already used on line ${firstLine}. Ids must be unique: fix one of them, or import without an id column (ids become row-<n>).`,
    line,
    column,
  );
}

/** single-class: every kept row has the same label (or there is no label at all). */
export function singleClass(file: string, column: string, label: string): Problem {
  return problem(
    'error',
    'single-class',
    file,
    `${where(file, undefined, column)}: every row has the label ${quote(label)}. Training needs at least two classes: check the label column.`,
    undefined,
    column,
  );
}

/** too-many-bytes: the file is larger than the limit. */
export function tooManyBytes(file: string, bytes: number, limit: number): Problem {
  return problem(
    'error',
    'too-many-bytes',
    file,
    `${file}: the file is ${formatBytes(bytes)}, over the limit of ${formatBytes(limit)}. ${LIMIT_HINT}`,
  );
}

/** too-many-rows: more data rows than the limit; `line` is where the first row over it starts. */
export function tooManyRows(file: string, line: number, limit: number): Problem {
  return problem(
    'error',
    'too-many-rows',
    file,
    `${where(file, line)}: the file has more than ${formatCount(limit)} data rows, the limit. ${LIMIT_HINT}`,
    line,
  );
}

/** too-many-columns: the header (or the one-hot expansion of `column`) has more columns than the limit. */
export function tooManyColumns(
  file: string,
  line: number,
  count: number,
  limit: number,
  column?: string,
): Problem {
  const message =
    column === undefined
      ? `${where(file, line)}: the header has ${formatCount(count)} columns, over the limit of ${formatCount(limit)}. ${LIMIT_HINT}`
      : `${where(file, line, column)}: one-hot encoding this column makes more than ${formatCount(limit)} feature columns, the limit. Exclude the column, or change the limit in the import settings.`;
  return problem('error', 'too-many-columns', file, message, line, column);
}

/** too-many-classes: more distinct labels than the limit; `line` is where the first label over it is. */
export function tooManyClasses(file: string, line: number, column: string, limit: number): Problem {
  return problem(
    'error',
    'too-many-classes',
    file,
    `${where(file, line, column)}: there are more than ${formatCount(limit)} distinct labels, the limit (is this the right label column?). ${LIMIT_HINT}`,
    line,
    column,
  );
}

/** unknown-column: the plan names a column (id, excluded or one-hot) that the header does not have. */
export function unknownColumn(file: string, column: string, role: 'id' | 'excluded' | 'one-hot'): Problem {
  return problem(
    'error',
    'unknown-column',
    file,
    `${where(file, undefined, column)}: the ${role} column is not in the header. Choose one of the header's columns.`,
    undefined,
    column,
  );
}

/** hashing-stopped: the row-hash worker died or failed mid-import (`why` says how); the import stored nothing. */
export function hashingStopped(file: string, why: string): Problem {
  return problem(
    'error',
    'hashing-stopped',
    file,
    `The hashing worker stopped while importing ${file} (${why}); nothing was stored. Import the file again.`,
  );
}
