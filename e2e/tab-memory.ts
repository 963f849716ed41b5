/**
 * The tab's memory as Linux and Chromium see it, for benchmarks and the scale test: the renderer process's
 * resident set (VmRSS and its high-water mark VmHWM from /proc: the page, its dedicated workers and their heaps)
 * and the page's own JS heap (CDP `Performance.getMetrics`). Figures are printed, never asserted (DESIGN §6).
 */
import { readFileSync } from 'node:fs';
import type { Browser, CDPSession } from '@playwright/test';

const MB = 1024 * 1024;

/** Resident set and high-water mark of a process in MB, from /proc (Linux); null once it has gone. */
export function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / 1024;
    return { rss: field('VmRSS'), hwm: field('VmHWM') };
  } catch {
    return null;
  }
}

export type ProcessInfo = { type: string; id: number; cpuTime: number };

/** Chromium's processes with their cumulative CPU seconds (CDP SystemInfo.getProcessInfo). */
export async function processInfo(browser: Browser): Promise<ProcessInfo[]> {
  const session = await browser.newBrowserCDPSession();
  try {
    const info = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] };
    return info.processInfo;
  } finally {
    await session.detach();
  }
}

/** The JS heap in use on the page's main thread, in MB (needs `Performance.enable` on the session). */
export async function jsHeapUsedMB(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  return (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / MB;
}

/** What a sampler saw between start and stop, in MB. */
export interface TabMemory {
  /** Largest renderer resident set at start. */
  rssStartMB: number;
  /** Largest renderer resident set sampled. */
  rssPeakMB: number;
  /** Page JS heap at start. */
  heapStartMB: number;
  /** Largest page JS heap sampled. */
  heapPeakMB: number;
  samples: number;
}

/**
 * Samples the renderers' resident set and the page's JS heap every `everyMs` until `stop()` (which resolves to the
 * peaks). Every renderer is watched and the largest kept: the tab's is the one that grows.
 */
export async function sampleTabMemory(
  browser: Browser,
  cdp: CDPSession,
  everyMs = 100,
): Promise<{ stop: () => Promise<TabMemory> }> {
  await cdp.send('Performance.enable');
  const pids = (await processInfo(browser)).filter((p) => p.type === 'renderer').map((p) => p.id);
  const rss = () => Math.max(0, ...pids.map((pid) => procMemory(pid)?.rss ?? 0));
  const heapStart = await jsHeapUsedMB(cdp);
  const out: TabMemory = {
    rssStartMB: rss(),
    rssPeakMB: 0,
    heapStartMB: heapStart,
    heapPeakMB: heapStart,
    samples: 0,
  };
  out.rssPeakMB = out.rssStartMB;
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      out.rssPeakMB = Math.max(out.rssPeakMB, rss());
      out.heapPeakMB = Math.max(out.heapPeakMB, await jsHeapUsedMB(cdp).catch(() => 0));
      out.samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      sampling = false;
      await loop;
      return out;
    },
  };
}
