import { describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../workers/core/calibration/types';
import { groupLines, printCalibration } from './scan-output';

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

describe('groupLines', () => {
  const group = (rows: number, columns: number[], label: number) => ({
    rows: Array.from({ length: rows }, (_, i) => i),
    columns,
    label,
    labelled: rows - 1,
    checked: rows,
    explained: 1.0000001,
  });

  it('prints nothing without groups, and each group with its label, columns and check', () => {
    expect(groupLines([], ['a'], [])).toEqual([]);
    const lines = groupLines(
      [group(16, [0, 1, 2, 3, 4, 5], 1), group(3, [7], 0)],
      ['cat', 'dog'],
      ['x', 'y', 'z'],
    );
    expect(lines).toEqual([
      'groups of shared values lifted to the top: 2',
      '  16 rows (15 labelled dog) share values in 6 columns (x; y; z; feature 4; 2 more); 15 of 16 checked have nearest rows of another label',
      '  3 rows (2 labelled cat) share values in 1 column (feature 8); 2 of 3 checked have nearest rows of another label',
    ]);
  });

  it('prints at most `limit` groups and counts the rest', () => {
    const groups = [group(5, [1], 0), group(4, [2], 0), group(3, [3], 0)];
    const lines = groupLines(groups, ['a'], ['0,0', '0,1', '0,2', '0,3'], true, 2);
    expect(lines[1]).toBe(
      '  5 rows (4 labelled a) share values in 1 pixel (y,x: 0,1); 4 of 5 checked have nearest rows of another label',
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('  and 1 more');
  });
});
