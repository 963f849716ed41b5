/**
 * The backend probe's results, cached per browser profile in localStorage: probing takes seconds (WebGL compiles
 * shaders), and the answer only changes with the browser or the machine. Keyed by the user agent, so a browser
 * update measures again; the settings' "Re-measure" button does too. The stored text is validated on read.
 */
import { z } from 'zod';
import type { BackendProbe } from '../../../workers/core/train/backend-choice';

/** v2 added the scoring probe's times (issue 15): a v1 entry, which lacks them, is measured again. */
const KEY = 'sift.backendProbes.v2';

const probeSchema = z.object({
  backend: z.enum(['webgpu', 'webgl', 'wasm', 'cpu']),
  available: z.boolean(),
  adapter: z
    .object({
      isFallbackAdapter: z.boolean().optional(),
      architecture: z.string().optional(),
      vendor: z.string().optional(),
      description: z.string().optional(),
    })
    .optional(),
  probeMs: z.number().optional(),
  scoringMs: z.number().optional(),
  error: z.string().optional(),
});

const cacheSchema = z.object({
  userAgent: z.string(),
  measuredAt: z.number(),
  probes: z.array(probeSchema),
});

/** Cached probe results and when they were measured. */
export interface CachedProbes {
  probes: BackendProbe[];
  measuredAt: number;
}

/** Where the cache lives; `localStorage` in the app. */
export type ProbeStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The cached probes of this browser, or null when none (or the browser changed, or the entry is malformed). */
export function readProbes(storage: ProbeStorage, userAgent: string): CachedProbes | null {
  const text = storage.getItem(KEY);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: another version or a hand edit. Treated as no cache; the next probe overwrites it.
    return null;
  }
  const parsed = cacheSchema.safeParse(json);
  if (!parsed.success || parsed.data.userAgent !== userAgent) return null;
  // JSON has no undefined: drop absent optional fields so the probes compare equal to what was written.
  const probes = parsed.data.probes.map((p) => {
    const probe: BackendProbe = { backend: p.backend, available: p.available };
    if (p.adapter) probe.adapter = p.adapter;
    if (p.probeMs !== undefined) probe.probeMs = p.probeMs;
    if (p.scoringMs !== undefined) probe.scoringMs = p.scoringMs;
    if (p.error !== undefined) probe.error = p.error;
    return probe;
  });
  return { probes, measuredAt: parsed.data.measuredAt };
}

/** Stores probe results for this browser. */
export function writeProbes(storage: ProbeStorage, userAgent: string, cached: CachedProbes): void {
  storage.setItem(KEY, JSON.stringify({ userAgent, ...cached }));
}

/** Forgets the cached probes. */
export function clearProbes(storage: ProbeStorage): void {
  storage.removeItem(KEY);
}
