import { describe, expect, it } from 'vitest';
import { labelIssues } from './label-issues';
import { mismatch, randomLabels, randomProbs } from './test-utils';

describe('labelIssues', () => {
  it('hand-made P̂: thresholds, flags and suggestions', () => {
    // Three classes, six samples. t0 = (0.9 + 0.3) / 2 = 0.6, t1 = (0.7 + 0.3) / 2 = 0.5, t2 = (0.8 + 0.05) / 2 = 0.425.
    const probs = Float32Array.from(
      [
        [0.9, 0.05, 0.05], // y=0: only 0 is confident → fine
        [0.3, 0.6, 0.1], // y=0: only 1 is confident (0.6 ≥ t1) → issue, suggest 1
        [0.2, 0.7, 0.1], // y=1: fine
        [0.1, 0.3, 0.6], // y=1: only 2 is confident (0.6 ≥ t2) → issue, suggest 2
        [0.1, 0.1, 0.8], // y=2: fine
        [0.65, 0.3, 0.05], // y=2: only 0 is confident (0.65 ≥ t0) → issue, suggest 0
      ].flat(),
    );
    const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const r = labelIssues(probs, labels, 3);
    expect(r.thresholds[0]).toBeCloseTo(0.6, 6);
    expect(r.thresholds[1]).toBeCloseTo(0.5, 6);
    expect(r.thresholds[2]).toBeCloseTo(0.425, 6);
    expect(Array.from(r.labelIssue)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(r.suggestedLabel)).toEqual([-1, 1, -1, 2, -1, 0]);
    expect(r.selfConfidence[1]).toBeCloseTo(0.7, 6);
    expect(r.normalizedMargin[1]).toBeCloseTo(0.6 - 0.3, 6);
    expect(r.normalizedMargin[0]).toBeCloseTo(0.05 - 0.9, 6);
  });

  it('keeps the given label when it is the most probable of the confident classes', () => {
    // y = 0 with p̂ = [0.55, 0.45]: both above threshold (t0 = 0.55, t1 = 0.45); the argmax is 0 → no issue.
    const r = labelIssues(Float32Array.from([0.55, 0.45, 0.55, 0.45]), Int32Array.from([0, 1]), 2);
    expect(Array.from(r.labelIssue)).toEqual([0, 1]);
    expect(Array.from(r.suggestedLabel)).toEqual([-1, 0]);
  });

  it('matches a plain reference on random P̂', () => {
    const n = 200;
    const c = 5;
    const probs = randomProbs(n, c, 5, 2);
    const labels = randomLabels(n, c, 6);
    const r = labelIssues(probs, labels, c);
    const t = Array.from({ length: c }, (_, j) => {
      const rows = Array.from(labels.keys()).filter((i) => labels[i] === j);
      return rows.reduce((s, i) => s + probs[i * c + j], 0) / rows.length;
    });
    expect(mismatch(r.thresholds, t)).toBe('');
    let issues = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(probs.subarray(i * c, i * c + c));
      const y = labels[i];
      const confident = row.map((p, k) => (p >= t[k] ? k : -1)).filter((k) => k >= 0);
      const best = confident.length ? confident.reduce((a, b) => (row[b] > row[a] ? b : a)) : -1;
      const issue = best >= 0 && best !== y;
      issues += issue ? 1 : 0;
      expect(r.labelIssue[i]).toBe(issue ? 1 : 0);
      expect(r.suggestedLabel[i]).toBe(issue ? best : -1);
      expect(r.selfConfidence[i]).toBeCloseTo(1 - row[y], 6);
      expect(r.normalizedMargin[i]).toBeCloseTo(Math.max(...row.filter((_, k) => k !== y)) - row[y], 6);
    }
    expect(issues).toBeGreaterThan(10);
  });
});

describe('labelIssues refusals and edges (issue 16, mutation testing)', () => {
  it('refuses probabilities that are not N × C and a label that is no class, naming the sample', () => {
    expect(() => labelIssues(new Float32Array(5), Int32Array.from([0, 1]), 3)).toThrow(
      'Expected N×C = 6 probabilities, got 5.',
    );
    expect(() => labelIssues(new Float32Array(6), Int32Array.from([0, 3]), 3)).toThrow(
      'Label 3 of sample 1 is not a class.',
    );
    expect(() => labelIssues(new Float32Array(6), Int32Array.from([-1, 0]), 3)).toThrow(
      'Label -1 of sample 0 is not a class.',
    );
  });

  it('a class nobody carries has no threshold and is never suggested, however probable', () => {
    // Class 2 unlabelled: t2 = NaN. Sample 1 (y = 0) puts 0.9 on class 2 and 0.1 on its own label (t0 = 0.5).
    const r = labelIssues(
      Float32Array.from([0.9, 0.05, 0.05, 0.1, 0, 0.9, 0.1, 0.8, 0.1]),
      Int32Array.from([0, 0, 1]),
      3,
    );
    expect(r.thresholds[0]).toBeCloseTo(0.5, 6);
    expect(r.thresholds[1]).toBeCloseTo(0.8, 6);
    expect(Number.isNaN(r.thresholds[2])).toBe(true);
    expect(Array.from(r.labelIssue)).toEqual([0, 0, 0]);
    expect(Array.from(r.suggestedLabel)).toEqual([-1, -1, -1]);
    // Its margin still counts the unlabelled class: 0.9 − 0.1.
    expect(r.normalizedMargin[1]).toBeCloseTo(0.8, 6);
  });

  it('a probability exactly at its class threshold is confident; ties between confident classes go to the lower', () => {
    // t0 = 0.5 (samples 0, 1), t1 = 0.5 (samples 2, 3). Sample 1 (y = 0): p = [0.2, 0.5]: class 1 at t1 exactly.
    // Samples 2 and 3 (y = 1): p = [0.5, 0.5]: both confident and tied: class 0 (lower) wins, an issue.
    const r = labelIssues(
      Float32Array.from([0.8, 0.2, 0.2, 0.5, 0.5, 0.5, 0.5, 0.5]),
      Int32Array.from([0, 0, 1, 1]),
      2,
    );
    expect(Array.from(r.suggestedLabel)).toEqual([-1, 1, 0, 0]);
    expect(Array.from(r.labelIssue)).toEqual([0, 1, 1, 1]);
  });
});
