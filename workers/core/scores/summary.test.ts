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
    const narrow = recombine({ samples: n, scores, labelIssue, suspicion });
    const wide = recombine({ samples: n, scores, labelIssue, suspicion: { ...suspicion, q: 0.5 } });
    expect(narrow.suspicionParams.q).toBe(0.1);
    expect(wide.summary.flaggedAny).toBeGreaterThan(narrow.summary.flaggedAny);
    expect(narrow.suspicion.length).toBe(n);
    expect(() => recombine({ samples: n, scores, labelIssue, suspicion: { ...suspicion, q: 0 } })).toThrow(
      /q/,
    );
    expect(() =>
      recombine({
        samples: n,
        scores,
        labelIssue,
        suspicion: { ...suspicion, weights: { ...suspicion.weights, label: -1 } },
      }),
    ).toThrow(/label weight/);
  });
});
