import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { mismatch, randomMatrix } from './test-utils';
import { type TrajectoryInput, trajectoryScores } from './trajectory';

/** Plain per-sample reference, sample-major loops over the epoch-major arrays. */
function reference(t: TrajectoryInput) {
  const { samples: n, epochs: E } = t;
  const out = {
    aum: [] as number[],
    meanLoss: [] as number[],
    forgetting: [] as number[],
    confidence: [] as number[],
    variability: [] as number[],
  };
  for (let i = 0; i < n; i++) {
    const p: number[] = [];
    let m = 0;
    let l = 0;
    let f = 0;
    let learned = false;
    for (let e = 0; e < E; e++) {
      p.push(t.probAssigned[e * n + i]);
      m += t.margin[e * n + i];
      l += t.loss[e * n + i];
      if (t.correct[e * n + i] === 1) learned = true;
      if (e > 0 && t.correct[(e - 1) * n + i] === 1 && t.correct[e * n + i] === 0) f++;
    }
    const mean = p.reduce((a, b) => a + b, 0) / E;
    const variance = p.reduce((a, b) => a + (b - mean) ** 2, 0) / E;
    out.aum.push(-m / E);
    out.meanLoss.push(l / E);
    out.forgetting.push(learned ? f : E);
    out.confidence.push(mean);
    out.variability.push(Math.sqrt(variance));
  }
  return out;
}

function randomTrajectory(n: number, E: number, seed: number): TrajectoryInput {
  const rng = createRng(seed);
  const probAssigned = Float32Array.from({ length: n * E }, () => rng.next());
  return {
    samples: n,
    epochs: E,
    probAssigned,
    margin: randomMatrix(E, n, seed + 1, 3),
    loss: Float32Array.from(probAssigned, (p) => -Math.log(p)),
    // Mostly correct with flips, and a few rows never correct, so every branch is exercised.
    correct: Uint8Array.from({ length: n * E }, (_, j) => (j % n < 3 ? 0 : rng.next() < 0.7 ? 1 : 0)),
  };
}

describe('trajectoryScores', () => {
  it('matches a plain reference on random dynamics', () => {
    const t = randomTrajectory(60, 9, 11);
    const got = trajectoryScores(t);
    const ref = reference(t);
    expect(mismatch(got.aum, ref.aum)).toBe('');
    expect(mismatch(got.meanLoss, ref.meanLoss)).toBe('');
    expect(mismatch(got.forgetting, ref.forgetting)).toBe('');
    expect(mismatch(got.confidence, ref.confidence)).toBe('');
    expect(mismatch(got.variability, ref.variability)).toBe('');
    expect(
      mismatch(
        got.cartography,
        ref.confidence.map((c) => 1 - c),
      ),
    ).toBe('');
    expect(got.forgetting[0]).toBe(9); // never learned
  });

  it('computes a hand-worked case', () => {
    // Two samples, four epochs. Sample 0: correct 1,0,1,0 → 2 forgetting events. Sample 1: never correct → E = 4.
    const t: TrajectoryInput = {
      samples: 2,
      epochs: 4,
      probAssigned: Float32Array.from([0.5, 0.1, 0.25, 0.1, 0.75, 0.1, 0.5, 0.1]),
      margin: Float32Array.from([1, -2, -1, -2, 3, -2, 1, -2]),
      loss: Float32Array.from([1, 4, 2, 4, 0.5, 4, 1.5, 4]),
      correct: Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0]),
    };
    const s = trajectoryScores(t);
    expect(Array.from(s.aum)).toEqual([-1, 2]);
    expect(Array.from(s.meanLoss)).toEqual([1.25, 4]);
    expect(Array.from(s.forgetting)).toEqual([2, 4]);
    expect(s.confidence[0]).toBeCloseTo(0.5, 6);
    expect(s.cartography[0]).toBeCloseTo(0.5, 6);
    // p = 0.5, 0.25, 0.75, 0.5: variance = (0 + 0.0625 + 0.0625 + 0) / 4.
    expect(s.variability[0]).toBeCloseTo(Math.sqrt(0.03125), 6);
    expect(s.variability[1]).toBeCloseTo(0, 6);
  });

  it('refuses arrays of the wrong length', () => {
    const t = randomTrajectory(5, 3, 1);
    expect(() => trajectoryScores({ ...t, loss: new Float32Array(14) })).toThrow(/loss has 14 values/);
  });
});

describe('trajectoryScores refusals and edges (issue 16, mutation testing)', () => {
  const one = (n: number, e: number): TrajectoryInput => ({
    samples: n,
    epochs: e,
    probAssigned: new Float32Array(n * e).fill(0.5),
    margin: new Float32Array(n * e),
    loss: new Float32Array(n * e),
    correct: new Uint8Array(n * e),
  });

  it('needs at least one epoch, and names the array of the wrong length', () => {
    expect(() => trajectoryScores(one(3, 0))).toThrow('Trajectory scores need at least one recorded epoch.');
    const t = one(3, 2);
    for (const name of ['probAssigned', 'margin', 'loss'] as const) {
      expect(() => trajectoryScores({ ...t, [name]: new Float32Array(5) })).toThrow(
        `${name} has 5 values, expected E×N = 6.`,
      );
    }
    expect(() => trajectoryScores({ ...t, correct: new Uint8Array(7) })).toThrow(
      'correct has 7 values, expected E×N = 6.',
    );
  });

  it('one epoch: a sample correct once has no forgetting, one never correct counts 1; variability 0', () => {
    const t = one(2, 1);
    t.correct[0] = 1;
    t.probAssigned.set([0.8, 0.3]);
    const s = trajectoryScores(t);
    expect(Array.from(s.forgetting)).toEqual([0, 1]);
    expect(Array.from(s.variability)).toEqual([0, 0]);
    expect(s.confidence[0]).toBeCloseTo(0.8, 6);
    expect(s.cartography[1]).toBeCloseTo(0.7, 6);
  });

  it('a sample learned late and never forgotten has no forgetting events; one forgotten twice has two', () => {
    // N = 2, E = 4. Sample 0: 0, 0, 1, 1. Sample 1: 1, 0, 1, 0.
    const t = one(2, 4);
    t.correct.set([0, 1, 0, 0, 1, 1, 1, 0]);
    expect(Array.from(trajectoryScores(t).forgetting)).toEqual([0, 2]);
  });
});
