/**
 * The contract of per-sample scoring (DESIGN §3): what `scoreAll` returns and what the app and the headless scan
 * store and export. Every score is a Float32Array(N) over the training samples of a run (the order of
 * `TrainingDynamics.sampleRows`), oriented higher = more suspicious, stored with the parameters that produced it.
 */
import type { ClearTailParams } from './clear-tail';

/** Every per-sample score Sift computes, by stable name (used as column names in `scores.csv`). */
export const SCORE_NAMES = [
  'aum',
  'meanLoss',
  'forgetting',
  'cartography',
  'selfInfluence',
  'knnDistance',
  'knnDisagreement',
  'spectral',
  'activationClustering',
  'mahalanobis',
  'selfConfidence',
  'normalizedMargin',
  'sharedValues',
] as const;
export type ScoreName = (typeof SCORE_NAMES)[number];

/** The score families that suspicion combines. */
export const FAMILY_NAMES = ['trajectory', 'influence', 'embedding', 'label'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

/**
 * Which family each score belongs to (DESIGN §3), with one change: kNN label disagreement (Peri et al. 2020) asks
 * whether a sample's label agrees with its neighbours', the same question the confident-learning scores ask of the
 * cross-validated model, so it joins the label family. Kept with the outlier scores, it diluted their consensus on
 * backdoors and outliers (detection.test.ts; the AUROC table is in that file's header).
 */
export const SCORE_FAMILY: Readonly<Record<ScoreName, FamilyName>> = {
  aum: 'trajectory',
  meanLoss: 'trajectory',
  forgetting: 'trajectory',
  cartography: 'trajectory',
  selfInfluence: 'influence',
  knnDistance: 'embedding',
  knnDisagreement: 'label',
  spectral: 'embedding',
  activationClustering: 'embedding',
  mahalanobis: 'embedding',
  selfConfidence: 'label',
  normalizedMargin: 'label',
  sharedValues: 'embedding',
};

/**
 * Scores the uncalibrated rule checks for a clear tail (clear-tail.ts): the continuous ones, shared values among them
 * (its tail counts only when its rows mostly carry one label: scoreTail in suspicion.ts). The label scores already
 * sit on a probability scale where only a confident contradiction reaches 1; forgetting, kNN disagreement and activation
 * clustering take few distinct values, where a gap says nothing.
 */
export const CLEAR_TAIL_SCORES: readonly ScoreName[] = [
  'aum',
  'meanLoss',
  'selfInfluence',
  'knnDistance',
  'spectral',
  'mahalanobis',
  'sharedValues',
];

/**
 * Scores whose clear tail is read on their own scale, not on a log scale: shared values is already a sum of
 * logarithms (ln(count / neighbours) per column), and its values spread over orders of magnitude near 0, where a log
 * scale widens the interquartile range until no gap counts (measured on bench/detect's dumped runs; docs/heldout.md).
 */
export const LOG_VALUED_SCORES: readonly ScoreName[] = ['sharedValues'];

/** Exact or approximate (IVF) kNN; `auto` is exact up to `approximateAbove` samples. */
export type KnnMode = 'auto' | 'exact' | 'ivf';

export interface KnnParams {
  /** Neighbours per sample, self excluded (default 10). */
  k: number;
  /** L2-normalise embeddings before the search (cosine geometry). */
  normalize: boolean;
  mode: KnnMode;
  /** `auto` switches to the IVF approximation above this many samples (default 10,000: `approximateAbove` in defaults.ts). */
  approximateAbove: number;
  /** IVF: number of coarse cells; 0 = round(sqrt(N)). */
  nlist: number;
  /** IVF: cells searched per point, its nprobe nearest (default 8; recall 0.975 at 160k, 0.958 at 16k). */
  nprobe: number;
}

export interface SpectralParams {
  /** Power-iteration steps (default 100). */
  iterations: number;
  /**
   * Divide each class's scores by the variance of that class along its top direction, so classes of different
   * spread rank alike. Default false (the DESIGN formula): poison inflates its own class's variance along v, so
   * normalising shrinks exactly the scores it should raise (digits_backdoor3 AUROC 0.986 raw, 0.937 normalised).
   */
  normalize: boolean;
}

export interface ActivationClusteringParams {
  /** PCA dimensions before 2-means (default 10, Chen et al. 2018). */
  dims: number;
  /** A cluster holding less than this fraction of its class is suspect (default 0.35). */
  minorityFraction: number;
  /** Seeded k-means++ restarts; the lowest-inertia one is kept (default 4). */
  restarts: number;
  /** Lloyd iterations per restart (default 50). */
  iterations: number;
}

export interface MahalanobisParams {
  /** `tied`: one covariance pooled over classes (Lee et al. 2018); `per-class`: one per class. */
  covariance: 'tied' | 'per-class';
  /** 'ledoit-wolf' (Ledoit & Wolf 2004) or a fixed shrinkage α in [0, 1] toward (tr S / d)·I. */
  shrinkage: 'ledoit-wolf' | number;
}

/**
 * How a family's member ranks become one family value. `mean`: the mean of the member ranks, kept as is, so a
 * family speaks up only when its members agree (the mean of several weakly related ranks rarely nears 1 by
 * chance). `max`: the largest member rank, ranked again within the run (a max of k ranks is not uniform).
 */
export type FamilyReduce = 'max' | 'mean';

/**
 * How family ranks become one suspicion value. `weighted-max`: max_f w_f·R_f. `top-mean`: mean of the `top`
 * largest w_f·R_f. `weighted-mean`: Σ w_f R_f / Σ w_f.
 */
export type CombineRule = 'weighted-max' | 'top-mean' | 'weighted-mean';

/**
 * The scale of the label family's value. `rank`: its members' percentile ranks, like every other family. `probability`:
 * its members on their own [0, 1] scales (see PROBABILITY_SCALE in suspicion.ts), reduced by `familyReduce` without
 * ranking again: the out-of-fold probabilities and the neighbours' label agreement mean the same on every dataset,
 * so 1 is a confident contradiction of the label whatever the rest of the run looks like, where ranks always lift
 * the run's hardest clean samples to ~1.
 */
export type LabelScale = 'rank' | 'probability';

export interface SuspicionParams {
  familyReduce: FamilyReduce;
  /** Absent in score sets stored before it existed: those mean `rank`. */
  labelScale?: LabelScale;
  rule: CombineRule;
  /** `top-mean`: how many of the largest weighted family ranks are averaged. */
  top: number;
  /** Family weights, ≥ 0; a family with weight 0 is left out of suspicion (it still gets ranks and flags). */
  weights: Record<FamilyName, number>;
  /** Score names left out of their family's value (they are still computed and stored). */
  excluded: ScoreName[];
  /**
   * Flag budget: a family flags the top q fraction of samples (default 0.05), never a sample whose family value is
   * the bulk's (at or below the family's median).
   */
  q: number;
  /** The clear-tail rule (clear-tail.ts); absent or null in sets stored before it existed: no lift. */
  clearTail?: ClearTailParams | null;
}

/** Every parameter that shapes a score set; stored with it and written into the manifest. */
export interface ScoreParams {
  seed: number;
  knn: KnnParams;
  spectral: SpectralParams;
  activationClustering: ActivationClusteringParams;
  mahalanobis: MahalanobisParams;
  suspicion: SuspicionParams;
}

/** Where the label-issue family's probabilities came from. */
export type LabelSource = 'cross-validated' | 'in-sample';

/**
 * A lifted group of shared values (spike-groups.ts): rows that hold the same values together in several columns, nine
 * in ten of one label, whose nearest rows outside the group (those columns left out) mostly carry another label.
 */
export interface SharedValueGroup {
  /** The group's samples (positions in the score set), ascending. */
  rows: number[];
  /** The columns (feature indices) whose shared values make the group, ascending. */
  columns: number[];
  /** The label most of its rows carry, and how many do. */
  label: number;
  labelled: number;
  /** Rows checked against their nearest rows outside the group, and how many of those the neighbours' label matched. */
  checked: number;
  explained: number;
}

/** The result of `scoreAll`: one entry per training sample in every array. */
export interface ScoreSet {
  format: 'sift-scores/1';
  /** N. */
  samples: number;
  /** Every score, higher = more suspicious. */
  scores: Record<ScoreName, Float32Array>;
  /** Family value of each sample in [0, 1] (see FamilyReduce and LabelScale): what suspicion combines. */
  families: Record<FamilyName, Float32Array>;
  /** Combined suspicion in [0, 1]; the review table sorts by it. */
  suspicion: Float32Array;
  /** 1 where the sample's family value lies in that family's top q. */
  flags: Record<FamilyName, Uint8Array>;
  /** 1 where confident learning marks the sample a label issue. */
  labelIssue: Uint8Array;
  /** The confident-learning label for a label issue, -1 elsewhere. */
  suggestedLabel: Int32Array;
  /** Per-class confident-learning thresholds t_j (length C). */
  labelThresholds: Float32Array;
  /** The dataset-cartography map axes (Swayamdipta et al. 2020): mean and std over epochs of p_e. */
  cartography: { confidence: Float32Array; variability: Float32Array };
  labelSource: LabelSource;
  /** True when kNN ran through the IVF approximation. */
  knnApproximate: boolean;
  /** The covariance shrinkage α the Mahalanobis score used: one value (tied) or one per class (NaN: no samples). */
  mahalanobisShrinkage: number[];
  params: ScoreParams;
  /** Milliseconds spent per stage, for benchmarks. */
  timings: Record<string, number>;
  /**
   * Why each sample sits where it does (absent in sets stored before it existed): `score` indexes SCORE_NAMES (the
   * score that weighed most in its suspicion), `kind` indexes CANARY_KINDS (the canary kind whose detector set a
   * calibrated value) or is 255 where the uncalibrated rule did.
   */
  explanation?: { score: Uint8Array; kind: Uint8Array };
  /** The lifted groups of shared values, largest first (absent in sets stored before they existed). */
  groups?: SharedValueGroup[];
  /**
   * Images scored with calibration: per sample, the share of its k nearest images in pixels with another label, the
   * label kinds' third question (calibration/pixel-neighbours.ts). Absent for tables and uncalibrated sets.
   */
  pixelNeighbours?: Float32Array;
}

/** Progress of a scoring job: `done` of `total` stages, the current stage named. */
export interface ScoreProgress {
  stage: string;
  done: number;
  total: number;
}
