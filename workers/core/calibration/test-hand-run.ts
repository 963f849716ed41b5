import { CANARY_KINDS, CANARY_ROLE } from '../canary/types';
import { SCORE_NAMES, type ScoreName } from '../scores/types';
import type { FusionInput } from './fuse';

/**
 * The calibration run the fuse tests work by hand: 6 analyst rows (too few for a clear tail) and 4 outlier canaries
 * (2 fit, 2 report). Every score is 0 but the k-NN distance (analyst rows 1, 2, 3, 4, 8, 9; the canaries `canaries`)
 * and the activation cluster, one per row (no cluster of 3). Uncalibrated suspicion falls from 0.6 on row 0 to 0.1 on
 * row 5; the canaries' is 0.
 */
export function handRun(canaries: readonly [number, number, number, number]): FusionInput {
  const outlier = CANARY_KINDS.indexOf('outlier');
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) scores[s] = new Float32Array(10);
  scores.knnDistance.set([1, 2, 3, 4, 8, 9, ...canaries]);
  scores.activationClustering.set([0, 1, 2, 3, 4, 5, -1, -2, -3, -4]);
  return {
    scores,
    rows: 6,
    kind: new Uint8Array(4).fill(outlier),
    role: Uint8Array.from([CANARY_ROLE.fit, CANARY_ROLE.fit, CANARY_ROLE.report, CANARY_ROLE.report]),
    backbone: Float32Array.from([0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0, 0, 0, 0]),
  };
}
