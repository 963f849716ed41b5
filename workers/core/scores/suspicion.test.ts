import { describe, expect, it } from 'vitest';
import { DEFAULT_SUSPICION } from './defaults';
import {
  combineFamilies,
  familyValues,
  labelProbabilityValues,
  percentileRanks,
  suspicionFromScores,
  topFlags,
} from './suspicion';
import { mismatch, randomMatrix } from './test-utils';
import { FAMILY_NAMES, type FamilyName, type SuspicionParams } from './types';

const ones: Record<FamilyName, number> = { trajectory: 1, influence: 1, embedding: 1, label: 1 };

describe('percentileRanks', () => {
  it('averages ties and puts NaN lowest', () => {
    // Sorted: NaN(1) 1(2) 2,2(3.5) 5(5) over N = 5.
    expect(Array.from(percentileRanks([2, 5, Number.NaN, 2, 1]))).toEqual(
      [0.7, 1, 0.2, 0.7, 0.4].map(Math.fround),
    );
  });

  it('matches a counting reference on random values with ties', () => {
    const v = Float32Array.from(randomMatrix(300, 1, 3), (x) => Math.round(x * 4));
    const ref = Array.from(v, (x) => {
      let below = 0;
      let equal = 0;
      for (const y of v) {
        if (y < x) below++;
        else if (y === x) equal++;
      }
      return (below + (equal + 1) / 2) / v.length;
    });
    expect(mismatch(percentileRanks(v), ref)).toBe('');
  });
});

