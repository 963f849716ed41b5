import { describe, expect, it } from 'vitest';
import { rankReason } from './rank-reason';

describe('rankReason', () => {
  it('names the canary kind that placed the row and the score that weighed most, with their numbers', () => {
    expect(
      rankReason({
        suspicion: 0.969,
        suspicionShare: 0.995,
        score: 'sharedValues',
        scoreValue: 232,
        scoreShare: 0.9951,
        kind: 'patch-trigger',
      }),
    ).toBe(
      'Its suspicion, 0.969, is higher than 99.5% of rows. The calibration on canaries ranks it among the rows that ' +
        'its detector for patch triggers finds present. What weighs most in it: Shared rare values, 232, higher than 99.5% of rows.',
    );
  });

  it('says only the score where no kind placed the row (uncalibrated, or ranked with the rest)', () => {
    expect(
      rankReason({
        suspicion: 0.42,
        suspicionShare: 0.8,
        score: 'selfConfidence',
        scoreValue: 0.91,
        scoreShare: 0.97,
        kind: null,
      }),
    ).toBe(
      'Its suspicion, 0.42, is higher than 80% of rows. What weighs most in it: Self-confidence, 0.91, higher than 97% of rows.',
    );
  });

  it('leaves out a score value that is not a number, and says nothing without a suspicion', () => {
    const base = { suspicionShare: 0.5, score: 'aum', scoreShare: 0.5, kind: 'random-flip' } as const;
    expect(rankReason({ ...base, suspicion: 0.5, scoreValue: Number.NaN })).toBe(
      'Its suspicion, 0.5, is higher than 50% of rows. The calibration on canaries ranks it among the rows that its ' +
        'detector for random label flips finds present. What weighs most in it: AUM (area under the margin).',
    );
    expect(rankReason({ ...base, suspicion: Number.NaN, scoreValue: 1 })).toBeNull();
  });
});
