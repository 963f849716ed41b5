/**
 * The calibration's plain, serialisable results (issue 10): the fused model learned from canaries, how well each
 * score, family, learned detector and the fused suspicion find each kind of canary, the estimate of how many rows are
 * poisoned, and the sentence an analyst reads. Everything here is JSON-safe (numbers, strings, arrays, records), so
 * the app can store and show it and the manifest can record it.
 */
import type { CanaryKind, CanaryOptions, CanaryPlan } from '../canary/types';
import type { FamilyName, ScoreName } from '../scores/types';
import type { PIXEL_QUESTION } from './views';

/** How well one ranking finds one kind of canary (the reporting draw) among the analyst's rows. */
export interface DetectionMetrics {
  /** Canaries measured. */
  canaries: number;
  /** Share of the canaries found when the top 1% of the analyst's rows is flagged. */
  recallAt1: number;
  /** The same at 5%. */
  recallAt5: number;
  /** AUROC of canaries against the analyst's rows. */
  auroc: number;
  /** Average precision of canaries against the analyst's rows. */
  ap: number;
}

/** The detector of one kind, as stored in the fused model. */
export interface KindDetector {
  kind: CanaryKind;
  /** The score with the highest reach on this kind's canaries (both draws) among the analyst's rows (fuse.canaryReach). */
  score: ScoreName;
  /** Its average precision on them (canaries against the analyst's rows; real poison ranked above them lowers it). */
  canaryPrecision: number;
  /** Every score whose reach lies within `ensemble` of its: the detector is their mean tail significance. */
  scores: ScoreName[];
  /**
   * The scores that order the kind's rows (its `presentRows` top rows and the rest): for a kind that plants wrong
   * labels, those of the questions asked of a label (views.ts, labelViewValues), with `pixelNeighbours` for images;
   * otherwise `scores`, by their mean tail significance.
   */
  ranking: (ScoreName | typeof PIXEL_QUESTION)[];
  /**
   * The detector's reach on them once the `presentRows` rows it ranks highest are set aside: how surely the kind is there.
   * Present kinds rank in this order, surest first.
   */
  canaryReach: number;
  /** Analyst rows that look like this kind (0: not present, below `minRows`, or not learned). */
  presentRows: number;
  /**
   * False for a trigger kind whose canaries the model did not learn (the cross-validated model still disagreed with
   * the target label on most of them) and whose detector reads the model: they measured a mislabelled row, not a
   * backdoor, so the kind does not speak. A detector that reads the feature values (shared values) finds the
   * trigger itself, so its kind counts as learned.
   */
  learned: boolean;
}

/** Settings of the fusion (defaults in DEFAULT_FUSION). */
export interface FusionSettings {
  /**
   * Presence threshold: analyst rows at or above median + tolerance × (canary quantile − median) of the detector
   * count as looking like the kind (1: as strong as the canaries; 0.8 leaves room for a real attack a little weaker).
   */
  tolerance: number;
  /** Canary quantiles the presence is read at; the smallest estimate wins. */
  quantiles: number[];
  /** Fewer rows than this is no presence: a detector's top few rows are often clean rows it happens to rank high. */
  minRows: number;
  /**
   * Rows outside every present kind's top rows: weight of their uncalibrated suspicion's tail significance, while no
   * label kind is present (once one is, only the label kinds' detectors order them).
   */
  backbone: number;
  /** The same for their strongest present detector. */
  rest: number;
  /**
   * "Half of them in the top `reach` of the analyst's rows": a kind's detector counts only when it ranks half of the
   * kind's canaries there (a detector that leaves its canaries in the bulk says nothing of how many rows are like
   * them), and an activation cluster is lifted to the top when half of its rows sit there under another score.
   */
  reach: number;
  /**
   * Shared values alone never corroborates an activation cluster (the rows of any embedding cluster of images share
   * pixel values). With it, a cluster is lifted when at least this share of its rows also carry a label their
   * feature values do not explain (clusters.ts, explainedClusterRows): two independent signs that the cluster is a
   * trigger, not a natural sub-group. Above 1: never.
   */
  clusterLabels: number;
  /**
   * Scores whose canary reach lies within this of the best score's join it in the kind's detector (the mean of their
   * tail significance): about two standard errors of a reach measured on 40 canaries.
   */
  ensemble: number;
}

/**
 * An activation cluster (the rows that activation clustering set apart in one class) that another score corroborates:
 * half of its rows sit in that score's top `reach`. Its rows rank at the top, above every kind.
 */
export interface LiftedCluster {
  /** Analyst rows in the cluster. */
  rows: number;
  /** The score that corroborates it (the highest median over the cluster's rows). */
  score: ScoreName;
  /** The median row's share of analyst rows scoring at least as high under that score. */
  medianShare: number;
  /** Rows of it whose label their feature values explain (clusters.ts): ranked with the rest, not lifted. */
  explained: number;
  /** Rows of its label outside it that stand out under its score as much as its median row (clusters.ts): lifted too. */
  lookalikes: number;
}

/** What the canary run's distribution says about the analyst's rows. */
export interface PoisonEstimate {
  /** Analyst rows estimated to be poisoned: the union of each present kind's top rows. */
  rows: number;
  /** rows / analyst rows. */
  fraction: number;
  /** Rows per kind that looks present. */
  byKind: Partial<Record<CanaryKind, number>>;
}

/** The fused model: per-kind detectors, their presence and recall curves, the fusion settings. */
export interface FusedModel {
  format: 'sift-fused/9';
  detectors: KindDetector[];
  /** Activation clusters lifted to the top, most corroborated first. */
  clusters: LiftedCluster[];
  /** Analyst rows packed far closer together than the rest (crowding.ts), lifted with the clear tails. */
  crowded: number;
  settings: FusionSettings;
}

/** Everything measured for one canary kind. */
export interface KindReport {
  kind: CanaryKind;
  byScore: Record<ScoreName, DetectionMetrics>;
  byFamily: Record<FamilyName, DetectionMetrics>;
  /** The values that order the kind's rows (KindDetector.ranking: for a label kind, its two label questions). */
  detector: DetectionMetrics;
  /** The calibrated suspicion, as it ranks this kind's reporting canaries among the analyst's rows. */
  fused: DetectionMetrics;
  /** The family that finds this kind best (highest average precision). */
  carriedBy: FamilyName;
  /** The detector's score. */
  score: ScoreName;
  /** Analyst rows that look like this kind. */
  estimatedRows: number;
  /** See KindDetector.learned. */
  learned: boolean;
}

/** The calibration report. */
export interface CalibrationReport {
  format: 'sift-calibration/1';
  /** The canary plan: seed, rate, kinds, counts and each draw's parameters. */
  canary: CanaryPlan;
  kinds: KindReport[];
  estimate: PoisonEstimate;
  /** One or two sentences for the analyst, from the figures above. */
  sentence: string;
  model: FusedModel;
  /** ms: the calibration run's phases. */
  timings: Record<string, number>;
}

/** What the scan and the score worker ask of calibration. */
export interface CalibrationSettings {
  /** Canary options (seed, rate, kinds, image shape). */
  canary: Partial<CanaryOptions>;
  fusion: Partial<FusionSettings>;
}
