/**
 * The review decision log as a pure reducer. The log is append-only: a decision, an undo and a redo are each one
 * entry holding every row it changed with the value before and after, so the log is also the audit trail. The
 * undo and redo stacks are derived from the entries (an undo entry names the entry it undid), so replaying the
 * stored log rebuilds the exact state after a reload.
 */
import type { RowDecision } from '../manifest/build';

export type { RowDecision };

/** One row's change: `before` null means the row had no decision. */
export interface RowChange {
  row: number;
  before: RowDecision | null;
  after: RowDecision | null;
}

export interface LogEntry {
  /** 1, 2, 3… in order of writing. */
  seq: number;
  /** Milliseconds since the epoch. */
  at: number;
  kind: 'decide' | 'undo' | 'redo';
  /** undo / redo: the seq of the `decide` entry undone or redone; null for decide. */
  target: number | null;
  changes: RowChange[];
}

export interface DecisionState {
  /** The current decision of each decided row. */
  decisions: ReadonlyMap<number, RowDecision>;
  /** Seqs of decide entries that can be undone, last on top. */
  undo: readonly number[];
  /** Seqs of decide entries that can be redone, last undone on top. */
  redo: readonly number[];
  /** Decide entries by seq (what redo re-applies). */
  decided: ReadonlyMap<number, LogEntry>;
  nextSeq: number;
}

/** The state before any decision. */
export function emptyDecisionState(): DecisionState {
  return { decisions: new Map(), undo: [], redo: [], decided: new Map(), nextSeq: 1 };
}

function same(a: RowDecision | null, b: RowDecision | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.decision === b.decision &&
    a.note === b.note &&
    a.reasons.length === b.reasons.length &&
    a.reasons.every((r, i) => r === b.reasons[i])
  );
}

/** The entry that gives `rows` the decision `after`; null when no row would change. */
export function planDecide(
  state: DecisionState,
  rows: Iterable<number>,
  after: RowDecision,
  at: number,
): LogEntry | null {
  const changes: RowChange[] = [];
  const seen = new Set<number>();
  for (const row of rows) {
    if (seen.has(row)) continue;
    seen.add(row);
    const before = state.decisions.get(row) ?? null;
    if (!same(before, after)) changes.push({ row, before, after: { ...after, reasons: [...after.reasons] } });
  }
  if (changes.length === 0) return null;
  return { seq: state.nextSeq, at, kind: 'decide', target: null, changes };
}

/** The entry that undoes the last undoable decision; null when there is none. */
export function planUndo(state: DecisionState, at: number): LogEntry | null {
  const target = state.undo[state.undo.length - 1];
  const entry = target === undefined ? undefined : state.decided.get(target);
  if (!entry) return null;
  const changes = entry.changes.map((c) => ({ row: c.row, before: c.after, after: c.before }));
  return { seq: state.nextSeq, at, kind: 'undo', target: entry.seq, changes };
}

/** The entry that redoes the last undone decision; null when there is none. */
export function planRedo(state: DecisionState, at: number): LogEntry | null {
  const target = state.redo[state.redo.length - 1];
  const entry = target === undefined ? undefined : state.decided.get(target);
  if (!entry) return null;
  return {
    seq: state.nextSeq,
    at,
    kind: 'redo',
    target: entry.seq,
    changes: entry.changes.map((c) => ({ ...c })),
  };
}

/** The state after `entry` (a new state; the old one is untouched). Throws on an entry out of order. */
export function applyEntry(state: DecisionState, entry: LogEntry): DecisionState {
  if (entry.seq !== state.nextSeq)
    throw new Error(`Decision log entry ${entry.seq} out of order (next ${state.nextSeq}).`);
  const decisions = new Map(state.decisions);
  for (const c of entry.changes) {
    if (c.after === null) decisions.delete(c.row);
    else decisions.set(c.row, c.after);
  }
  let { undo, redo, decided } = state;
  switch (entry.kind) {
    case 'decide':
      decided = new Map(decided).set(entry.seq, entry);
      undo = [...undo, entry.seq];
      redo = [];
      break;
    case 'undo':
      undo = undo.filter((s) => s !== entry.target);
      redo = [...redo, entry.target ?? -1];
      break;
    case 'redo':
      redo = redo.filter((s) => s !== entry.target);
      undo = [...undo, entry.target ?? -1];
      break;
    default:
      return entry.kind satisfies never;
  }
  return { decisions, undo, redo, decided, nextSeq: entry.seq + 1 };
}

/** Rebuilds the state from stored entries (sorted by seq). */
export function replayLog(entries: readonly LogEntry[]): DecisionState {
  let state = emptyDecisionState();
  for (const entry of [...entries].sort((a, b) => a.seq - b.seq)) state = applyEntry(state, entry);
  return state;
}

/** Counts of decisions: quarantined and explicitly kept rows. */
export function decisionCounts(decisions: ReadonlyMap<number, RowDecision>): {
  quarantined: number;
  kept: number;
} {
  let quarantined = 0;
  for (const d of decisions.values()) if (d.decision === 'quarantine') quarantined++;
  return { quarantined, kept: decisions.size - quarantined };
}
