/**
 * The sentences of "why flagged" case by case, each expected sentence written out by hand from the row's numbers
 * (issue 16: the mutation run left most of why.ts's branches unread by why.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, type FamilyName } from '../scores/types';
import type { FamilyThreshold } from './family-flags';
import { whyInput as input, threshold } from './test-why-input';
import { atMostPercent, higherThan, num, percent, type WhyInput, whyFlagged } from './why';

const said = (family: FamilyName, patch: Partial<WhyInput>) =>
  whyFlagged(input(patch)).find((w) => w.family === family)?.sentences;

/** The trajectory sentences for a row whose correctness per epoch is `correct` (margins 1, 2, …). */
const trajectoryOf = (correct: number[]) =>
  said('trajectory', { epochs: { margin: correct.map((_, i) => i + 1), correct } });

describe('numbers in sentences', () => {
  it('writes percentages whole, with one decimal only strictly between 0 and 1% and between 99 and 100%', () => {
    expect(percent(Number.NaN)).toBe('—');
    expect(percent(0)).toBe('0%');
    expect(percent(0.01)).toBe('1%');
    expect(percent(0.5)).toBe('50%');
    expect(percent(0.99)).toBe('99%');
    expect(percent(0.999)).toBe('99.9%');
  });

  it('writes three significant digits, exponents only below 0.001 and from 100,000, and the infinities', () => {
    expect(num(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(num(Number.NEGATIVE_INFINITY)).toBe('−∞');
    expect(num(Number.NaN)).toBe('—');
    expect(num(0)).toBe('0');
    expect(num(99999)).toBe('100000');
    expect(num(1e5)).toBe('1.00e+5');
    expect(num(123456)).toBe('1.23e+5');
    expect(num(0.001)).toBe('0.001');
    expect(num(0.000999)).toBe('9.99e−4');
    // Every hyphen becomes a minus sign, the mantissa's and the exponent's alike.
    expect(num(-0.0005)).toBe('−5.00e−4');
    expect(num(-123456)).toBe('−1.23e+5');
  });

  it('rounds "at most" up, so it never claims fewer rows than is true', () => {
    expect(atMostPercent(0)).toBe('0%');
    expect(atMostPercent(0.0041)).toBe('0.5%');
    expect(atMostPercent(0.01)).toBe('1%');
    expect(atMostPercent(0.0125)).toBe('2%');
    expect(atMostPercent(1)).toBe('100%');
  });

  it('floors "higher than", so it never claims more rows than is true', () => {
    expect(higherThan(0)).toBe('higher than 0% of rows');
    expect(higherThan(0.004)).toBe('higher than 0.4% of rows');
    expect(higherThan(0.01)).toBe('higher than 1% of rows');
    expect(higherThan(0.987)).toBe('higher than 98% of rows');
    expect(higherThan(0.99)).toBe('higher than 99% of rows');
    expect(higherThan(0.996)).toBe('higher than 99.6% of rows');
    expect(higherThan(0.9999)).toBe('higher than 99.9% of rows');
    expect(higherThan(1)).toBe('higher than 100% of rows');
  });
});

describe('the trajectory family, epoch by epoch', () => {
  it('says nothing of epochs when none were recorded', () => {
    expect(said('trajectory', { epochs: { margin: [], correct: [] } })).toEqual([]);
    expect(said('trajectory', { inTraining: null, epochs: null })).toEqual([]);
  });

  it('says when the label was learned and kept: at the first epoch, or by the middle one', () => {
    expect(trajectoryOf([1, 1, 1, 1])).toEqual([
      'The model learned its label 1 by epoch 1 of 4 and kept it (margin 4 at the last).',
    ]);
    // Epoch 2 of 4 is still the first half (ceil(4 / 2) = 2): not "only at".
    expect(trajectoryOf([0, 1, 1, 1])).toEqual([
      'The model learned its label 1 by epoch 2 of 4 and kept it (margin 4 at the last).',
    ]);
    expect(trajectoryOf([0, 0, 1, 1, 1])).toEqual([
      'The model learned its label 1 by epoch 3 of 5 and kept it (margin 5 at the last).',
    ]);
  });

  it('counts a forgetting event only where a right epoch is followed by a wrong one', () => {
    expect(trajectoryOf([1, 0, 1, 1])).toEqual([
      'It was forgotten once: predicted right at one epoch, wrong at the next (right at 3 of 4 epochs).',
    ]);
    // Two wrong epochs in a row after a right one are one event, not two.
    expect(trajectoryOf([1, 1, 0, 0, 1, 1])).toEqual([
      'It was forgotten once: predicted right at one epoch, wrong at the next (right at 4 of 6 epochs).',
    ]);
    expect(trajectoryOf([1, 0, 1, 0, 1, 1])).toEqual([
      'It was forgotten 2 times: predicted right at one epoch, wrong at the next (right at 4 of 6 epochs).',
    ]);
  });

  it('gives the mean loss only with its percentile and a finite value', () => {
    expect(said('trajectory', { scores: { meanLoss: 2 } })).toEqual([]);
    expect(said('trajectory', { percentiles: { meanLoss: 0.9 } })).toEqual([]);
    expect(said('trajectory', { scores: { meanLoss: Number.NaN }, percentiles: { meanLoss: 0.9 } })).toEqual(
      [],
    );
    expect(said('trajectory', { scores: { meanLoss: 0.25 }, percentiles: { meanLoss: 0.9 } })).toEqual([
      'Its mean loss, 0.25, is higher than 90% of rows.',
    ]);
  });
});

describe('the influence family', () => {
  it('gives the self-influence with its percentile, and calls the steps unusually large from the 95th', () => {
    expect(
      said('influence', { scores: { selfInfluence: 12.5 }, percentiles: { selfInfluence: 0.95 } }),
    ).toEqual([
      'Its self-influence, 12.5, is higher than 95% of rows: the model’s own steps on it were unusually large.',
    ]);
    expect(
      said('influence', { scores: { selfInfluence: 12.5 }, percentiles: { selfInfluence: 0.94 } }),
    ).toEqual(['Its self-influence, 12.5, is higher than 94% of rows.']);
  });

  it('says nothing without the value, its percentile, or a finite value', () => {
    expect(said('influence', {})).toEqual([]);
    expect(said('influence', { scores: { selfInfluence: 3 } })).toEqual([]);
    expect(said('influence', { percentiles: { selfInfluence: 0.99 } })).toEqual([]);
    expect(
      said('influence', { scores: { selfInfluence: Number.NaN }, percentiles: { selfInfluence: 0.99 } }),
    ).toEqual([]);
  });
});

describe('the embedding family', () => {
  const mahal = (p: string) =>
    `Its distance to the centre of class 0 in the embedding, 7.5, is higher than ${p}% of rows.`;
  const knn = (p: string) =>
    `Its mean distance to its nearest neighbours in the embedding, 3.2, is higher than ${p}% of rows.`;

  it('shows the strongest three, a small cluster first, then by percentile', () => {
    expect(
      said('embedding', {
        label: 0,
        cluster: { rows: 5, classRows: 50 },
        scores: { knnDistance: 3.2, mahalanobis: 7.5, spectral: 2 },
        percentiles: { knnDistance: 0.91, mahalanobis: 0.99, spectral: 0.95 },
      }),
    ).toEqual([
      'It sits in a small separate cluster of class 0: 5 of the class’s 50 rows (10%).',
      mahal('99'),
      'Along class 0’s main direction of spread its spectral score is higher than 95% of rows.',
    ]);
  });

  it('says a row among the closest-packed 1% sits among rows packed closer together, first', () => {
    const close = (share: string) =>
      `Its mean distance to its nearest neighbours in the embedding, 0.86, is among the smallest: ${share} of rows ` +
      'have a smaller one, so it sits among rows packed closer together than almost all others.';
    const at = (p: number, mahalanobis = 0.99) =>
      said('embedding', {
        label: 0,
        scores: { knnDistance: 0.86, mahalanobis: 7.5 },
        percentiles: { knnDistance: p, mahalanobis },
      });
    expect(at(0.004)).toEqual([close('0.4%'), mahal('99')]);
    expect(at(0)).toEqual([close('0%'), mahal('99')]);
    expect(at(0.0041)).toEqual([close('0.5%'), mahal('99')]);
    expect(at(0.01)).toEqual([close('1%'), mahal('99')]);
    // Past the closest 1%, the distance reads as before: here under the 90th percentile, so not shown.
    expect(at(0.011)).toEqual([mahal('99')]);
    expect(at(0.011, 0.5)).toEqual([mahal('50')]);
  });

  it('shows every score from the 90th percentile, or else only the highest one', () => {
    const scores = { knnDistance: 3.2, mahalanobis: 7.5 };
    expect(
      said('embedding', { label: 0, scores, percentiles: { knnDistance: 0.9, mahalanobis: 0.92 } }),
    ).toEqual([mahal('92'), knn('90')]);
    expect(
      said('embedding', { label: 0, scores, percentiles: { knnDistance: 0.5, mahalanobis: 0.6 } }),
    ).toEqual([mahal('60')]);
    expect(
      said('embedding', { label: 0, scores, percentiles: { knnDistance: 0.6, mahalanobis: 0.5 } }),
    ).toEqual([knn('60')]);
  });

  it('ranks the shared values by their own percentile, first when it has none', () => {
    const shared = [{ column: 'x05', value: '7.5', rows: 300, neighbours: 1 }];
    const sentence =
      'One of its values is held by many rows but rare around them: x05 = 7.5, held by 300 rows (the values next to it by 1 each).';
    const scores = { knnDistance: 3.2 };
    expect(
      said('embedding', { shared, scores, percentiles: { knnDistance: 0.95, sharedValues: 0.5 } }),
    ).toEqual([knn('95')]);
    expect(said('embedding', { shared, scores, percentiles: { knnDistance: 0.95 } })).toEqual([
      sentence,
      knn('95'),
    ]);
  });

  it('says first what the row’s lifted group of shared values is', () => {
    const group = {
      rows: 16,
      columns: ['24,24', '24,25', '24,26', '25,24', '25,25'],
      pixels: true,
      label: 2,
      labelled: 15,
      checked: 16,
      unexplained: 15,
    };
    const cluster = { rows: 3, classRows: 40 };
    const [first, second] = said('embedding', { group, cluster }) ?? [];
    expect(first).toBe(
      'It is one of 16 rows that share the same values in 5 pixels (y,x: 24,24; 24,25; 24,26; 25,24; and 1 more); 15 of the 16 carry label 7. Of the 16 checked, 15 have nearest rows outside the group (those pixels left out) mostly of another label: rows of other classes stamped with one pattern and relabelled look like this.',
    );
    expect(second).toMatch(/^It sits in a small separate cluster/);
    const two = said('embedding', { group: { ...group, columns: ['a', 'b'], pixels: false } })?.[0];
    expect(two).toMatch(
      /^It is one of 16 rows that share the same values in 2 columns \(a; and b\); .*\(those columns left out\)/,
    );
  });

  it('leaves out an empty cluster and a score without its value, its percentile or a finite value', () => {
    expect(said('embedding', { cluster: { rows: 0, classRows: 10 } })).toEqual([]);
    expect(said('embedding', { scores: { knnDistance: 3 } })).toEqual([]);
    expect(said('embedding', { percentiles: { mahalanobis: 0.99 } })).toEqual([]);
    expect(said('embedding', { scores: { spectral: Number.NaN }, percentiles: { spectral: 0.99 } })).toEqual(
      [],
    );
  });
});

describe('the label family', () => {
  const cv = 'A cross-validated model, never trained on this row, gives its label 1 a probability of 60%';

  it('names the suggested label, or the most likely other one, with its probability', () => {
    const scores = { selfConfidence: 0.4, normalizedMargin: 0.1 };
    expect(said('label', { scores })).toEqual([`${cv} and the most likely other label 70%.`]);
    expect(said('label', { scores, suggested: 0 })).toEqual([`${cv} and label 0 70%.`]);
    expect(said('label', { scores: { selfConfidence: 0.4 } })).toEqual([`${cv}.`]);
    expect(said('label', { scores: { selfConfidence: 0.4, normalizedMargin: Number.NaN } })).toEqual([
      `${cv}.`,
    ]);
    expect(said('label', { scores: { normalizedMargin: 0.1 } })).toEqual([]);
    expect(said('label', { scores: { selfConfidence: Number.NaN } })).toEqual([]);
  });

  it('names the label most neighbours carry, the lower class on a tie, or counts the others', () => {
    expect(said('label', { neighbours: [2, 2, 0] })).toEqual([
      'Its neighbours carry label 7 in 2 of 3 cases; 0 carry its label 1.',
    ]);
    expect(said('label', { neighbours: [0, 0, 2, 2] })).toEqual([
      'Its neighbours carry label 0 in 2 of 4 cases; 0 carry its label 1.',
    ]);
    expect(said('label', { neighbours: [2, 2, 0, 0] })).toEqual([
      'Its neighbours carry label 0 in 2 of 4 cases; 0 carry its label 1.',
    ]);
    expect(said('label', { neighbours: [2, 2, 2, 0] })).toEqual([
      'Its neighbours carry label 7 in 3 of 4 cases; 0 carry its label 1.',
    ]);
    // As many (or more) carry its own label as any other: the others are counted together.
    expect(said('label', { neighbours: [1, 1, 2, 2] })).toEqual([
      '2 of its 4 nearest neighbours carry another label than 1.',
    ]);
    expect(said('label', { neighbours: [1, 1, 1, 2] })).toEqual([
      '1 of its 4 nearest neighbours carry another label than 1.',
    ]);
    expect(said('label', { neighbours: [] })).toEqual([]);
  });

  it('adds the images nearest in pixels after the neighbours, when a calibrated image set has them', () => {
    expect(said('label', { neighbours: [1, 1, 1, 2], pixelNeighbours: { differ: 9, k: 10 } })).toEqual([
      '1 of its 4 nearest neighbours carry another label than 1.',
      '9 of the 10 images nearest it in pixels carry another label than 1.',
    ]);
    expect(said('label', { pixelNeighbours: { differ: 0, k: 10 } })).toEqual([
      'All 10 images nearest it in pixels carry its label 1.',
    ]);
    expect(said('label', { pixelNeighbours: null })).toEqual([]);
  });
});

describe('the verdicts', () => {
  it('counts a value equal to the median as the bulk, and says when a family flags no row', () => {
    const families = Object.fromEntries(
      FAMILY_NAMES.map((f) => [f, { value: 0.5, flagged: false }]),
    ) as WhyInput['families'];
    families.influence = { value: 0.7, flagged: false };
    const thresholds = Object.fromEntries(FAMILY_NAMES.map((f) => [f, threshold])) as Record<
      FamilyName,
      FamilyThreshold
    >;
    thresholds.influence = { ...threshold, threshold: Number.POSITIVE_INFINITY };
    const all = whyFlagged(input({ families, thresholds }));
    expect(all.find((w) => w.family === 'trajectory')?.verdict).toBe(
      'Not flagged: family value 0.5, at or below the bulk (median 0.5).',
    );
    expect(all.find((w) => w.family === 'influence')?.verdict).toBe(
      'Not flagged: family value 0.7; this family flags no row.',
    );
  });
});
