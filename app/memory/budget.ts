/**
 * The memory budget a job's estimate (workers/core/memory/estimate.ts) is checked against, from what the browser
 * says about itself, and the refusal message when a job is over it.
 *
 * The rule, first that applies:
 * 1. the analyst's override (stored in this browser);
 * 2. half of `performance.memory.jsHeapSizeLimit` where Chromium offers it: the heap limit of one JavaScript
 *    context (each job runs in its own worker, whose context gets the same limit). Half, because the estimate counts
 *    live arrays and tensors, and a job also makes garbage between collections: measured in Node on the CPU
 *    backend, a digits training run's array buffers reached several times its live data;
 * 3. a quarter of `navigator.deviceMemory` (GB of RAM, rounded and capped at 8 by the browser): the tab shares the
 *    machine with the system and other tabs;
 * 4. 1 GB.
 */
import { type MemoryEstimate, type MemoryRemedy, remediesFor } from '../../workers/core/memory/estimate';
import { formatBytes } from '../format';

/** The fallback when the browser tells nothing. */
export const DEFAULT_BUDGET_BYTES = 1_000_000_000;
/** Where the override is kept, in bytes. */
export const BUDGET_OVERRIDE_KEY = 'sift.memoryBudgetBytes';

export type BudgetSource = 'override' | 'heap-limit' | 'device-memory' | 'default';

/** The budget and where it came from. */
export interface MemoryBudget {
  bytes: number;
  source: BudgetSource;
}

/** What the browser says about its memory; null where it says nothing. */
export interface BrowserMemoryFacts {
  jsHeapSizeLimit: number | null;
  deviceMemoryGb: number | null;
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The budget by the rule above (`override` in bytes, null for none). */
export function resolveBudget(facts: BrowserMemoryFacts, override: number | null): MemoryBudget {
  if (positive(override)) return { bytes: override, source: 'override' };
  if (positive(facts.jsHeapSizeLimit)) return { bytes: facts.jsHeapSizeLimit / 2, source: 'heap-limit' };
  if (positive(facts.deviceMemoryGb))
    return { bytes: (facts.deviceMemoryGb * 1e9) / 4, source: 'device-memory' };
  return { bytes: DEFAULT_BUDGET_BYTES, source: 'default' };
}

/** Reads the browser's facts; both APIs are non-standard or Chromium-only, so each is probed. */
export function browserMemoryFacts(): BrowserMemoryFacts {
  const perf: unknown = typeof performance === 'undefined' ? undefined : performance;
  const memory =
    perf && typeof perf === 'object' && 'memory' in perf ? (perf as { memory?: unknown }).memory : undefined;
  const limit =
    memory && typeof memory === 'object' && 'jsHeapSizeLimit' in memory
      ? (memory as { jsHeapSizeLimit: unknown }).jsHeapSizeLimit
      : null;
  const nav: unknown = typeof navigator === 'undefined' ? undefined : navigator;
  const device =
    nav && typeof nav === 'object' && 'deviceMemory' in nav
      ? (nav as { deviceMemory: unknown }).deviceMemory
      : null;
  return {
    jsHeapSizeLimit: positive(limit) ? limit : null,
    deviceMemoryGb: positive(device) ? device : null,
  };
}

/** The override kept in `storage` (bytes), or null when there is none or it is not a positive number. */
export function readBudgetOverride(storage: Pick<Storage, 'getItem'> | null): number | null {
  const raw = storage?.getItem(BUDGET_OVERRIDE_KEY) ?? null;
  if (raw === null) return null;
  const value = Number(raw);
  return positive(value) ? value : null;
}

/** Keeps (or, with null, forgets) the override in `storage`. */
export function writeBudgetOverride(
  storage: Pick<Storage, 'setItem' | 'removeItem'>,
  bytes: number | null,
): void {
  if (positive(bytes)) storage.setItem(BUDGET_OVERRIDE_KEY, String(Math.round(bytes)));
  else storage.removeItem(BUDGET_OVERRIDE_KEY);
}

/** This browser's storage, or null where it is unavailable (Node tests, a locked-down profile). */
export function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch (error) {
    // Some profiles throw on access to localStorage itself: no override then.
    if (error instanceof DOMException) return null;
    throw error;
  }
}

/** The budget in this browser now, with the override `override` (from the store). */
export function currentBudget(override: number | null): MemoryBudget {
  return resolveBudget(browserMemoryFacts(), override);
}

/** How each budget source is described. */
export const BUDGET_SOURCE_TEXT: Record<BudgetSource, string> = {
  override: 'your override',
  'heap-limit': 'half the browser’s JavaScript heap limit',
  'device-memory': 'a quarter of the device’s memory',
  default: 'the default (the browser does not say)',
};

const REMEDY_TEXT: Record<MemoryRemedy, string> = {
  'fewer-epochs': 'fewer epochs',
  'smaller-batch': 'a smaller batch size',
  'smaller-model': 'smaller hidden sizes',
  'fewer-rows': 'fewer rows or feature columns (exclude them at import)',
  'approximate-knn': 'approximate kNN',
  'smaller-k': 'fewer kNN neighbours (k)',
};

/** Null when the job fits; else the refusal: the estimate, the budget, and what to change. */
export function budgetRefusal(what: string, estimate: MemoryEstimate, budget: MemoryBudget): string | null {
  if (estimate.total <= budget.bytes) return null;
  const changes = remediesFor(estimate).map((r) => REMEDY_TEXT[r]);
  return (
    `${what} needs about ${formatBytes(estimate.total)} of memory, over the budget of ${formatBytes(budget.bytes)} ` +
    `(${BUDGET_SOURCE_TEXT[budget.source]}). Try ${changes.join(', ')}; or raise the memory budget.`
  );
}
