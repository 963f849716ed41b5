/**
 * Where a Chromium trace's CPU time went, per thread (issue 15): the V8 sampling profiles that the
 * `disabled-by-default-v8.cpu_profiler` category records for every thread (the page, each worker) turned into
 * `.cpuprofile`-shaped objects and summarised like `node --cpu-prof` output (profile-summary.ts).
 *
 *   npx tsx bench/ingest.ts --runs 1 --trace /tmp/ingest-trace.json   (with a build made with --minify false)
 *   npx tsx bench/trace-profile.ts /tmp/ingest-trace.json [--top N]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { summarize } from './profile-summary';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  id?: string;
  ts: number;
  args?: {
    name?: string;
    data?: {
      startTime?: number;
      cpuProfile?: {
        nodes?: {
          id: number;
          parent?: number;
          callFrame: { functionName?: string; url?: string; lineNumber?: number };
        }[];
        samples?: number[];
      };
      timeDeltas?: number[];
    };
  };
}

/** The categories a trace needs for `threadProfiles`. */
export const PROFILE_CATEGORIES = ['disabled-by-default-v8.cpu_profiler', 'v8', '__metadata'];

/** One sampled profile per traced thread, named by the thread's name in the trace. */
export function threadProfiles(events: TraceEvent[]) {
  const threadName = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  }
  const profiles = new Map<
    string,
    {
      thread: string;
      nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
      samples: number[];
      timeDeltas: number[];
      startTime: number;
      endTime: number;
    }
  >();
  for (const e of events) {
    if (e.name !== 'Profile' && e.name !== 'ProfileChunk') continue;
    const key = `${e.pid}:${e.id}`;
    let p = profiles.get(key);
    if (!p) {
      p = {
        thread: `${threadName.get(`${e.pid}:${e.tid}`) ?? 'thread'} (${e.pid}:${e.tid})`,
        nodes: [],
        samples: [],
        timeDeltas: [],
        startTime: e.args?.data?.startTime ?? e.ts,
        endTime: e.args?.data?.startTime ?? e.ts,
      };
      profiles.set(key, p);
    }
    const data = e.args?.data;
    for (const n of data?.cpuProfile?.nodes ?? []) {
      const f = n.callFrame;
      p.nodes.push({
        id: n.id,
        callFrame: { functionName: f.functionName ?? '', url: f.url ?? '', lineNumber: f.lineNumber ?? 0 },
      });
    }
    for (const s of data?.cpuProfile?.samples ?? []) p.samples.push(s);
    for (const d of data?.timeDeltas ?? []) {
      p.timeDeltas.push(d);
      p.endTime += d;
    }
  }
  return [...profiles.values()];
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: npx tsx bench/trace-profile.ts TRACE.json [--top N]');
  const k = process.argv.indexOf('--top');
  const top = k >= 0 ? Number(process.argv[k + 1]) : 25;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : (raw.traceEvents ?? []);
  for (const p of threadProfiles(events)) {
    const s = summarize(p);
    const busy = s.sources.filter(([name]) => name !== 'idle').reduce((sum, [, ms]) => sum + ms, 0);
    if (busy < 20) continue;
    console.log(`${p.thread}: ${(busy / 1000).toFixed(2)} s busy of ${(s.totalMs / 1000).toFixed(2)} s`);
    for (const [name, ms] of s.functions.filter(([n]) => !n.startsWith('(idle)')).slice(0, top)) {
      console.log(`  ${(ms / 1000).toFixed(3).padStart(7)} s  ${name}`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
