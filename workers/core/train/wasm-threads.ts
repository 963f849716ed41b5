/**
 * How many threads tfjs's WASM backend may use in one worker. Threads need a cross-origin isolated page
 * (SharedArrayBuffer); without it, one. Otherwise the cores the device reports, less one left to the page (its
 * main thread draws the progress) and the rest of the machine, shared by the workers that train at once (the train
 * or score worker alone: 1; the score worker's fold pool: its size), so that threads × workers stays below the
 * cores. On the 2-core development machine that gives one thread: two measured no faster than one there
 * (README, "10 CNN epochs on WASM"). A request may ask for a count (benchmarks, tests), still capped by the cores.
 * At most 8: tfjs 4.22 caps its XNNPACK pool there and its threaded binary starts 8 pthread workers up front.
 * Pure: the worker reads navigator.hardwareConcurrency and crossOriginIsolated and sets the count before WASM
 * starts (workers/backend.ts). The score worker counts as one worker: it waits while its fold pool trains.
 */

/** tfjs 4.22's most XNNPACK threads (backend.cc's max_num_threads), and its pthread workers started up front. */
export const MAX_WASM_THREADS = 8;

export interface WasmThreadInputs {
  /** Logical cores the runtime reports (navigator.hardwareConcurrency); missing or nonsense counts as 1. */
  cores: number | undefined;
  /** Workers that train at the same time and share those cores (1, or the fold pool's size). */
  workersAtOnce: number;
  /** `crossOriginIsolated`: SharedArrayBuffer, which WASM threads need, exists only then. */
  isolated: boolean;
  /** A count the request asked for instead of the rule's (never more than the cores nor 8). */
  asked?: number;
}

export interface WasmThreads {
  threads: number;
  /** A sentence for the analyst: how many threads and why. */
  why: string;
}

function whole(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const threadWords = (n: number) => (n === 1 ? 'one thread' : `${n} threads`);

/** The thread count for one worker's WASM backend, and the sentence that explains it. */
export function wasmThreads({ cores, workersAtOnce, isolated, asked }: WasmThreadInputs): WasmThreads {
  if (!isolated) {
    return {
      threads: 1,
      why: 'WASM runs on one thread: the page is not cross-origin isolated, which WASM threads need.',
    };
  }
  const c = whole(cores);
  if (asked !== undefined) {
    const threads = Math.min(MAX_WASM_THREADS, c, whole(asked));
    return {
      threads,
      why: `WASM runs on ${threadWords(threads)}, as asked (${plural(c, 'core')} reported).`,
    };
  }
  const w = whole(workersAtOnce);
  const threads = Math.min(MAX_WASM_THREADS, Math.max(1, Math.floor((c - 1) / w)));
  const share = `${plural(c, 'core')} reported, one left to the page, the rest shared by ${plural(w, 'training worker')}`;
  return { threads, why: `WASM runs on ${threadWords(threads)} (${share}).` };
}
