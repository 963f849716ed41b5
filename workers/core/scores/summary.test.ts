import { describe, expect, it } from 'vitest';
import { defaultScoreParams } from './defaults';
import { recombine, summarizeScores } from './summary';
import { FAMILY_NAMES, SCORE_NAMES } from './types';

const flags = (on: Record<string, number[]>, n: number) =>
  Object.fromEntries(
    FAMILY_NAMES.map((f) => [
      f,
      Uint8Array.from({ length: n }, (_, i) => ((on[f] ?? []).includes(i) ? 1 : 0)),
    ]),
  ) as never;

describe('score summary', () => {
  it('counts flags per family and any, label issues, and lists the top suspects, ties on the lower index', () => {
    const out = summarizeScores(
      {
        suspicion: Float32Array.from([0.2, 0.9, 0.5, 0.9, 0.1]),
        flags: flags({ trajectory: [1, 3], label: [3, 4] }, 5),
        labelIssue: Uint8Array.from([0, 0, 1, 1, 0]),
      },
      3,
    );
    expect(out.flagged).toEqual({ trajectory: 2, influence: 0, embedding: 0, label: 2 });
    expect(out.flaggedAny).toBe(3);
    expect(out.labelIssues).toBe(2);
    expect([...out.top]).toEqual([1, 3, 2]);
  });

  it('recombines stored scores under a new q, and refuses a q or weight out of range', () => {
    const n = 40;
    const scores = Object.fromEntries(
      SCORE_NAMES.map((name, s) => [
        name,
        Float32Array.from({ length: n }, (_, i) => ((i * (s + 3)) % 17) / 17),
      ]),
    ) as never;
    const suspicion = { ...defaultScoreParams().suspicion, q: 0.1 };
    const labelIssue = new Uint8Array(n);
    const stored = { samples: n, scores, labelIssue, labels: new Int32Array(n) };
    const narrow = recombine({ ...stored, suspicion });
    const wide = recombine({
      ...stored,
      suspicion: { ...suspicion, q: 0.5 },
    });
    expect(narrow.suspicionParams.q).toBe(0.1);
    expect(wide.summary.flaggedAny).toBeGreaterThan(narrow.summary.flaggedAny);
    expect(narrow.suspicion.length).toBe(n);
    expect(() =>
      recombine({
        ...stored,
        suspicion: { ...suspicion, q: 0 },
      }),
    ).toThrow(/q/);
    expect(() =>
      recombine({
        ...stored,
        suspicion: { ...suspicion, weights: { ...suspicion.weights, label: -1 } },
      }),
    ).toThrow(/label weight/);
  });
});

describe('summary edges (issue 16, mutation testing)', () => {
  it('lists every sample when there are fewer than top, and 10 by default', () => {
    const few = summarizeScores({
      suspicion: Float32Array.from([0.1, 0.3, 0.2]),
      flags: flags({}, 3),
      labelIssue: new Uint8Array(3),
    });
    expect([...few.top]).toEqual([1, 2, 0]);
    expect(few.flaggedAny).toBe(0);
    const many = summarizeScores({
      suspicion: Float32Array.from({ length: 30 }, (_, i) => i),
      flags: flags({ influence: [0], embedding: [0] }, 30),
      labelIssue: new Uint8Array(30),
    });
    expect([...many.top]).toEqual([29, 28, 27, 26, 25, 24, 23, 22, 21, 20]);
    // A sample flagged by two families counts once in flaggedAny.
    expect(many.flaggedAny).toBe(1);
    expect(many.flagged).toEqual({ trajectory: 0, influence: 1, embedding: 1, label: 0 });
  });

  it('a later sample tied with the last listed one does not displace it', () => {
    const out = summarizeScores(
      {
        suspicion: Float32Array.from([0.5, 0.9, 0.5, 0.5]),
        flags: flags({}, 4),
        labelIssue: new Uint8Array(4),
      },
      2,
    );
    expect([...out.top]).toEqual([1, 0]);
  });

  it('recombine accepts q = 1 and a zero weight, refuses NaN or infinite weights and q above 1', () => {
    const n = 12;
    const scores = Object.fromEntries(
      SCORE_NAMES.map((name, s) => [
        name,
        Float32Array.from({ length: n }, (_, i) => ((i * (s + 5)) % 11) / 11),
      ]),
    ) as never;
    const suspicion = defaultScoreParams().suspicion;
    const labelIssue = Uint8Array.from({ length: n }, (_, i) => (i < 4 ? 1 : 0));
    const stored = { samples: n, scores, labelIssue, labels: new Int32Array(n) };
    const all = recombine({
      ...stored,
      suspicion: { ...suspicion, q: 1 },
    });
    expect(all.summary.labelIssues).toBe(4);
    expect(all.suspicionParams).not.toBe(suspicion);
    const zero = recombine({
      ...stored,
      suspicion: { ...suspicion, weights: { ...suspicion.weights, influence: 0 } },
    });
    expect(zero.suspicionParams.weights.influence).toBe(0);
    // A score the analyst left out stays out of the recombined rule, in a copy of the list.
    const excluded: typeof suspicion.excluded = ['spectral'];
    const without = recombine({
      ...stored,
      suspicion: { ...suspicion, excluded },
    });
    expect(without.suspicionParams.excluded).toEqual(['spectral']);
    expect(without.suspicionParams.excluded).not.toBe(excluded);
    for (const q of [1.01, Number.NaN, -0.1]) {
      expect(() =>
        recombine({
          ...stored,
          suspicion: { ...suspicion, q },
        }),
      ).toThrow(`The flag budget q must be in (0, 1], got ${q}.`);
    }
    for (const w of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() =>
        recombine({
          ...stored,
          suspicion: { ...suspicion, weights: { ...suspicion.weights, embedding: w } },
        }),
      ).toThrow(`The embedding weight must be ≥ 0, got ${w}.`);
    }
  });
});
