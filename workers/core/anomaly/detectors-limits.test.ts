import { describe, expect, it } from 'vitest';
import {
  checkClassStall,
  checkDivergence,
  checkValidationDrop,
  createSpikeDetector,
  robustDeviation,
} from './detectors';

// The detectors at the edges of their rules: the first value after the warm-up, the end of the cool-down, a
// threshold met exactly. Values are chosen so the arithmetic is exact (flat curves, halving losses, dyadic fractions).

/** Pushes `flat` ones, then the values; returns the verdicts of the values. */
const afterFlat = (flat: number, values: number[], thresholds = {}) => {
  const detector = createSpikeDetector(thresholds);
  for (let i = 0; i < flat; i++) expect(detector.push(1)).toBeNull();
  return values.map((v) => detector.push(v));
};

describe('robust deviation', () => {
  it('takes the middle pair of an even count, and is NaN for no values', () => {
    // Median 2.5, absolute deviations 1.5, 0.5, 0.5, 1.5: their median is 1.
    expect(robustDeviation([4, 1, 3, 2])).toBeCloseTo(1.4826, 12);
    // Median (2 + 3) / 2 = 2.5; deviations 7.5, 1.5, 0.5, 0.5, whose median is (0.5 + 1.5) / 2 = 1.
    expect(robustDeviation([10, 1, 3, 2])).toBeCloseTo(1.4826, 12);
    expect(robustDeviation([])).toBeNaN();
  });
});

describe('spike rule edges', () => {
  it('judges from the 21st value on (a warm-up of 20), and ignores non-finite values in the count', () => {
    expect(afterFlat(19, [2])).toEqual([null]);
    expect(afterFlat(20, [2])[0]?.value).toBe(2);
    expect(afterFlat(19, [Number.NaN, Number.POSITIVE_INFINITY, 2])).toEqual([null, null, null]);
    expect(afterFlat(5, [2], { spikeWarmup: 5 })[0]?.value).toBe(2);
  });

  it('reports again once more than 10 values have passed since the last spike', () => {
    const cooled = (gap: number) => afterFlat(30, [2, ...new Array(gap - 1).fill(1), 2]);
    const short = cooled(10);
    expect(short[0]?.value).toBe(2);
    expect(short.at(-1)).toBeNull();
    const long = cooled(11);
    // The first spike entered the average clipped at 4 deviations (4e-6 on the log scale), so the baseline is still 1.
    expect(long.at(-1)?.baseline).toBeCloseTo(1, 5);
    expect(long.at(-1)?.magnitude).toBeCloseTo(Math.LN2 / 1e-6, -1);
  });

  it('a spike in the cool-down extends it (a burst is one event)', () => {
    const verdicts = afterFlat(30, [2, ...new Array(7).fill(1), 2, ...new Array(7).fill(1), 2]);
    expect(verdicts.filter((v) => v !== null)).toHaveLength(1);
  });

  it('a rise during the warm-up moves the average in full, after it only up to the limit', () => {
    // 3 ones, then 8, then 30 ones, then 8 again. Warm-up 20: the first 8 enters the log average in full (5% of
    // ln 8), which then decays by 0.95 per value of 1 (the residuals of the ones are negative, never clipped).
    // Warm-up 2: the first 8 is a spike and enters clipped at 4 deviations (4e-6), so the average stays at 1.
    const baselineOfSecond = (spikeWarmup: number) => {
      const detector = createSpikeDetector({ spikeWarmup });
      for (const v of [1, 1, 1, 8, ...new Array(30).fill(1)]) detector.push(v);
      return detector.push(8)?.baseline;
    };
    expect(baselineOfSecond(20)).toBeCloseTo(8 ** (0.05 * 0.95 ** 30), 9);
    expect(baselineOfSecond(2)).toBeCloseTo(1, 5);
  });

  it('a spike must exceed both the deviation limit and the minimum rise, not just reach them', () => {
    // A flat curve: every residual is 0 up to the first value judged (the 21st). Limits of 0 (no deviations) or a
    // minimum rise of 0 are reached by it, not exceeded.
    expect(afterFlat(20, [1], { spikeDeviations: 0, spikeMinRelativeRise: -0.5 })).toEqual([null]);
    expect(afterFlat(20, [1], { spikeDeviations: -1, spikeMinRelativeRise: 0 })).toEqual([null]);
    expect(afterFlat(20, [1.5], { spikeDeviations: 0, spikeMinRelativeRise: 0 })[0]?.value).toBe(1.5);
  });

  it('judges against the last spikeWindow residuals only', () => {
    // With no moving average (alpha 0) each residual is ln(value): the window is filled by hand.
    const judge = (residuals: number[], next: number, spikeWindow: number) => {
      const detector = createSpikeDetector({
        spikeEwmaAlpha: 0,
        spikeWarmup: residuals.length + 1,
        spikeWindow,
        spikeMinRelativeRise: 0,
      });
      for (const r of [0, ...residuals]) expect(detector.push(Math.exp(r))).toBeNull();
      return detector.push(Math.exp(next));
    };
    // Window 3 keeps [0, 0.1, 0.2]: deviation 1.4826 × 0.1, limit 0.593, so 0.4 is no spike (a window of 2 would
    // keep [0.1, 0.2]: limit 0.297).
    expect(judge([0, 0.1, 0.2], 0.4, 3)).toBeNull();
    // Window 3 keeps the last three zeros: the deviation is its floor and 0.05 is a spike (the old ones would
    // make the deviation 1.4826 × 0.5).
    expect(judge([1, 1, 1, 0, 0, 0], 0.05, 3)?.magnitude).toBeCloseTo(0.05 / 1e-6, 0);
    expect(judge([1, 1, 1, 0, 0, 0], 0.05, 6)).toBeNull();
  });

  it('a value of 0 or below is read as the smallest positive value, not as NaN', () => {
    const [verdict] = afterFlat(30, [0]);
    expect(verdict).toBeNull();
    const detector = createSpikeDetector();
    for (let i = 0; i < 30; i++) detector.push(-1);
    expect(detector.push(1)?.baseline).toBeCloseTo(1e-12, 20);
  });
});

