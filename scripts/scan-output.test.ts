import { describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../workers/core/calibration/types';
import { printCalibration } from './scan-output';

/** A report with no kinds: only the sentence, the estimate and what follows from it are printed. */
function report(rows: number, fraction: number): CalibrationReport {
  return {
    sentence: 'On this dataset, Sift found nothing.',
    kinds: [],
    estimate: { rows, fraction, byKind: {} },
  } as unknown as CalibrationReport;
}

function printed(r: CalibrationReport): string[] {
  const out: string[] = [];
  printCalibration({ log: (l) => out.push(l), error: () => {} }, r);
  return out;
}

describe('printCalibration', () => {
  it('says when real poison fills the top 5%, as the card does, so that its shares read low', () => {
    expect(printed(report(100, 0.0556))).toEqual([
      'On this dataset, Sift found nothing.',
      '  canary kind                          found in top 1% / 5%   AUROC    AP  carried by  rows like it',
      '  About 5.6% of the rows look poisoned, more than the top 5%: real poison ranked above the injected rows ' +
        'takes places there, so the shares found in the top 1% and 5% read lower than on a cleaner dataset.',
      'estimated poisoned rows: 100 (5.6%); the flag budget and the default "select top N"',
    ]);
  });

  it('says nothing of it when the estimate fits in the top 1%', () => {
    expect(printed(report(4, 0.004)).some((l) => l.includes('real poison'))).toBe(false);
    expect(printed(report(30, 0.02)).filter((l) => l.includes('more than the top 1%'))).toHaveLength(1);
  });
});
