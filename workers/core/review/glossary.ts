/**
 * The one place that says what every score, family and review term means, in words an analyst reads on hover.
 * Each entry names the score as people write it and explains it in one or two sentences, with the direction
 * (every score is oriented so that higher is more suspicious) and the paper it comes from.
 */
import type { FamilyName, ScoreName } from '../scores/types';

export interface GlossaryEntry {
  /** The name as an analyst reads it. */
  name: string;
  /** What it measures and why a high value is suspicious. */
  text: string;
}

export const SCORE_GLOSSARY: Readonly<Record<ScoreName | 'suspicion', GlossaryEntry>> = {
  suspicion: {
    name: 'Suspicion',
    text: 'The combined score the table is sorted by, from 0 to 1. Calibrated on canaries (the default): rows that look like a kind of poison the calibration found present, and groups that one score sets clearly apart, rank first; then the rest by the label questions when a kind of wrong label was found, else by the larger of their uncalibrated suspicion and those kinds’ scores. Uncalibrated: the highest weighted family value of the row (the families below).',
  },
  aum: {
    name: 'AUM (area under the margin)',
    text: 'Minus the mean margin over the epochs, where the margin is the logit of the given label minus the largest other logit. High when the model kept preferring another label (Pleiss et al. 2020).',
  },
  meanLoss: {
    name: 'Mean loss',
    text: 'The cross-entropy loss of the given label, averaged over the epochs. High when the model never fitted the label.',
  },
  forgetting: {
    name: 'Forgetting events',
    text: 'How often the row went from predicted right to predicted wrong between two epochs; a row never learned counts as the number of epochs (Toneva et al. 2019).',
  },
  cartography: {
    name: 'Cartography (1 − confidence)',
    text: 'One minus the mean probability of the given label over the epochs. The cartography map plots that confidence against its variability (Swayamdipta et al. 2020).',
  },
  selfInfluence: {
    name: 'Self-influence (TracIn)',
    text: 'How much the row’s own gradient steps moved its loss, summed over the checkpoints on the last layer. High when fitting it took large, unusual steps (Pruthi et al. 2020).',
  },
  knnDistance: {
    name: 'kNN distance',
    text: 'The mean distance from the row to its nearest neighbours in the model’s embedding. High for a row far from every other row.',
  },
  knnDisagreement: {
    name: 'kNN label disagreement',
    text: 'The share of the row’s nearest neighbours in the embedding whose label differs from its own (Peri et al. 2020).',
  },
  spectral: {
    name: 'Spectral signature',
    text: 'How far the row lies along its class’s main direction of spread in the embedding; a backdoor stretches its class along one direction (Tran et al. 2018).',
  },
  activationClustering: {
    name: 'Activation clustering',
    text: 'Each class’s embeddings are split in two clusters; rows of a cluster holding under 35% of the class score by how separate it is (silhouette), the rest score 0 (Chen et al. 2018).',
  },
  mahalanobis: {
    name: 'Mahalanobis distance',
    text: 'The distance from the row to its class’s centre in the embedding, under the class’s shrinkage covariance (Lee et al. 2018).',
  },
  selfConfidence: {
    name: 'Self-confidence',
    text: 'One minus the probability a cross-validated model (never trained on the row) gives the row’s label (Northcutt et al. 2021).',
  },
  normalizedMargin: {
    name: 'Normalised margin',
    text: 'The cross-validated probability of the most likely other label minus that of the given label, from −1 to 1.',
  },
  sharedValues: {
    name: 'Shared rare values',
    text: 'Read from the row’s feature values, not the model: for each column where the row holds a value that at least 3 rows share while the values next to it are each held by far fewer, the log of how many times more rows share it; summed over the columns. A trigger planted by setting a few features to one fixed value makes every poisoned row share it. When such values in several columns mark the same rows, nine in ten of them carry one label, and their other features point to another label, those rows score the highest sum more, so they rank first: a stamped trigger such as a pixel patch.',
  },
};

export const FAMILY_GLOSSARY: Readonly<Record<FamilyName, GlossaryEntry>> = {
  trajectory: {
    name: 'Loss trajectory',
    text: 'How the row behaved while the model trained: AUM, mean loss, forgetting events and cartography.',
  },
  influence: {
    name: 'Influence',
    text: 'How much the row pulled on the model while it trained: its TracIn self-influence.',
  },
  embedding: {
    name: 'Embedding outliers',
    text: 'Where the row sits in the model’s embedding: kNN distance, spectral signature, activation clustering and Mahalanobis distance; and, read from the feature values themselves, shared rare values.',
  },
  label: {
    name: 'Label issues',
    text: 'Whether the row’s label agrees with a cross-validated model and with its neighbours: self-confidence, normalised margin and kNN label disagreement.',
  },
};

/** Terms the review uses besides the scores. */
export const TERM_GLOSSARY = {
  percentile: {
    name: 'Percentile',
    text: 'The share of scored rows with a lower value; 99% means higher than 99 rows in 100.',
  },
  bulk: {
    name: 'Bulk',
    text: 'The median value of the score over the scored rows. A family never flags a row whose value is at or below its median.',
  },
  familyValue: {
    name: 'Family value',
    text: 'The family’s members combined into one number from 0 to 1 for the row; suspicion is the largest weighted family value.',
  },
  threshold: {
    name: 'Flag threshold',
    text: 'The lowest family value the family flags in this score set; rows at or above it (and above the bulk) are flagged.',
  },
  classPercentile: {
    name: 'Percentile in class',
    text: 'The share of rows with the same label whose value of this feature is lower, ties counted half: 50% is the class median.',
  },
  deviation: {
    name: 'Deviation',
    text: 'The row’s value minus its class’s mean, in standard deviations of the class.',
  },
  share: {
    name: 'Share of distance',
    text: 'The feature’s part of the row’s Mahalanobis distance to its class (features scaled by the class’s deviation, Ledoit–Wolf shrinkage). Shares sum to 100%; a negative share pulls the row back toward its class.',
  },
  variability: {
    name: 'Variability',
    text: 'The standard deviation of the probability of the given label over the epochs (cartography’s x axis).',
  },
  confidence: {
    name: 'Confidence',
    text: 'The mean probability of the given label over the epochs (cartography’s y axis).',
  },
} as const satisfies Record<string, GlossaryEntry>;