describe('epoch rule edges', () => {
  it('validation drop: strictly above the threshold, with two epochs at least', () => {
    expect(checkValidationDrop([0.75])).toBeNull();
    expect(checkValidationDrop([0.75, 0.5], { validationDrop: 0.25 })).toBeNull();
    expect(checkValidationDrop([0.75, 0.5], { validationDrop: 0.125 })).toEqual({
      from: 0.75,
      to: 0.5,
      drop: 0.25,
    });
    expect(checkValidationDrop([1, 0.75, 0.5])).toEqual({ from: 0.75, to: 0.5, drop: 0.25 });
    expect(checkValidationDrop([0.75, Number.NaN])).toBeNull();
    expect(checkValidationDrop([Number.POSITIVE_INFINITY, 0.5])).toBeNull();
    expect(checkValidationDrop([0.9, Number.NEGATIVE_INFINITY])).toBeNull();
  });

  it('divergence: the streak ends at the last epoch, the rise is over the best of all epochs, and meets the minimum', () => {
    const train = [6, 5, 4, 3, 2, 1];
    // Rising over the last 3 epochs only (2 → 1 breaks it); the best, 0.5, is at epoch 0.
    expect(checkDivergence(train, [0.5, 2, 1, 1.25, 1.5, 2])).toEqual({
      epochs: 3,
      rise: 3,
      best: 0.5,
      now: 2,
    });
    // A rise of exactly the minimum (0.25 over a best of 1) is reported.
    expect(checkDivergence(train, [2, 2, 1, 1.0625, 1.125, 1.25], { divergenceMinRise: 0.25 })?.rise).toBe(
      0.25,
    );
    expect(checkDivergence(train, [2, 2, 1, 1.0625, 1.125, 1.25], { divergenceMinRise: 0.3 })).toBeNull();
    // The shorter of the two curves sets the last epoch.
    expect(checkDivergence([...train, 0, -1], [0.5, 2, 1, 1.25, 1.5, 2])?.now).toBe(2);
    // A validation loss that stays level is not rising: the streak is 0.
    expect(checkDivergence([4, 3, 2, 1], [1, 2, 2, 2])).toBeNull();
    // Training loss that does not fall breaks the streak.
    expect(checkDivergence([6, 5, 4, 3, 3, 1], [0.5, 2, 1, 1.25, 1.5, 2])).toBeNull();
  });

  it('class stall: the figures of a stalled class, and each gate', () => {
    // Classes 0 and 1 halve each epoch; class 2 stays at 1. Window 3 over epochs 0–3.
    const losses = (third: number[]) => [1, 0.5, 0.25, 0.125].flatMap((v, e) => [v, v, third[e] as number]);
    const [stall, ...rest] = checkClassStall(losses([1, 1, 1, 1]), 3);
    expect(rest).toEqual([]);
    expect(stall?.classIndex).toBe(2);
    expect(stall?.from).toBe(1);
    expect(stall?.to).toBe(1);
    expect(stall?.fall).toBeCloseTo(0, 12);
    expect(stall?.othersFall).toBeCloseTo(0.875, 12);
    expect(stall?.level).toBeCloseTo(8, 12);
    // Too few epochs for the window, or a single class: nothing.
    expect(checkClassStall(losses([1, 1, 1, 1]).slice(3), 3)).toEqual([]);
    expect(checkClassStall([1, 0.5, 0.25, 0.125], 1)).toEqual([]);
    // The level gate: 8× is enough at 8, not at 8.5.
    expect(checkClassStall(losses([1, 1, 1, 1]), 3, { stallLevel: 8 + 1e-9 })).toEqual([]);
    expect(checkClassStall(losses([1, 1, 1, 1]), 3, { stallLevel: 8 - 1e-9 })).toHaveLength(1);
    // The others must fall by the threshold; the class must fall by at most stallRatio of that.
    expect(checkClassStall(losses([1, 1, 1, 1]), 3, { stallOthersFall: 0.9 })).toEqual([]);
    // Class 2 halving over one step in three: fitted fall 1 − 2^(−0.9) ≈ 0.464, over 0.5 × 0.875 = 0.4375.
    expect(checkClassStall(losses([8, 8, 8, 4]), 3)).toEqual([]);
    expect(checkClassStall(losses([8, 8, 8, 4]), 3, { stallRatio: 0.6 })[0]?.fall).toBeCloseTo(
      1 - 2 ** -0.9,
      12,
    );
    // A loss exactly stallLevel × the others', others that fell exactly stallOthersFall (0 here: all flat) and a
    // fall exactly stallRatio × theirs (0 × 0) all count.
    const flat = [1, 1, 4, 1, 1, 4, 1, 1, 4, 1, 1, 4];
    expect(checkClassStall(flat, 3, { stallOthersFall: 0 }).map((s) => [s.classIndex, s.level])).toEqual([
      [2, 4],
    ]);
    expect(checkClassStall(flat, 3, { stallOthersFall: 0, stallRatio: 0 })).toHaveLength(1);
    // A class with a NaN loss is skipped, and not counted among the others.
    expect(checkClassStall(losses([1, Number.NaN, 1, 1]), 3)).toEqual([]);
    expect(
      checkClassStall(
        [...losses([1, 1, 1, 1]), ...[0.0625, 0.0625, 1]].map((v, i) => (i % 3 === 0 ? Number.NaN : v)),
        3,
      ),
    ).toHaveLength(1);
  });

  it('class stall with two classes, over a window that does not start at epoch 0', () => {
    // Class 0 halves over epochs 1–4 (fall 1 − 2⁻³ over the 3-epoch window), class 1 stays at 2 after epoch 0.
    const losses = [2, 1, 0.5, 0.25, 0.125].flatMap((v, e) => [v, [3, 2, 2, 2, 2][e] as number]);
    const [stall, ...rest] = checkClassStall(losses, 2);
    expect(rest).toEqual([]);
    expect(stall?.classIndex).toBe(1);
    expect(stall?.from).toBe(2); // epoch 1, the window's start
    expect(stall?.to).toBe(2);
    expect(stall?.othersFall).toBeCloseTo(0.875, 12); // class 0 alone, not class 1's own 0
    expect(stall?.level).toBe(16); // 2 over class 0's 0.125, not over a median with itself
  });

  it('class stall over a window of one epoch: the fall of the last step', () => {
    // Class 0 and 1 halve (fall 0.5), class 2 stays at 8 (16× the others' 0.5).
    const [stall] = checkClassStall([1, 1, 8, 0.5, 0.5, 8], 3, { stallWindow: 1 });
    expect(stall?.classIndex).toBe(2);
    expect(stall?.othersFall).toBeCloseTo(0.5, 12);
  });
});
