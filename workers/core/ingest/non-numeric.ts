/**
 * The message for a row whose feature cell is not a number: every such cell of that row, one problem per column,
 * so that an analyst with several text columns (city, job, …) learns of them all from one import, not one a try.
 */
import { ROLE_FEATURE } from './columns';
import { cellText, closingQuote, QUOTE } from './csv-bytes';
import { NON_NUMERIC, parseNumberBytes } from './numbers';
import { nonNumeric } from './problems';
import type { Problem } from './types';

/** The row's cells to read: `bytes[start..)` with each field's end (relative to `start`) in `fieldEnds`. */
export interface RowCells {
  bytes: Uint8Array;
  start: number;
  fieldEnds: Int32Array;
  fieldCount: number;
  line: number;
}

/** One non-numeric problem for each feature cell of `row` that is not a number, in column order. */
export function nonNumericCells(
  file: string,
  header: readonly string[],
  roles: Int8Array,
  row: RowCells,
  decoder: TextDecoder,
): Problem[] {
  const { bytes, start, fieldEnds } = row;
  const problems: Problem[] = [];
  let s = start;
  for (let k = 0; k < row.fieldCount; k++) {
    const e = start + fieldEnds[k];
    if (roles[k] === ROLE_FEATURE) {
      const quoted = s < e && bytes[s] === QUOTE;
      const v = quoted
        ? parseNumberBytes(bytes, s + 1, closingQuote(bytes, e))
        : parseNumberBytes(bytes, s, e);
      if (v === NON_NUMERIC) {
        problems.push(nonNumeric(file, row.line, header[k], cellText(decoder, bytes, s, e)));
      }
    }
    s = e + 1;
  }
  return problems;
}
