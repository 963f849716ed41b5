/** Filtering and sorting of the review table (runs in the review worker: loops over every sample). */

/** Column values per dataset row, as the worker holds them. */
export interface ReviewColumns {
  rows: number;
  ids: readonly string[];
  labels: Int32Array;
  suggested: Int32Array;
  suspicion: Float32Array;
  /** Bit f set when family f flagged the row. */
  flagBits: Uint8Array;
  labelIssue: Uint8Array;
  /** 1 when the row was in a batch with a curve anomaly. */
  anomalous: Uint8Array;
  /** Extra numeric columns (scores) by name. */
  numeric: Record<string, Float32Array>;
}

/** `flags`: how many families flag the row, ties by suspicion. */
export type SortKey =
  | 'row'
  | 'id'
  | 'label'
  | 'suggested'
  | 'suspicion'
  | 'decision'
  | 'flags'
  | `score:${string}`;

export interface ReviewQuery {
  sort: SortKey;
  descending: boolean;
  /** Keep rows flagged by any family in this bit mask (0: no filter). */
  familyMask: number;
  /** Class code, or -1 for every class. */
  label: number;
  labelIssueOnly: boolean;
  anomalousOnly: boolean;
  decision: 'any' | 'undecided' | 'quarantine' | 'keep';
  /** Case-insensitive substring of the id. */
  search: string;
  /** Keep only the rows the analyst selected (the caller passes them to `queryRows`). */
  selectionOnly: boolean;
}

export const DEFAULT_QUERY: ReviewQuery = {
  sort: 'suspicion',
  descending: true,
  familyMask: 0,
  label: -1,
  labelIssueOnly: false,
  anomalousOnly: false,
  decision: 'any',
  search: '',
  selectionOnly: false,
};

/** How many families flag a row: the set bits of its flag bits. */
function flagCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

/** Decision codes per row: 0 none, 1 keep, 2 quarantine. */
export type DecisionCodes = Uint8Array;

/**
 * The rows matching the query, in its order (ties broken by row, so the order is stable). `selected` marks the
 * selection (1 per selected row); with `selectionOnly` the other rows are left out.
 */
export function queryRows(
  cols: ReviewColumns,
  decisions: DecisionCodes,
  query: ReviewQuery,
  selected: Uint8Array | null = null,
): Int32Array {
  const search = query.search.trim().toLowerCase();
  const wantDecision = { any: -1, undecided: 0, keep: 1, quarantine: 2 }[query.decision];
  const out: number[] = [];
  for (let r = 0; r < cols.rows; r++) {
    if (query.selectionOnly && selected?.[r] !== 1) continue;
    if (query.familyMask !== 0 && ((cols.flagBits[r] as number) & query.familyMask) === 0) continue;
    if (query.label >= 0 && cols.labels[r] !== query.label) continue;
    if (query.labelIssueOnly && cols.labelIssue[r] !== 1) continue;
    if (query.anomalousOnly && cols.anomalous[r] !== 1) continue;
    if (wantDecision >= 0 && decisions[r] !== wantDecision) continue;
    if (search && !(cols.ids[r] as string).toLowerCase().includes(search)) continue;
    out.push(r);
  }
  const sign = query.descending ? -1 : 1;
  const numeric = (values: ArrayLike<number>) => (a: number, b: number) => {
    const va = values[a] as number;
    const vb = values[b] as number;
    // NaN sorts last in either direction.
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? a - b : 1) : -1;
    return va === vb ? a - b : sign * (va - vb);
  };
  let compare: (a: number, b: number) => number;
  if (query.sort === 'row') compare = (a, b) => sign * (a - b);
  else if (query.sort === 'id') {
    compare = (a, b) => {
      const ia = cols.ids[a] as string;
      const ib = cols.ids[b] as string;
      return ia === ib ? a - b : sign * (ia < ib ? -1 : 1);
    };
  } else if (query.sort === 'label') compare = numeric(cols.labels);
  else if (query.sort === 'suggested') compare = numeric(cols.suggested);
  else if (query.sort === 'suspicion') compare = numeric(cols.suspicion);
  else if (query.sort === 'decision') compare = numeric(decisions);
  else if (query.sort === 'flags') {
    const bySuspicion = numeric(cols.suspicion);
    compare = (a, b) =>
      sign * (flagCount(cols.flagBits[a] as number) - flagCount(cols.flagBits[b] as number)) ||
      bySuspicion(a, b);
  } else compare = numeric(cols.numeric[query.sort.slice(6)] ?? cols.suspicion);
  const result = Int32Array.from(out);
  result.sort(compare);
  return result;
}
