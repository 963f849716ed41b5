/**
 * The label questions that order a label kind's rows (views.ts): which kinds and scores they apply to, the value
 * they give worked by hand, and, in a run built by hand, that a present flip kind ranks the rows its two questions
 * agree on above rows only training struggled with, although its canaries chose the trajectory score, and gives each
 * row the score it stands out under most.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse, NO_KIND } from './fuse';
import { asksLabel, LABEL_KINDS, labelViewValues } from './views';

describe('asksLabel', () => {
  it('holds for a label kind whose chosen score says a label is wrong, training trajectory and self-influence included', () => {
    expect(LABEL_KINDS).toEqual(['random-flip', 'pair-flip', 'near-duplicate']);
    for (const kind of LABEL_KINDS) {
      for (const best of ['aum', 'meanLoss', 'forgetting', 'cartography', 'selfInfluence'] as const)
        expect(asksLabel(kind, best)).toBe(true);
      for (const best of ['selfConfidence', 'normalizedMargin', 'knnDisagreement'] as const)
        expect(asksLabel(kind, best)).toBe(true);
    }
  });

  it('leaves other kinds, and label kinds chosen by a score that does not read the label, to their detector', () => {
    for (const kind of CANARY_KINDS.filter((k) => !LABEL_KINDS.includes(k))) {
      expect(asksLabel(kind, 'aum')).toBe(false);
      expect(asksLabel(kind, 'selfConfidence')).toBe(false);
    }
    for (const best of [
      'knnDistance',
      'mahalanobis',
      'spectral',
      'sharedValues',
      'activationClustering',
    ] as const) {
      expect(asksLabel('random-flip', best)).toBe(false);
    }
  });
});

describe('labelViewValues', () => {
  /** Four analyst rows and one appended row; every score not set is 0. */
  function features(given: Partial<Record<ScoreName, number[]>>): Float32Array[] {
    return SCORE_NAMES.map((s) => Float32Array.from(given[s] ?? [0, 0, 0, 0, 0]));
  }

  it("averages each question's scores, then the two questions, each as tail significance among the analyst rows", () => {
    // Worked by hand (M = 4 analyst rows, significance -ln((count of analyst rows at or above + 1) / 5)):
    // cross-validated mean [4, 2, 0, 0 | 4] -> [ln 5/2, ln 5/3, 0, 0 | ln 5/2]; k-NN [0, 1, 3, 0 | 3] as it is;
    // their mean [0.458, 0.755, 1.5, 0 | 1.958] -> [ln 5/4, ln 5/3, ln 5/2, 0 | ln 5].
    // A flat mean of the three scores would order rows 0 > 1 > 2 instead.
    const f = features({
      selfConfidence: [4, 4, 0, 0, 4],
      normalizedMargin: [4, 0, 0, 0, 4],
      knnDisagreement: [0, 1, 3, 0, 3],
      aum: [9, 0, 0, 9, 9],
      cartography: [0, 9, 0, 9, 0],
    });
    const out = Array.from(labelViewValues(f, 4));
    const expected = [Math.log(5 / 4), Math.log(5 / 3), Math.log(5 / 2), 0, Math.log(5)];
    expect(out.length).toBe(5);
    for (let i = 0; i < 5; i++) expect(out[i]).toBeCloseTo(expected[i] as number, 5);
  });

  it('asks images a third question, the pixel neighbours, as one more answer in the mean', () => {
    // The two answers as above: [ln 5/2, ln 5/3, 0, 0 | ln 5/2] and [0, 1, 3, 0 | 3]; pixels [0, 0, 0, 3 | 0].
    // Means [0.305, 0.504, 1, 1 | 1.305] -> [0, ln 5/4, ln 5/3, ln 5/3 | ln 5]: row 3 now ties row 2.
    const f = features({
      selfConfidence: [4, 4, 0, 0, 4],
      normalizedMargin: [4, 0, 0, 0, 4],
      knnDisagreement: [0, 1, 3, 0, 3],
    });
    const out = Array.from(labelViewValues(f, 4, Float32Array.from([0, 0, 0, 3, 0])));
    const expected = [0, Math.log(5 / 4), Math.log(5 / 3), Math.log(5 / 3), Math.log(5)];
    for (let i = 0; i < 5; i++) expect(out[i]).toBeCloseTo(expected[i] as number, 5);
  });

  it('does not read the training trajectory', () => {
    const base = { selfConfidence: [3, 1, 2, 0, 1], knnDisagreement: [0, 2, 1, 3, 2] };
    const a = labelViewValues(features(base), 4);
    const b = labelViewValues(features({ ...base, aum: [0, 5, 9, 1, 2], meanLoss: [7, 0, 0, 7, 7] }), 4);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

/**
 * 1,000 analyst rows and 40 random-flip canaries. Rows 0–19 (agreed) stand out under AUM, self-confidence and k-NN
 * label disagreement, rows 20–39 (struggled) only under AUM, higher than the agreed rows; clean rows spread evenly, so
 * no score has a clear tail and no clean row stands out under more than one. The canaries sit among the struggled rows
 * under AUM and mid-pack under the other two, so AUM detects them.
 */
function agreementRun(): FusionInput {
  const n = 1000;
  const total = n + 40;
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = new Float32Array(total);
  for (let i = 0; i < total; i++) scores.activationClustering[i] = i < n ? i : n - 1 - i;
  for (let i = 40; i < n; i++) {
    // Each clean row may stand out under one question (its i % 3) and sits in the lower part of the other two.
    const spread = (step: number, shift: number) => (((i - 40) * step + shift) % (n - 40)) / (n - 41);
    const high = (q: number) => (i % 3 === q ? 1 : 0.4);
    scores.aum[i] = -2 + 4.5 * high(0) * spread(1, 0);
    scores.selfConfidence[i] = 0.95 * high(1) * spread(7, 320);
    scores.knnDisagreement[i] = 0.95 * high(2) * spread(13, 640);
  }
  for (let i = 0; i < 20; i++) {
    scores.aum[i] = 2 + 0.02 * i;
    scores.selfConfidence[i] = 0.85 + 0.004 * i;
    scores.knnDisagreement[i] = 0.93 + 0.003 * i;
    scores.aum[20 + i] = 2.5 + 0.02 * i;
    scores.selfConfidence[20 + i] = 0.1;
    scores.knnDisagreement[20 + i] = 0.1;
  }
  for (let j = 0; j < 40; j++) {
    scores.aum[n + j] = 2.6 + 0.005 * j;
    scores.selfConfidence[n + j] = 0.5;
    scores.knnDisagreement[n + j] = 0.5;
  }
  return {
    scores,
    rows: n,
    kind: new Uint8Array(40).fill(CANARY_KINDS.indexOf('random-flip')),
    role: Uint8Array.from({ length: 40 }, (_, j) => (j < 20 ? CANARY_ROLE.fit : CANARY_ROLE.report)),
    backbone: new Float32Array(total),
  };
}

describe('a label kind ordered by its questions, worked by hand', () => {
  it('ranks the rows the label questions agree on above rows only training struggled with', () => {
    const out = fuse(agreementRun());
    const [flips] = out.model.detectors;
    expect(flips).toMatchObject({
      kind: 'random-flip',
      score: 'aum',
      scores: ['aum'],
      ranking: ['selfConfidence', 'normalizedMargin', 'knnDisagreement'],
    });
    expect(flips?.presentRows).toBeGreaterThanOrEqual(8);
    const agreed = Array.from({ length: 20 }, (_, i) => out.suspicion[i]);
    const struggled = Array.from({ length: 20 }, (_, i) => out.suspicion[20 + i]);
    expect(Math.min(...agreed)).toBeGreaterThan(Math.max(...struggled));
    // The kind's block holds agreed rows only. Each row's reason is the score it stands out under most, among the
    // detector's and the questions': k-NN disagreement, since fewer rows reach each agreed row's value there (0.93 +
    // 0.003 i) than under self-confidence (0.85 + 0.004 i) or AUM (2 + 0.02 i, below the struggled rows).
    const block = Array.from({ length: 1000 }, (_, i) => i).filter((i) => out.topKind[i] !== NO_KIND);
    expect(block.length).toBe(flips?.presentRows);
    expect(block.every((i) => i < 20)).toBe(true);
    expect(block.map((i) => SCORE_NAMES[out.topScore[i]])).toEqual(block.map(() => 'knnDisagreement'));
    // A struggled row, outside the block, is explained by AUM, the detector's score, which it stands out under.
    expect(SCORE_NAMES[out.topScore[39]]).toBe('aum');
    // Without pixels the agreed rows rank by their rising values: row 19 first.
    expect(out.suspicion[19]).toBeGreaterThan(out.suspicion[0] as number);
  });

  it('asks images the pixel question too: agreed rows whose nearest images carry another label rank first', () => {
    const run = agreementRun();
    // Rows 0-9 of the agreed rows, and no other row, have their nearest images in pixels of another label.
    const pixelNeighbours = Float32Array.from({ length: 1040 }, (_, i) => (i < 10 ? 0.9 : 0.1));
    const out = fuse({ ...run, pixelNeighbours });
    expect(out.model.detectors[0]?.ranking).toEqual([
      'selfConfidence',
      'normalizedMargin',
      'knnDisagreement',
      'pixelNeighbours',
    ]);
    const asked = Array.from({ length: 10 }, (_, i) => out.suspicion[i] as number);
    const rest = Array.from({ length: 10 }, (_, i) => out.suspicion[10 + i] as number);
    expect(Math.min(...asked)).toBeGreaterThan(Math.max(...rest));
  });
});
