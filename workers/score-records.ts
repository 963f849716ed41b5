/**
 * The records a scoring is stored as, from its first record and the worker's outcome, and the view the page shows:
 * pure (no database, no clock but `now`), so the score worker's store (score-store.ts) stays mechanics. The status
 * union (app/db/score-schema.ts) makes a done scoring without its score set impossible to build.
 */
import type {
  DoneScoreRecord,
  DoneScoreView,
  RunningScoreRecord,
  StoppedScoreRecord,
} from '../app/db/score-schema';
import { FAMILY_NAMES } from './core/scores/types';
import type { ScoreOutcome } from './score.api';
import type { NamedSample } from './train.api';

/** The record a scoring ends as: done with its score set, or stopped with the reason. */
export function endedScore(
  record: RunningScoreRecord,
  outcome: ScoreOutcome,
  order: { sampleRows: Int32Array; labels: Int32Array },
  now: number,
): DoneScoreRecord | StoppedScoreRecord {
  switch (outcome.kind) {
    case 'finished': {
      const r = outcome.result;
      return {
        ...record,
        updatedAt: now,
        status: 'done',
        message: null,
        params: r.scoreSet.params,
        crossVal: r.crossVal,
        backend: r.backend,
        scoreSet: r.scoreSet,
        sampleRows: order.sampleRows,
        labels: order.labels,
        summary: r.summary,
        timings: r.timings,
        calibration: r.calibration ?? null,
      };
    }
    case 'cancelled':
      return { ...record, updatedAt: now, status: 'cancelled', message: 'Cancelled before it finished.' };
    case 'failed':
      return { ...record, updatedAt: now, status: 'failed', message: outcome.message };
    default:
      return outcome satisfies never;
  }
}

/** The dataset rows of a done scoring's top suspects, in the summary's order. */
export function suspectRows(record: DoneScoreRecord): Int32Array {
  return Int32Array.from(record.summary.top, (j) => record.sampleRows[j] ?? -1);
}

/** A finished scoring as the page shows it: its summary and its top suspects named (`named`: of `suspectRows`). */
export function doneView(record: DoneScoreRecord, named: readonly NamedSample[]): DoneScoreView {
  const { scoreSet: set, sampleRows: _rows, labels, ...fields } = record;
  return {
    ...fields,
    samples: set.samples,
    knnApproximate: set.knnApproximate,
    suspects: Array.from(record.summary.top, (j, k) => {
      const row = record.sampleRows[j] ?? -1;
      return {
        sample: j,
        row,
        id: named[k]?.id ?? `row-${row}`,
        label: labels[j] ?? -1,
        suggested: set.suggestedLabel[j] ?? -1,
        suspicion: set.suspicion[j] ?? Number.NaN,
        flaggedBy: FAMILY_NAMES.filter((f) => set.flags[f][j] === 1),
      };
    }),
  };
}
