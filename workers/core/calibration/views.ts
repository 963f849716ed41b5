/**
 * How a kind that plants wrong labels orders its rows (issue 10). Canaries choose which score detects a kind, but
 * flipped canaries stand out more under the training-trajectory scores than real flips do and less under the
 * cross-validated ones (on fashion_flip, median rank among 6,000 rows 191 against 418 under cartography, 378 against
 * 265 under self-confidence), so the canaries' choice of score is biased towards the trajectory. The rows of such a
 * kind are therefore ordered by the two questions that are asked of a label without fitting the row itself: does a
 * model that never saw it disagree (the cross-validated scores), and do its neighbours in the embedding carry another
 * label (k-NN label disagreement). Each question's answer is the mean tail significance of its scores, not the one
 * the canaries reach best with: on ho_fashion14_flip5 (seed 2) they chose normalised margin, which finds the real
 * flips at AP 0.62 where self-confidence reaches 0.80. The canaries' detector still decides whether the kind is
 * present and how many rows it holds. Measured on bench/detect's dumped runs (docs/heldout.md). Images are asked a
 * third question, whether the images nearest in pixels carry another label (pixel-neighbours.ts).
 */
import type { CanaryKind } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import { meanSignificance } from './tails';

/** The kinds that plant wrong labels on rows of another class. */
export const LABEL_KINDS: readonly CanaryKind[] = ['random-flip', 'pair-flip', 'near-duplicate'];

/**
 * The scores that say a row's label is wrong: training struggled to fit it (its loss, margin, forgetting, cartography,
 * or its own loss gradient, self-influence), or one of the two questions below.
 */
const LABEL_SCORES: readonly ScoreName[] = [
  'aum',
  'meanLoss',
  'forgetting',
  'cartography',
  'selfInfluence',
  'selfConfidence',
  'normalizedMargin',
  'knnDisagreement',
];

/** The two questions asked of a row's label without fitting the row, each answered by one or more scores. */
export const LABEL_VIEWS: readonly (readonly ScoreName[])[] = [
  ['selfConfidence', 'normalizedMargin'],
  ['knnDisagreement'],
];

/** Whether a score says a row's label is wrong (LABEL_SCORES). */
export function saysLabelWrong(score: ScoreName): boolean {
  return LABEL_SCORES.includes(score);
}

/** Whether a kind's rows are ordered by the label questions: a label kind whose chosen score says a label is wrong. */
export function asksLabel(kind: CanaryKind, best: ScoreName): boolean {
  return LABEL_KINDS.includes(kind) && saysLabelWrong(best);
}

/** The name the fused model gives the third question, asked of images (pixel-neighbours.ts), in a kind's `ranking`. */
export const PIXEL_QUESTION = 'pixelNeighbours' as const;

/**
 * The value that orders a label kind's rows: the mean tail significance, over the questions, of each question's
 * mean. `features` holds every score's tail significance, indexed like SCORE_NAMES; `rows` analyst rows come first.
 * `pixels`, the tail significance of the images' pixel-neighbour disagreement, is the third question when given.
 */
export function labelViewValues(
  features: readonly Float32Array[],
  rows: number,
  pixels?: Float32Array,
): Float32Array {
  const answer = (view: readonly ScoreName[]) =>
    meanSignificance(
      view.map((s) => features[SCORE_NAMES.indexOf(s)] as Float32Array),
      rows,
    );
  const answers = LABEL_VIEWS.map(answer);
  return meanSignificance(pixels ? [...answers, pixels] : answers, rows);
}
