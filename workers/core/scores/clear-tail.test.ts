/**
 * The uncalibrated rule's clear tail, on synthetic score distributions: a group set apart from the bulk reaches the top
 * of the suspicion whatever the other scores say; a smooth heavy tail, a handful of stragglers or a tied bulk does not
 * count as one; and a family never flags a sample at its bulk value.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { clearTail, DEFAULT_CLEAR_TAIL } from './clear-tail';
import { DEFAULT_SUSPICION } from './defaults';
import { bulkAwareFlags, CLEAR_TAIL_FLOOR, suspicionFromScores } from './suspicion';
import { gaussian } from './test-utils';
import { SCORE_NAMES, type ScoreName } from './types';

const N = 2000;

/** Every score drawn at random: positive scores log-normal, label probabilities in [0, 0.6], the rest Gaussian. */
function randomScores(seed: number): Record<ScoreName, Float32Array> {
  const rng = createRng(seed);
  const out = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) {
    out[s] = Float32Array.from({ length: N }, () => {
      const z = gaussian(rng);
      if (s === 'aum') return z;
      if (s === 'selfConfidence' || s === 'knnDisagreement') return 0.6 * rng.next();
      if (s === 'normalizedMargin') return -0.5 + 0.6 * rng.next();
      if (s === 'forgetting') return rng.next() < 0.9 ? 0 : 1 + rng.int(3);
      if (s === 'activationClustering') return rng.next() < 0.8 ? 0 : 0.3 * rng.next();
      return Math.exp(0.4 * z);
    });
  }
  return out;
}

function topIndices(values: Float32Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

describe('clear tail', () => {
  it('finds a group set apart from a Gaussian bulk, and only it', () => {
    const rng = createRng(1);
    const values = Float32Array.from({ length: N }, () => gaussian(rng));
    const group = Array.from({ length: 40 }, (_, k) => 25 * k + 3);
    for (const i of group) values[i] = 8 + 0.3 * gaussian(rng);
    const tail = clearTail(values);
    expect(tail && Array.from(tail.rows)).toEqual(group);
    expect(tail?.gap ?? 0).toBeGreaterThan(DEFAULT_CLEAR_TAIL.gap);
  });

  it('sees no tail in a smooth heavy tail, a few stragglers or a tied bulk', () => {
    const rng = createRng(2);
    // Log-normal: the upper tail thins out gradually, its largest gaps among the stragglers above minGroup.
    expect(clearTail(Float32Array.from({ length: N }, () => Math.exp(gaussian(rng))))).toBeNull();
    const few = Float32Array.from({ length: N }, () => gaussian(rng));
    few[5] = 40;
    few[9] = 60;
    expect(clearTail(few)).toBeNull();
    // Forgetting-like: 90% zeros, so no interquartile range to measure a gap in.
    expect(clearTail(Float32Array.from({ length: N }, (_, i) => (i % 10 === 0 ? 5 : 0)))).toBeNull();
  });

  it('lifts a clear tail of one score to the top of the suspicion, above what the other scores say', () => {
    const scores = randomScores(3);
    const rng = createRng(4);
    const group = Array.from({ length: 30 }, (_, k) => 61 * k + 7);
    for (const i of group) scores.knnDistance[i] = 30 + rng.next();
    // Without the rule, the other scores' combination buries the group.
    const plain = suspicionFromScores(scores, N, { ...DEFAULT_SUSPICION, clearTail: null });
    expect(topIndices(plain.suspicion, 30)).not.toEqual(group);
    const out = suspicionFromScores(scores, N, DEFAULT_SUSPICION);
    expect(topIndices(out.suspicion, 30)).toEqual(group);
    for (const i of group) {
      expect(out.suspicion[i]).toBeGreaterThanOrEqual(CLEAR_TAIL_FLOOR);
      expect(SCORE_NAMES[out.topScore[i]]).toBe('knnDistance');
    }
    expect(Math.max(...out.suspicion)).toBeLessThanOrEqual(1);
  });

  it('leaves the suspicion as it was when no score has a clear tail', () => {
    const scores = randomScores(5);
    const a = suspicionFromScores(scores, N, DEFAULT_SUSPICION);
    const b = suspicionFromScores(scores, N, { ...DEFAULT_SUSPICION, clearTail: null });
    expect(Array.from(a.suspicion)).toEqual(Array.from(b.suspicion));
  });

  it('never flags a sample at the bulk value, whatever the budget', () => {
    // 95% of samples share the value 0 (forgetting on most rows): none of them is flagged, even with q = 50%.
    const values = Float32Array.from({ length: 1000 }, (_, i) => (i < 950 ? 0 : 1 + (i % 3)));
    const flags = bulkAwareFlags(values, 0.5);
    expect(flags.slice(0, 950).every((f) => f === 0)).toBe(true);
    expect(flags.slice(950).every((f) => f === 1)).toBe(true);
    // A continuous family: exactly the top q, all above the median.
    const cont = Float32Array.from({ length: 1000 }, (_, i) => i);
    expect(bulkAwareFlags(cont, 0.05).reduce((s, f) => s + f, 0)).toBe(50);
  });
});
