/**
 * Family flags and thresholds as the review shows them, from a score set's own data. A family flags a row when the
 * score set flagged it and the row's family value lies above the family's bulk (its median): "a family never flags a
 * sample whose value equals the bulk's" (DESIGN §3), so a score that is 0 on most rows (forgetting) cannot flag them
 * all. The threshold shown is the score set's own per-family threshold when it carries one (the calibrated sets do),
 * else the lowest family value it flagged. The "select top N" default comes from the score set too: the estimate of
 * poisoned rows when a calibration made one, else the flag budget q × scored rows. Pure; the review worker uses it.
 */
import { FAMILY_NAMES, type FamilyName } from '../scores/types';

/** What the review reads of a score set's families. */
export interface FamilyFlagInput {
  families: Record<FamilyName, Float32Array>;
  flags: Record<FamilyName, Uint8Array>;
  /** Per-family thresholds stored with the score set, when it has them. */
  thresholds?: Partial<Record<FamilyName, number>> | null;
}

export interface FamilyThreshold {
  /** The lowest family value that is flagged; NaN when the family flags no row. */
  threshold: number;
  /** Where the threshold comes from. */
  source: 'score set' | 'lowest flagged value';
  /** The median family value (the bulk): a row at or below it is never flagged. */
  bulk: number;
  /** Rows flagged after the bulk rule. */
  flagged: number;
}

/** The median of the finite values (lower middle for an even count); NaN when there is none. */
export function median(values: ArrayLike<number>): number {
  const finite = Float64Array.from(Array.from(values as ArrayLike<number>).filter(Number.isFinite)).sort();
  return finite.length ? (finite[(finite.length - 1) >> 1] as number) : Number.NaN;
}

/** Each family's flags with the bulk rule applied: flagged by the score set and above the family's median. */
export function bulkAwareFlags(input: FamilyFlagInput): {
  flags: Record<FamilyName, Uint8Array>;
  thresholds: Record<FamilyName, FamilyThreshold>;
} {
  const flags = {} as Record<FamilyName, Uint8Array>;
  const thresholds = {} as Record<FamilyName, FamilyThreshold>;
  for (const f of FAMILY_NAMES) {
    const values = input.families[f];
    const given = input.flags[f];
    const bulk = median(values);
    const out = new Uint8Array(values.length);
    let lowest = Number.POSITIVE_INFINITY;
    let count = 0;
    for (let j = 0; j < values.length; j++) {
      const v = values[j] as number;
      if (given[j] === 1 && v > bulk) {
        out[j] = 1;
        count++;
        if (v < lowest) lowest = v;
      }
    }
    const stored = input.thresholds?.[f];
    const fromSet = typeof stored === 'number' && Number.isFinite(stored);
    flags[f] = out;
    thresholds[f] = {
      threshold: fromSet ? stored : count > 0 ? lowest : Number.NaN,
      source: fromSet ? 'score set' : 'lowest flagged value',
      bulk,
      flagged: count,
    };
  }
  return { flags, thresholds };
}

/** The default of "select top N": the calibration's estimate of poisoned rows, else the flag budget. */
export interface TopDefault {
  count: number;
  source: 'estimate' | 'budget';
}

/** `estimate` when it is a count (a calibrated score set), else round(q × samples), at least 1. */
export function topDefault(samples: number, q: number, estimate: number | null | undefined): TopDefault {
  if (typeof estimate === 'number' && Number.isFinite(estimate) && estimate >= 1)
    return { count: Math.round(estimate), source: 'estimate' };
  return { count: Math.max(1, Math.round(q * samples)), source: 'budget' };
}

/**
 * The per-family thresholds a score set stores, read without trusting its shape (older sets have none; the
 * calibrated sets store `familyThresholds`).
 */
export function storedThresholds(set: object): Partial<Record<FamilyName, number>> | null {
  const value = (set as { familyThresholds?: unknown }).familyThresholds;
  if (!value || typeof value !== 'object') return null;
  const out: Partial<Record<FamilyName, number>> = {};
  for (const f of FAMILY_NAMES) {
    const v = (value as Record<string, unknown>)[f];
    if (typeof v === 'number' && Number.isFinite(v)) out[f] = v;
  }
  return out;
}

/** The calibration's estimate of poisoned rows stored with a score record, when there is one. */
export function storedEstimate(record: object): number | null {
  const calibration = (record as { calibration?: { estimate?: { rows?: unknown } } }).calibration;
  const rows = calibration?.estimate?.rows;
  return typeof rows === 'number' && Number.isFinite(rows) ? rows : null;
}
