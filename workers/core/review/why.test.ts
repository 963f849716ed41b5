import { describe, expect, it } from 'vitest';
import type { FamilyName } from '../scores/types';
import { whyInput as input } from './test-why-input';
import { num, percent, type WhyInput, whyFlagged } from './why';

const of = (family: FamilyName, patch: Partial<WhyInput>) =>
  whyFlagged(input(patch)).find((w) => w.family === family);

describe('why flagged, in words', () => {
  it('formats numbers for people', () => {
    expect(percent(0.914)).toBe('91%');
    expect(percent(0.996)).toBe('99.6%');
    expect(percent(0.004)).toBe('0.4%');
    expect(percent(1)).toBe('100%');
    expect(num(-4.137)).toBe('−4.14');
    expect(num(0.0000123)).toBe('1.23e−5');
    expect(num(57097.1)).toBe('57100');
  });

  it('says the model never learned a label, with the margins it shows', () => {
    const w = of('trajectory', {
      epochs: { margin: [-4.1, -3, -2.5, -1.3], correct: [0, 0, 0, 0] },
      scores: { meanLoss: 2.3 },
      percentiles: { meanLoss: 0.987 },
    });
    expect(w?.sentences).toEqual([
      'The model never learned its label 1: it predicted another label in all 4 epochs, its margin between −4.1 and −1.3 (−1.3 at the last).',
      'Its mean loss, 2.3, is higher than 98% of rows.',
    ]);
  });

  it('counts forgetting events and late learning', () => {
    const w = of('trajectory', { epochs: { margin: [-1, -1, -1, 2, -1, 3], correct: [0, 0, 0, 1, 0, 1] } });
    expect(w?.sentences).toEqual([
      'The model learned its label 1 only at epoch 4 of 6 (margin 3 at the last).',
      'It was forgotten once: predicted right at one epoch, wrong at the next (right at 2 of 6 epochs).',
    ]);
    expect(of('trajectory', { inTraining: false, epochs: null })?.sentences[0]).toMatch(
      /held out for validation/,
    );
  });

  it('reads the label family from the cross-validated probabilities and the neighbours listed', () => {
    const w = of('label', {
      suggested: 2,
      scores: { selfConfidence: 0.97, normalizedMargin: 0.88 },
      neighbours: [2, 2, 2, 1, 2, 2, 2, 2, 2, 2],
    });
    expect(w?.sentences).toEqual([
      'A cross-validated model, never trained on this row, gives its label 1 a probability of 3% and label 7 91%.',
      'Its neighbours carry label 7 in 9 of 10 cases; 1 carry its label 1.',
    ]);
    expect(of('label', { neighbours: [1, 1, 1] })?.sentences).toEqual([
      'All 3 of its nearest neighbours carry its label 1.',
    ]);
  });

  it('names a small cluster with its size', () => {
    const w = of('embedding', {
      label: 0,
      cluster: { rows: 54, classRows: 232 },
      scores: { knnDistance: 3.2, spectral: 1 },
      percentiles: { knnDistance: 0.5, spectral: 0.2 },
    });
    expect(w?.sentences).toEqual([
      'It sits in a small separate cluster of class 0: 54 of the class’s 232 rows (23%).',
    ]);
  });

  it('names the columns where a row shares a rare value, the strongest three, with how many rows hold it', () => {
    const shared = [
      { column: 'x05', value: '7.5', rows: 300, neighbours: 1 },
      { column: 'x17', value: '7.5', rows: 300, neighbours: 1 },
      { column: 'x31', value: '-2', rows: 41, neighbours: 1.5 },
      { column: 'x02', value: '0', rows: 9, neighbours: 2 },
    ];
    const w = of('embedding', { shared, percentiles: { sharedValues: 0.99 } });
    expect(w?.sentences).toEqual([
      '4 of its values are each held by many rows but rare around them: x05 = 7.5, held by 300 rows (the values next to it by 1 each); x17 = 7.5, held by 300 rows (the values next to it by 1 each); x31 = -2, held by 41 rows (the values next to it by 1.5 each); and 1 more.',
    ]);
    const one = of('embedding', { shared: shared.slice(3), percentiles: { sharedValues: 0.95 } });
    expect(one?.sentences).toEqual([
      'One of its values is held by many rows but rare around them: x02 = 0, held by 9 rows (the values next to it by 2 each).',
    ]);
    expect(of('embedding', { shared: [] })?.sentences).toEqual([]);
  });

  it('gives a verdict that respects the bulk and the threshold, flagged families first', () => {
    const families = {
      trajectory: { value: 0.2, flagged: false },
      influence: { value: 0.95, flagged: true },
      embedding: { value: 0.7, flagged: false },
      label: { value: Number.NaN, flagged: false },
    };
    const all = whyFlagged(input({ families }));
    expect(all.map((w) => w.family)).toEqual(['influence', 'trajectory', 'embedding', 'label']);
    expect(all[0]?.verdict).toBe('Flagged: family value 0.95, at or above the threshold 0.9.');
    expect(all[1]?.verdict).toBe('Not flagged: family value 0.2, at or below the bulk (median 0.5).');
    expect(all[2]?.verdict).toBe('Not flagged: family value 0.7, below the threshold 0.9.');
    expect(all[3]?.verdict).toBe('Not scored for this row.');
  });
});
