/**
 * Canaries (issue 10): synthetic poisoned rows added to a copy of the analyst's training rows, so that Sift can
 * measure on the analyst's own data which of its scores find which kind of poison. Every kind is a pure, seeded
 * function; the analyst's rows are never changed, and canary rows never reach the review, the exports or the counts.
 */

/** The kinds of synthetic poison, by stable name (written into the manifest and the calibration report). */
export const CANARY_KINDS = [
  'random-flip',
  'pair-flip',
  'feature-trigger',
  'outlier',
  'near-duplicate',
  'patch-trigger',
  'blend-trigger',
] as const;
export type CanaryKind = (typeof CANARY_KINDS)[number];

/** What an analyst reads for each kind (the calibration card and the scan's summary). */
export const CANARY_KIND_TEXT: Readonly<Record<CanaryKind, string>> = {
  'random-flip': 'random label flips',
  'pair-flip': 'flips between confused classes',
  'feature-trigger': 'feature triggers',
  outlier: 'outliers',
  'near-duplicate': 'near-duplicates with another label',
  'patch-trigger': 'patch triggers',
  'blend-trigger': 'blended triggers',
};

/** Kinds that only make sense on image-shaped rows. */
export const IMAGE_CANARY_KINDS: readonly CanaryKind[] = ['patch-trigger', 'blend-trigger'];

/** The shape of image rows: features are pixels in H × W × C order (row-major, channels last). */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** Settings of a canary draw; everything that decides the rows is here, so the manifest can record it. */
export interface CanaryOptions {
  /** Seed of every random choice (rows, triggers, targets, noise). */
  seed: number;
  /** Canary rows as a fraction of the dataset's rows, over every kind and both draws (default 0.02). */
  rate: number;
  /** Kinds to inject; null: every kind that fits the data (`defaultCanaryKinds`). */
  kinds: CanaryKind[] | null;
  /** Image shape of the rows; null: a square feature count (≥ 16) is read as a one-channel image. */
  image: ImageShape | null;
  /** Fewest canaries of each kind in each draw, whatever the rate (default 6). */
  minPerKind: number;
  /** Fewest canaries of a trigger kind in each draw (default 10): a backdoor of 20 rows is learned, one of 6 is not. */
  minPerTrigger: number;
}

/** Default canary options (issue 10: about 2% of the rows in all). */
export const DEFAULT_CANARY_OPTIONS: CanaryOptions = {
  seed: 7919,
  rate: 0.02,
  kinds: null,
  image: null,
  minPerKind: 6,
  minPerTrigger: 10,
};

/** Rows made by one kind: `count × featureCount` features, labels, and the analyst row each was built from. */
export interface CanaryRows {
  features: Float32Array;
  labels: Int32Array;
  /** Analyst row the canary was derived from (-1: none). */
  sources: Int32Array;
  /**
   * Extra rows that come with the canaries but are not poison (a near-duplicate's correctly labelled twin): added to
   * the calibration data, left out of both the canaries and the reference rows when measuring.
   */
  companions?: { features: Float32Array; labels: Int32Array };
  /** The kind's parameters for this draw (trigger features and values, target class, pairs), for the manifest. */
  params: Record<string, number | number[] | string>;
}

/** Role of an appended row in the calibration data: a canary of the fitting or the reporting draw, or a companion. */
export const CANARY_ROLE = { fit: 0, report: 1, companion: 2 } as const;
export type CanaryRole = (typeof CANARY_ROLE)[keyof typeof CANARY_ROLE];

/** What one kind did in one draw: its count and parameters (plain data, for the manifest and the report). */
export interface CanaryDrawPlan {
  kind: CanaryKind;
  /** 0: the draw the fused model is fitted on; 1: the independent draw it is measured on. */
  draw: 0 | 1;
  count: number;
  params: Record<string, number | number[] | string>;
}

/** The canary plan of a calibration: options resolved and every draw's parameters. */
export interface CanaryPlan {
  seed: number;
  rate: number;
  kinds: CanaryKind[];
  image: ImageShape | null;
  draws: CanaryDrawPlan[];
  /** Canary rows in all (companions not counted). */
  canaries: number;
  companions: number;
}
