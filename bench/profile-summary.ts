/**
 * Where a V8 CPU profile's time went (issue 15): self time per function and per source (tfjs core, the WASM
 * backend's JS glue, compiled WASM kernels, Sift's own code, garbage collection, idle), from a `.cpuprofile`
 * written by `node --cpu-prof`.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/scan.ts data.csv
 *   npx tsx bench/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The source a frame belongs to, for the per-source table. */
export function sourceOf(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === '(idle)' || name === '(program)') return name.slice(1, -1);
  if (url.includes('wasm://') || name.startsWith('wasm-function') || url.endsWith('.wasm'))
    return 'WASM kernels';
  if (url.includes('tfjs-backend-wasm')) return 'tfjs WASM backend (JS)';
  if (url.includes('tfjs-core') || url.includes('tfjs-layers') || url.includes('@tensorflow'))
    return 'tfjs core/layers';
  if (url.startsWith('node:')) return 'Node internals';
  if (url.includes('node_modules')) return 'other libraries';
  if (url.includes('/workers/core/')) return 'Sift core';
  if (url === '') return 'V8 / native';
  return 'Sift other';
}

/** Self ms per function and per source, from the sample deltas. */
export function summarize(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const fn = new Map<string, number>();
  const source = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const file = f.url.split('/').slice(-1)[0] ?? '';
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + ms);
    const s = sourceOf(f.url, f.functionName);
    source.set(s, (source.get(s) ?? 0) + ms);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs, functions: sorted(fn), sources: sorted(source) };
}

function main(): void {
  const files = process.argv.slice(2).filter((a) => a.endsWith('.cpuprofile'));
  const k = process.argv.indexOf('--top');
  const top = k >= 0 ? Number(process.argv[k + 1]) : 30;
  for (const file of files) {
    const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
    const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
    console.log(`${file}: ${(s.totalMs / 1000).toFixed(1)} s profiled`);
    for (const [name, ms] of s.sources)
      console.log(`  ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`);
    console.log('  top functions by self time:');
    for (const [name, ms] of s.functions.slice(0, top))
      console.log(`  ${pct(ms)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