describe('families and suspicion', () => {
  it('reduces member ranks by mean (kept) or max (re-ranked)', () => {
    const ranks = {
      aum: Float32Array.from([0.25, 0.5, 0.75, 1]),
      meanLoss: Float32Array.from([1, 0.75, 0.25, 0.5]),
      knnDistance: Float32Array.from([0.5, 0.25, 1, 0.75]),
    };
    const byMax = familyValues(ranks, 4, 'max');
    // trajectory max = [1, .75, .75, 1] → ranks [.875, .375, .375, .875]
    expect(Array.from(byMax.trajectory)).toEqual([0.875, 0.375, 0.375, 0.875]);
    const byMean = familyValues(ranks, 4, 'mean');
    // mean = [.625, .625, .5, .75], not re-ranked
    expect(Array.from(byMean.trajectory)).toEqual([0.625, 0.625, 0.5, 0.75]);
    expect(Array.from(byMax.embedding)).toEqual([0.5, 0.25, 1, 0.75]);
    // A family without members ranks 0.
    expect(Array.from(byMax.label)).toEqual([0, 0, 0, 0]);
    expect(Array.from(familyValues(ranks, 4, 'max', ['knnDistance']).embedding)).toEqual([0, 0, 0, 0]);
  });

  it('combines families by each rule', () => {
    const fam: Record<FamilyName, Float32Array> = {
      trajectory: Float32Array.from([0.2, 0.9]),
      influence: Float32Array.from([0.4, 0.1]),
      embedding: Float32Array.from([1, 0.3]),
      label: Float32Array.from([0.6, 0.5]),
    };
    const close = (a: Float32Array, b: number[]) => expect(mismatch(a, b, 1e-6)).toBe('');
    close(combineFamilies(fam, ones, 'weighted-max', 2, 2), [1, 0.9]);
    close(combineFamilies(fam, ones, 'top-mean', 2, 2), [0.8, 0.7]);
    close(combineFamilies(fam, ones, 'weighted-mean', 2, 2), [0.55, 0.45]);
    const w = { trajectory: 2, influence: 0, embedding: 0.5, label: 1 };
    close(combineFamilies(fam, w, 'weighted-max', 2, 2), [0.6, 1.8]);
    close(combineFamilies(fam, w, 'weighted-mean', 2, 2), [
      (0.4 + 0.5 + 0.6) / 3.5,
      (1.8 + 0.15 + 0.5) / 3.5,
    ]);
    expect(() => combineFamilies(fam, { ...w, label: -1 }, 'weighted-max', 2, 2)).toThrow(/≥ 0/);
  });

  it('flags the top q of a family exactly when there are no ties', () => {
    const r = percentileRanks(Float32Array.from({ length: 100 }, (_, i) => (i * 37) % 100));
    const f = topFlags(r, 0.05);
    expect(f.reduce((a, b) => a + b, 0)).toBe(5);
    for (let i = 0; i < 100; i++) expect(f[i]).toBe((i * 37) % 100 >= 95 ? 1 : 0);
    expect(topFlags(r, 0).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('suspicionFromScores ranks raw scores, whatever their scale', () => {
    const n = 50;
    const a = randomMatrix(n, 1, 1);
    const scores = { aum: a, selfConfidence: Float32Array.from(a, (x) => 1000 * x + 7) };
    const s = suspicionFromScores(scores, n, {
      familyReduce: 'max',
      rule: 'weighted-max',
      top: 2,
      weights: ones,
      excluded: [],
      q: 0.1,
    });
    // Same order in both families → suspicion is that order's rank.
    expect(mismatch(s.suspicion, percentileRanks(a))).toBe('');
    expect(Array.from(s.flags.trajectory)).toEqual(Array.from(s.flags.label));
    expect(s.flags.trajectory.reduce((x, y) => x + y, 0)).toBe(5);
    for (const f of FAMILY_NAMES) expect(s.families[f].length).toBe(n);
  });

  it('suspicionFromScores without labelScale ranks the label family like the others (stored score sets)', () => {
    const n = 40;
    const scores = {
      selfConfidence: Float32Array.from(randomMatrix(n, 1, 4), (x) => 1 / (1 + Math.exp(-x))),
      normalizedMargin: Float32Array.from(randomMatrix(n, 1, 5), Math.tanh),
    };
    const base: SuspicionParams = { ...DEFAULT_SUSPICION, labelScale: undefined };
    const ranked = suspicionFromScores(scores, n, base);
    const explicit = suspicionFromScores(scores, n, { ...base, labelScale: 'rank' });
    const mean = Float32Array.from(percentileRanks(scores.selfConfidence), (r, i) => {
      return (r + percentileRanks(scores.normalizedMargin)[i]) / 2;
    });
    expect(mismatch(ranked.families.label, mean)).toBe('');
    expect(Array.from(explicit.families.label)).toEqual(Array.from(ranked.families.label));
  });
});

describe('label family on the probability scale', () => {
  it('maps each member to [0, 1] and reduces without ranking again (hand-computed)', () => {
    const scores = {
      selfConfidence: Float32Array.from([0.9, 0.1, 0.5, Number.NaN]),
      normalizedMargin: Float32Array.from([0.8, -1, 0, 0.2]),
      knnDisagreement: Float32Array.from([1, 0, 0.3, 0.6]),
      // Not a label score: ignored.
      aum: Float32Array.from([5, 5, 5, 5]),
    };
    // normalizedMargin → [0.9, 0, 0.5, 0.6]; NaN self-confidence → 0.
    const mean = labelProbabilityValues(scores, 4, 'mean');
    expect(mismatch(mean, [(0.9 + 0.9 + 1) / 3, 0.1 / 3, (0.5 + 0.5 + 0.3) / 3, (0 + 0.6 + 0.6) / 3])).toBe(
      '',
    );
    expect(mismatch(labelProbabilityValues(scores, 4, 'max'), [1, 0.1, 0.5, 0.6])).toBe('');
    expect(
      mismatch(labelProbabilityValues(scores, 4, 'mean', ['knnDisagreement']), [0.9, 0.05, 0.5, 0.3]),
    ).toBe('');
    // Out-of-range values are clamped; no member at all gives 0.
    expect(Array.from(labelProbabilityValues({ selfConfidence: [1.5, -0.5] }, 2, 'mean'))).toEqual([1, 0]);
    expect(Array.from(labelProbabilityValues({ aum: [1, 2] }, 2, 'mean'))).toEqual([0, 0]);
  });

  it('matches a plain loop on random scores', () => {
    const n = 200;
    const sc = Float32Array.from(randomMatrix(n, 1, 7), (x) => 1 / (1 + Math.exp(-2 * x)));
    const nm = Float32Array.from(randomMatrix(n, 1, 8), Math.tanh);
    const kd = Float32Array.from(randomMatrix(n, 1, 9), (x) => Math.round(10 / (1 + Math.exp(-x))) / 10);
    const ref = Array.from({ length: n }, (_, i) => (sc[i] + (nm[i] + 1) / 2 + kd[i]) / 3);
    const refMax = Array.from({ length: n }, (_, i) => Math.max(sc[i], (nm[i] + 1) / 2, kd[i]));
    const scores = { selfConfidence: sc, normalizedMargin: nm, knnDisagreement: kd };
    expect(mismatch(labelProbabilityValues(scores, n, 'mean'), ref)).toBe('');
    expect(mismatch(labelProbabilityValues(scores, n, 'max'), refMax)).toBe('');
    // Through suspicionFromScores: the label family is that mean, the weighted max takes it where it is largest.
    const aum = randomMatrix(n, 1, 10);
    const params: SuspicionParams = { ...DEFAULT_SUSPICION, labelScale: 'probability', weights: ones };
    const s = suspicionFromScores({ ...scores, aum }, n, params);
    expect(mismatch(s.families.label, ref)).toBe('');
    const traj = percentileRanks(aum);
    expect(
      mismatch(
        s.suspicion,
        Array.from(ref, (v, i) => Math.max(v, traj[i])),
      ),
    ).toBe('');
  });

  it('keeps a confident contradiction above a merely hard sample, which ranks put level', () => {
    // Samples 0-7 have self-confidence 0.01..0.08 (confidently right), sample 8 is hard (0.55), sample 9 a
    // confident contradiction (0.99); on ranks the hardest of ten clean samples would score as high as a flip.
    const sc = Float32Array.from([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.55, 0.99]);
    const clean = Float32Array.from([0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.55]);
    const p: SuspicionParams = { ...DEFAULT_SUSPICION, labelScale: 'probability', weights: ones };
    const flip = suspicionFromScores({ selfConfidence: sc }, 10, p).families.label;
    const hard = suspicionFromScores({ selfConfidence: clean }, 10, p).families.label;
    expect(flip[9]).toBeCloseTo(0.99, 6);
    expect(hard[9]).toBeCloseTo(0.55, 6);
    const r = { ...p, labelScale: 'rank' as const };
    expect(suspicionFromScores({ selfConfidence: clean }, 10, r).families.label[9]).toBe(1);
  });
});
