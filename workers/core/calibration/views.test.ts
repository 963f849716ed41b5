/**
 * The label questions that order a label kind's rows (views.ts): which kinds and scores they apply to, and, in a run
 * built by hand, that a present flip kind ranks the rows its three questions agree on above rows only training
 * struggled with, although its canaries chose the trajectory score, and gives each row the question it stands out under.
 */
import { describe, expect, it } from 'vitest';
import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { type FusionInput, fuse, NO_KIND } from './fuse';
import { LABEL_KINDS, labelViewRanking } from './views';

const quality = (given: Partial<Record<ScoreName, number>>) => SCORE_NAMES.map((s) => given[s] ?? 0);

describe('labelViewRanking', () => {
  it('takes the best score of each question for a label kind whose chosen score asks one of them', () => {
    const q = quality({
      aum: 0.5,
      meanLoss: 0.7,
      cartography: 0.6,
      selfConfidence: 0.2,
      normalizedMargin: 0.3,
      knnDisagreement: 0.1,
      mahalanobis: 0.9,
    });
    expect(labelViewRanking('pair-flip', 'meanLoss', q)).toEqual([
      'meanLoss',
      'normalizedMargin',
      'knnDisagreement',
    ]);
    // The chosen score may answer any of the three questions.
    expect(labelViewRanking('random-flip', 'knnDisagreement', q)).toEqual([
      'meanLoss',
      'normalizedMargin',
      'knnDisagreement',
    ]);
    expect(labelViewRanking('near-duplicate', 'selfConfidence', q)).toEqual([
      'meanLoss',
      'normalizedMargin',
      'knnDisagreement',
    ]);
  });

  it('breaks ties by the order the scores are listed in', () => {
    expect(labelViewRanking('random-flip', 'aum', quality({}))).toEqual([
      'aum',
      'selfConfidence',
      'knnDisagreement',
    ]);
    const q = quality({ forgetting: 0.4, cartography: 0.4, normalizedMargin: 0.1 });
    expect(labelViewRanking('random-flip', 'forgetting', q)?.[0]).toBe('forgetting');
  });

  it('leaves other kinds, and label kinds chosen by a score outside the questions, to their detector', () => {
    const q = quality({ aum: 0.5, knnDistance: 0.9 });
    expect(LABEL_KINDS).toEqual(['random-flip', 'pair-flip', 'near-duplicate']);
    for (const kind of CANARY_KINDS.filter((k) => !LABEL_KINDS.includes(k))) {
      expect(labelViewRanking(kind, 'aum', q)).toBeNull();
    }
    for (const best of ['knnDistance', 'mahalanobis', 'selfInfluence', 'spectral'] as const) {
      expect(labelViewRanking('random-flip', best, q)).toBeNull();
    }
  });
});

/**
 * 1,000 analyst rows and 40 random-flip canaries. Rows 0–19 (agreed) stand out under all three questions, rows
 * 20–39 (struggled) only under AUM, higher than the agreed rows; clean rows spread evenly, so no score has a clear
 * tail and no clean row stands out under more than one. The canaries sit among the struggled rows under AUM and mid-pack under the other two, so AUM detects them.
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
  it('ranks the rows the three questions agree on above rows only training struggled with', () => {
    const out = fuse(agreementRun());
    const [flips] = out.model.detectors;
    expect(flips).toMatchObject({
      kind: 'random-flip',
      score: 'aum',
      scores: ['aum'],
      ranking: ['aum', 'selfConfidence', 'knnDisagreement'],
    });
    expect(flips?.presentRows).toBeGreaterThanOrEqual(8);
    const agreed = Array.from({ length: 20 }, (_, i) => out.suspicion[i]);
    const struggled = Array.from({ length: 20 }, (_, i) => out.suspicion[20 + i]);
    expect(Math.min(...agreed)).toBeGreaterThan(Math.max(...struggled));
    // The kind's block holds agreed rows only. Each row's reason is the question it stands out under most: k-NN
    // disagreement, since fewer rows reach each agreed row's value there (0.93 + 0.003 i) than under self-confidence
    // (0.85 + 0.004 i) or AUM (2 + 0.02 i, below the struggled rows).
    const block = Array.from({ length: 1000 }, (_, i) => i).filter((i) => out.topKind[i] !== NO_KIND);
    expect(block.length).toBe(flips?.presentRows);
    expect(block.every((i) => i < 20)).toBe(true);
    expect(block.map((i) => SCORE_NAMES[out.topScore[i]])).toEqual(block.map(() => 'knnDisagreement'));
    // A struggled row, outside the block, is explained by AUM, the question it stands out under.
    expect(SCORE_NAMES[out.topScore[39]]).toBe('aum');
  });
});
