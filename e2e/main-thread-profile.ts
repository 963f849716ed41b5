/**
 * What the page's main thread spent on a window of a test, from the DevTools protocol: CPU time of the main thread
 * (`ThreadTime`, counted only while it runs, so a loaded machine inflates it far less than wall time), how much of
 * it was script, layout and style, and, with a CPU profile, the functions that took it (self time). For profiling
 * the review at scale (issue 12); nothing here is asserted.
 */
import type { CDPSession } from '@playwright/test';

/** Main-thread work of one window, in ms. */
export interface MainThreadWork {
  cpuMs: number;
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** The functions with the most self time (ms), heaviest first. */
  top: Array<{ fn: string; ms: number }>;
}

type Metrics = Record<string, number>;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Self time per function of a CPU profile (ms), the `top` heaviest; idle, program and GC kept as they are named. */
function selfTimes(profile: Profile, top: number): Array<{ fn: string; ms: number }> {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i] ?? -1);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    const file = url.split('/').pop() ?? '';
    const fn = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    totals.set(fn, (totals.get(fn) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));
}

/**
 * Starts measuring the main thread; `stop()` gives what it did since. `profile`: also sample a CPU profile (every
 * 200 µs, which itself costs main-thread time: leave it off where long tasks are measured).
 */
export async function measureMainThread(
  cdp: CDPSession,
  profile: boolean,
): Promise<{ stop(): Promise<MainThreadWork> }> {
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  }
  const before = await metrics(cdp);
  if (profile) await cdp.send('Profiler.start');
  return {
    async stop() {
      const sampled = profile ? ((await cdp.send('Profiler.stop')) as { profile: Profile }).profile : null;
      const after = await metrics(cdp);
      if (profile) await cdp.send('Profiler.disable');
      await cdp.send('Performance.disable');
      const ms = (name: string) => Math.round(1000 * ((after[name] ?? 0) - (before[name] ?? 0)));
      return {
        cpuMs: ms('ThreadTime'),
        taskMs: ms('TaskDuration'),
        scriptMs: ms('ScriptDuration'),
        layoutMs: ms('LayoutDuration'),
        styleMs: ms('RecalcStyleDuration'),
        top: sampled ? selfTimes(sampled, 12) : [],
      };
    },
  };
}

/** One line for a test's output. */
export function describeWork(name: string, w: MainThreadWork): string {
  return (
    `${name}: main-thread CPU ${w.cpuMs} ms (tasks ${w.taskMs}, script ${w.scriptMs}, layout ${w.layoutMs}, ` +
    `style ${w.styleMs})` +
    (w.top.length > 0 ? `; top self time: ${w.top.map((t) => `${t.fn} ${t.ms}`).join('; ')}` : '')
  );
}
