import { describe, expect, it } from 'vitest';
import {
  applyEntry,
  type DecisionState,
  decisionCounts,
  emptyDecisionState,
  type LogEntry,
  planDecide,
  planRedo,
  planUndo,
  type RowDecision,
  replayLog,
} from './decision-log';

const Q = { decision: 'quarantine' as const, reasons: ['label'], note: '' };
const K = { decision: 'keep' as const, reasons: ['restored'], note: 'ok' };

function step(state: DecisionState, entry: LogEntry | null, log: LogEntry[]): DecisionState {
  if (!entry) throw new Error('expected an entry');
  log.push(entry);
  return applyEntry(state, entry);
}

describe('decision log', () => {
  it('decide, undo, redo, and a new decision clears redo', () => {
    const log: LogEntry[] = [];
    let s = emptyDecisionState();
    s = step(s, planDecide(s, [3, 5, 3], Q, 1), log);
    expect([...s.decisions.keys()]).toEqual([3, 5]);
    s = step(s, planDecide(s, [5], K, 2), log);
    expect(s.decisions.get(5)).toEqual(K);
    s = step(s, planUndo(s, 3), log);
    expect(s.decisions.get(5)).toEqual(Q);
    s = step(s, planUndo(s, 4), log);
    expect(s.decisions.size).toBe(0);
    expect(planUndo(s, 5)).toBeNull();
    s = step(s, planRedo(s, 5), log);
    expect(decisionCounts(s.decisions)).toEqual({ quarantined: 2, kept: 0 });
    s = step(s, planDecide(s, [7], Q, 6), log);
    expect(s.redo).toEqual([]);
    expect(planRedo(s, 7)).toBeNull();
    expect(log.map((e) => e.kind)).toEqual(['decide', 'decide', 'undo', 'undo', 'redo', 'decide']);
    // Replaying the stored log rebuilds the same state.
    const replayed = replayLog([...log].reverse());
    expect(replayed.decisions).toEqual(s.decisions);
    expect(replayed.undo).toEqual(s.undo);
    expect(replayed.nextSeq).toBe(7);
  });
  it('a decision that changes nothing writes no entry', () => {
    let s = emptyDecisionState();
    const e = planDecide(s, [1], Q, 1);
    if (!e) throw new Error('expected an entry');
    s = applyEntry(s, e);
    expect(planDecide(s, [1], { ...Q, reasons: ['label'] }, 2)).toBeNull();
    expect(planDecide(s, [1], { ...Q, note: 'x' }, 2)?.changes).toHaveLength(1);
  });
  it('refuses entries out of order', () => {
    const s = emptyDecisionState();
    const e = planDecide(s, [1], Q, 1);
    if (!e) throw new Error('expected an entry');
    expect(() => applyEntry(s, { ...e, seq: 3 })).toThrow(/out of order/);
  });
});

describe('decision log, field by field', () => {
  function decide(s: DecisionState, rows: number[], d: RowDecision, at: number): [DecisionState, LogEntry] {
    const e = planDecide(s, rows, d, at);
    if (!e) throw new Error('expected an entry');
    return [applyEntry(s, e), e];
  }

  it('writes one change per row, a repeated row once', () => {
    const [, e] = decide(emptyDecisionState(), [3, 5, 3, 5], Q, 1);
    expect(e.changes.map((c) => [c.row, c.before, c.after])).toEqual([
      [3, null, Q],
      [5, null, Q],
    ]);
  });

  it('counts another decision, another reason or other words of a reason as a change', () => {
    const [s] = decide(emptyDecisionState(), [1], { ...Q, reasons: ['label', 'trigger'] }, 1);
    expect(planDecide(s, [1], { ...Q, reasons: ['label', 'trigger'] }, 2)).toBeNull();
    expect(
      planDecide(s, [1], { ...Q, reasons: ['label', 'trigger'], decision: 'keep' }, 2)?.changes,
    ).toHaveLength(1);
    expect(planDecide(s, [1], { ...Q, reasons: ['label'] }, 2)?.changes).toHaveLength(1);
    expect(planDecide(s, [1], { ...Q, reasons: ['label', 'trigger', 'x'] }, 2)?.changes).toHaveLength(1);
    expect(planDecide(s, [1], { ...Q, reasons: ['label', 'outlier'] }, 2)?.changes).toHaveLength(1);
    expect(planDecide(s, [1], { ...Q, reasons: ['outlier', 'trigger'] }, 2)?.changes).toHaveLength(1);
  });

  it('keeps the undo and redo stacks the buttons read: last on top, emptied by a new decision', () => {
    let s = emptyDecisionState();
    expect([s.undo, s.redo]).toEqual([[], []]);
    [s] = decide(s, [1], Q, 1);
    [s] = decide(s, [2], Q, 2);
    expect([s.undo, s.redo]).toEqual([[1, 2], []]);
    s = applyEntry(s, planUndo(s, 3) as LogEntry);
    s = applyEntry(s, planUndo(s, 4) as LogEntry);
    expect([s.undo, s.redo]).toEqual([[], [2, 1]]);
    const redo = planRedo(s, 5) as LogEntry;
    expect([redo.kind, redo.target, redo.changes]).toEqual(['redo', 1, [{ row: 1, before: null, after: Q }]]);
    s = applyEntry(s, redo);
    expect([s.undo, s.redo]).toEqual([[1], [2]]);
    expect([...s.decisions.keys()]).toEqual([1]);
    s = applyEntry(s, planRedo(s, 6) as LogEntry);
    expect([s.undo, s.redo]).toEqual([[1, 2], []]);
    expect(decisionCounts(s.decisions)).toEqual({ quarantined: 2, kept: 0 });
    [s] = decide(s, [2], K, 7);
    expect(decisionCounts(s.decisions)).toEqual({ quarantined: 1, kept: 1 });
  });
});
