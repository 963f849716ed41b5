import { describe, expect, it } from 'vitest';
import { FAMILY_NAMES, type FamilyName } from '../scores/types';
import { bulkAwareFlags, median, storedEstimate, storedThresholds, topDefault } from './family-flags';

function perFamily<T>(make: (f: FamilyName) => T): Record<FamilyName, T> {
  return Object.fromEntries(FAMILY_NAMES.map((f) => [f, make(f)])) as Record<FamilyName, T>;
}

describe('family flags', () => {
  // Ten rows; trajectory is 0 on eight of them (the bulk) and the score set flagged its top 5 by rank, ties included.
  const families = perFamily(() => Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0.9]));
  const flags = perFamily(() => Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 0, 1, 1]));

  it('never flags a row at the bulk, and reads the threshold from the flagged rows', () => {
    const out = bulkAwareFlags({ families, flags });
    expect([...out.flags.trajectory]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    expect(out.thresholds.trajectory).toEqual({
      threshold: Math.fround(0.5),
      source: 'lowest flagged value',
      bulk: 0,
      flagged: 2,
    });
  });

  it('takes the score set’s own threshold when it stores one', () => {
    const out = bulkAwareFlags({ families, flags, thresholds: { label: 0.8 } });
    expect(out.thresholds.label.threshold).toBe(0.8);
    expect(out.thresholds.label.source).toBe('score set');
    expect(out.thresholds.embedding.source).toBe('lowest flagged value');
  });

  it('says a family that flags nothing has no threshold', () => {
    const none = perFamily(() => new Uint8Array(10));
    expect(bulkAwareFlags({ families, flags: none }).thresholds.influence.threshold).toBeNaN();
  });

  it('median of finite values', () => {
    expect(median([3, 1, Number.NaN, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it('defaults "select top N" to the estimate, else the flag budget of the scored rows', () => {
    expect(topDefault(569, 0.05, null)).toEqual({ count: 28, source: 'budget' });
    expect(topDefault(1797, 0.05, undefined)).toEqual({ count: 90, source: 'budget' });
    expect(topDefault(1797, 0.05, 61.4)).toEqual({ count: 61, source: 'estimate' });
    expect(topDefault(10, 0.01, 0)).toEqual({ count: 1, source: 'budget' });
  });

  it('reads stored thresholds and estimates without trusting their shape', () => {
    expect(storedThresholds({})).toBeNull();
    expect(storedThresholds({ familyThresholds: { label: 0.7, trajectory: 'x', other: 1 } })).toEqual({
      label: 0.7,
    });
    expect(storedEstimate({ calibration: { estimate: { rows: 54 } } })).toBe(54);
    expect(storedEstimate({ calibration: { estimate: { rows: '54' } } })).toBeNull();
    expect(storedEstimate({})).toBeNull();
  });

  // Issue 16 (mutation testing): values that are not finite, and the edges of each rule.
  it('leaves NaN and the infinities out of the median', () => {
    expect(median([1, Number.NaN, Number.NaN])).toBe(1);
    expect(median([1, 2, Infinity, Infinity, -Infinity, Infinity])).toBe(1);
  });

  it('ignores a stored threshold that is not a finite number', () => {
    const out = bulkAwareFlags({ families, flags, thresholds: { label: Number.NaN } });
    expect(out.thresholds.label).toEqual({
      threshold: Math.fround(0.5),
      source: 'lowest flagged value',
      bulk: 0,
      flagged: 2,
    });
  });

  it('takes an estimate of exactly one row, never an infinite one', () => {
    expect(topDefault(1000, 0.05, 1)).toEqual({ count: 1, source: 'estimate' });
    expect(topDefault(1000, 0.05, Infinity)).toEqual({ count: 50, source: 'budget' });
    expect(topDefault(1000, 0.05, Number.NaN)).toEqual({ count: 50, source: 'budget' });
  });

  it('refuses stored thresholds and estimates of the wrong shape or not finite', () => {
    expect(storedThresholds({ familyThresholds: 5 })).toBeNull();
    expect(storedThresholds({ familyThresholds: 'label' })).toBeNull();
    expect(storedThresholds({ familyThresholds: { label: Number.NaN, influence: Infinity } })).toEqual({});
    expect(storedEstimate({ calibration: {} })).toBeNull();
    expect(storedEstimate({ calibration: { estimate: { rows: Number.NaN } } })).toBeNull();
  });
});
