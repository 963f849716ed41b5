import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { auroc } from './auroc';

describe('auroc', () => {
  it('hand cases, ties counting one half', () => {
    // Positives 2, 3 against negatives 1, 2: (1 + 0.5 + 1 + 1) / 4.
    expect(auroc([1, 2, 2, 3], [0, 1, 0, 1])).toBe(0.875);
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    expect(auroc([5, 5, 5, 5], [1, 0, 1, 0])).toBe(0.5);
    expect(auroc([1, 2], [0, 0])).toBeNaN();
    expect(auroc([1, 2], [1, 1])).toBeNaN();
  });

  it('ranks NaN scores lowest, and refuses truth of another length', () => {
    expect(auroc([Number.NaN, 0, -5], [0, 1, 1])).toBe(1);
    expect(() => auroc([1, 2], [1])).toThrow(new RangeError('auroc: 2 scores but 1 truth values.'));
  });

  it('matches the pairwise definition on random scores with ties', () => {
    const rng = createRng(9);
    const n = 400;
    const s = Float32Array.from({ length: n }, () => Math.floor(rng.next() * 20));
    const t = Uint8Array.from({ length: n }, (_, i) => (rng.next() < 0.2 + s[i] / 40 ? 1 : 0));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      if (!t[i]) continue;
      for (let j = 0; j < n; j++) {
        if (t[j]) continue;
        pairs++;
        wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
      }
    }
    expect(auroc(s, t)).toBeCloseTo(wins / pairs, 12);
  });
});
