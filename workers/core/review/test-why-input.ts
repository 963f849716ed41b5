/** The row the why-flagged tests start from: class 1 of three, no scores, every family at 0.3 and not flagged. */
import { FAMILY_NAMES, type FamilyName } from '../scores/types';
import type { FamilyThreshold } from './family-flags';
import type { WhyInput } from './why';

/** Threshold 0.9 over a bulk (median) of 0.5, ten rows flagged. */
export const threshold: FamilyThreshold = {
  threshold: 0.9,
  source: 'lowest flagged value',
  bulk: 0.5,
  flagged: 10,
};

export function whyInput(patch: Partial<WhyInput>): WhyInput {
  return {
    classes: ['0', '1', '7'],
    label: 1,
    suggested: -1,
    inTraining: true,
    epochs: null,
    scores: {},
    percentiles: {},
    neighbours: [],
    shared: [],
    group: null,
    pixelNeighbours: null,
    cluster: null,
    families: Object.fromEntries(
      FAMILY_NAMES.map((f) => [f, { value: 0.3, flagged: false }]),
    ) as WhyInput['families'],
    thresholds: Object.fromEntries(FAMILY_NAMES.map((f) => [f, threshold])) as Record<
      FamilyName,
      FamilyThreshold
    >,
    ...patch,
  };
}
