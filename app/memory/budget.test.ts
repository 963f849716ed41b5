import { describe, expect, it } from 'vitest';
import { estimateTrainMemory } from '../../workers/core/memory/estimate';
import {
  BUDGET_OVERRIDE_KEY,
  budgetRefusal,
  DEFAULT_BUDGET_BYTES,
  readBudgetOverride,
  resolveBudget,
  writeBudgetOverride,
} from './budget';

/** A Map-backed Storage: the real interface, no browser needed. */
function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

describe('resolveBudget', () => {
  it('takes the override, then half the heap limit, then a quarter of device memory, then the default', () => {
    const facts = { jsHeapSizeLimit: 4_294_705_152, deviceMemoryGb: 8 };
    expect(resolveBudget(facts, 5e6)).toEqual({ bytes: 5e6, source: 'override' });
    expect(resolveBudget(facts, null)).toEqual({ bytes: 2_147_352_576, source: 'heap-limit' });
    expect(resolveBudget({ jsHeapSizeLimit: null, deviceMemoryGb: 8 }, null)).toEqual({
      bytes: 2e9,
      source: 'device-memory',
    });
    expect(resolveBudget({ jsHeapSizeLimit: null, deviceMemoryGb: null }, null)).toEqual({
      bytes: DEFAULT_BUDGET_BYTES,
      source: 'default',
    });
    // Nonsense values are ignored, not trusted.
    expect(resolveBudget({ jsHeapSizeLimit: Number.NaN, deviceMemoryGb: -1 }, 0).source).toBe('default');
  });
});

describe('the override in storage', () => {
  it('round-trips, forgets on null and ignores junk', () => {
    const s = memoryStorage();
    expect(readBudgetOverride(s)).toBeNull();
    writeBudgetOverride(s, 123_456_789);
    expect(readBudgetOverride(s)).toBe(123_456_789);
    writeBudgetOverride(s, null);
    expect(readBudgetOverride(s)).toBeNull();
    s.setItem(BUDGET_OVERRIDE_KEY, 'lots');
    expect(readBudgetOverride(s)).toBeNull();
    expect(readBudgetOverride(null)).toBeNull();
  });
});

describe('budgetRefusal', () => {
  const estimate = estimateTrainMemory({
    rows: 20_000,
    features: 64,
    classes: 10,
    model: 'mlp',
    hidden: [64],
    epochs: 500,
    batchSize: 64,
    optimizer: 'adam',
    validationFraction: 0.2,
  });
  it('lets a job within the budget start', () => {
    expect(budgetRefusal('Training', estimate, { bytes: estimate.total, source: 'heap-limit' })).toBeNull();
  });
  it('refuses a job over it with the estimate, the budget and what to change', () => {
    const text = budgetRefusal('Training', estimate, { bytes: 1e6, source: 'override' });
    expect(text).toMatch(
      /^Training needs about \d+\.\d MB of memory, over the budget of 1\.0 MB \(your override\)/,
    );
    expect(text).toContain('fewer epochs');
    expect(text).toContain('raise the memory budget');
  });
});
