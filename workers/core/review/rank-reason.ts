/**
 * Why a row sits where it does in the ranking, in one sentence the detail panel shows above "Why flagged". A row can
 * rank near the top while no family flags it: the calibration on canaries ranks the rows that look like a kind of
 * poison it found present above the rest, and lifts clusters and groups that the families' flags do not mark (on the
 * image demo, the rows ranked second, fifteenth and sixteenth carried no family's flag, and the panel said only "no
 * family flags it"). The score set records, per row, the score that weighed most in its suspicion and the canary kind
 * whose detector placed it (ScoreSet.explanation); this sentence says both, with the numbers the score table beside
 * it shows.
 */
import { CANARY_KIND_TEXT, type CanaryKind } from '../canary/types';
import type { ScoreName } from '../scores/types';
import { SCORE_GLOSSARY } from './glossary';
import { higherThan, num } from './why';

/** The row's numbers the sentence reads; shares are percentile ranks among the scored rows, 0..1. */
export interface RankInput {
  suspicion: number;
  suspicionShare: number;
  /** The score that weighed most (ScoreSet.explanation.score), its value and share. */
  score: ScoreName;
  scoreValue: number;
  scoreShare: number;
  /** The canary kind whose detector placed the row (ScoreSet.explanation.kind); null where none did. */
  kind: CanaryKind | null;
}

/**
 * "Its suspicion, 0.969, is higher than 99.5% of rows. The calibration on canaries ranks it among the rows that its
 * detector for patch triggers finds present. What weighs most in it: Shared rare values, 232, higher than 99.5% of
 * rows." Null when the suspicion is not a number.
 */
export function rankReason(input: RankInput): string | null {
  if (!Number.isFinite(input.suspicion)) return null;
  const { score, kind } = input;
  const parts = [`Its suspicion, ${num(input.suspicion)}, is ${higherThan(input.suspicionShare)}.`];
  if (kind)
    parts.push(
      `The calibration on canaries ranks it among the rows that its detector for ${CANARY_KIND_TEXT[kind]} ` +
        'finds present.',
    );
  const value = Number.isFinite(input.scoreValue)
    ? `, ${num(input.scoreValue)}, ${higherThan(input.scoreShare)}`
    : '';
  parts.push(`What weighs most in it: ${SCORE_GLOSSARY[score].name}${value}.`);
  return parts.join(' ');
}
