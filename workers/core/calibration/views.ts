/**
 * How a kind that plants wrong labels orders its rows (issue 10). Sift asks three different questions of a row's
 * label: did training struggle to fit it (the trajectory scores), does a model that never saw it disagree (the
 * cross-validated scores), and do its neighbours in the embedding carry another label (k-NN label disagreement).
 * Canaries choose which scores detect a kind, but flipped canaries stand out more under the trajectory scores than
 * real flips do and less under the cross-validated ones (on fashion_flip, median rank among 6,000 rows 191 against
 * 418 under cartography, 378 against 265 under self-confidence), so the canaries' choice of score is biased. The rows
 * of such a kind are therefore ordered by the mean tail significance of the best score of each question (best by
 * canary reach), so that a row ranks high when the three agree; the canaries' own choice still
 * decides whether the kind is present and how many rows it holds. Measured on bench/detect's dumped runs (README).
 */
import type { CanaryKind } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';

/** The kinds that plant wrong labels on rows of another class. */
export const LABEL_KINDS: readonly CanaryKind[] = ['random-flip', 'pair-flip', 'near-duplicate'];

/** The three questions asked of a row's label, each answered by one or more scores. */
export const LABEL_VIEWS: readonly (readonly ScoreName[])[] = [
  ['aum', 'meanLoss', 'forgetting', 'cartography'],
  ['selfConfidence', 'normalizedMargin'],
  ['knnDisagreement'],
];

/**
 * The scores that order a kind's rows: for a label kind whose chosen score answers one of the label questions, the
 * score of each question with the highest `quality` (ties: the first listed); otherwise null (the kind's detector
 * orders them). `quality` is indexed like SCORE_NAMES.
 */
export function labelViewRanking(
  kind: CanaryKind,
  best: ScoreName,
  quality: readonly number[],
): ScoreName[] | null {
  if (!LABEL_KINDS.includes(kind) || !LABEL_VIEWS.some((v) => v.includes(best))) return null;
  const of = (s: ScoreName) => quality[SCORE_NAMES.indexOf(s)] ?? Number.NEGATIVE_INFINITY;
  return LABEL_VIEWS.map((view) => view.reduce((a, s) => (of(s) > of(a) ? s : a)));
}
