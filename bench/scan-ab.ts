/**
 * Whole-process headless scans of two checkouts in turn, beside the PyTorch CPU reference (issue 15): for a change
 * to the training step, "before" and "after" measured under the same load in one run.
 *
 *   npx tsx bench/scan-ab.ts --before /path/to/other/checkout [--csv FILE] [--runs 3] [--reference-runs N]
 *     [--out train-step]
 *
 * Each round runs `scripts/scan.ts FILE --no-calibrate` of the other checkout (its own node_modules, or a link to
 * these), then of this one, then the reference (`../shared/bench/torch_reference.py`) in the first
 * `--reference-runs` rounds (default all); each with the 1-minute load average before it, under /usr/bin/time for
 * its CPU seconds (every thread) beside the wall time. Checks that both checkouts wrote the same scores.csv in round
 * 1, and writes bench/results/<out>.json: every run, the medians, and the scan's own phases (its "done in …" line).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportHeader } from './report';
import { ROOT } from './serve';
import {
  parseReferenceLine,
  REFERENCE_PYTHON,
  REFERENCE_SCRIPT,
  referenceUnavailable,
} from './torch-reference';

const SYNTH20K = path.resolve(ROOT, '../shared/datasets/synth20k_flip/synth20k_flip.csv');

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

interface Timed {
  run: number;
  load1: number;
  /** ms from spawn to exit: interpreter start, imports, the work and its output files. */
  wallMs: number;
  /** CPU ms of the whole process (user + system, every thread): steadier than wall time on a shared machine. */
  cpuMs: number;
}

interface ScanRun extends Timed {
  checkout: string;
  /** The scan's own phases in ms, from its last line: total, train, crossVal, score. */
  phases: Record<string, number>;
  /** The folder it wrote scores.csv to. */
  out: string;
}

/** Reads `done in 25.3 s (train 4.7 s, cross-validation 12.7 s, scores 3.0 s)`. */
function parseDoneLine(text: string): Record<string, number> {
  const m = /done in ([\d.]+) s \(train ([\d.]+) s, cross-validation ([\d.]+) s, scores ([\d.]+) s\)/.exec(
    text,
  );
  if (!m) throw new Error(`no "done in" line in the scan's output: ${text.slice(-300)}`);
  const [total, train, crossVal, score] = m.slice(1).map((s) => Number(s) * 1000);
  return { total, train, crossVal, score };
}

/** Runs `command args` in `cwd` under /usr/bin/time: its output, wall ms and CPU ms. */
function timed(command: string, args: string[], cwd: string, run: number): Promise<Timed & { text: string }> {
  const load1 = os.loadavg()[0] ?? 0;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/time', ['-f', 'CPU-SECONDS %U %S', command, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const add = (d: Buffer) => {
      text += d.toString();
    };
    p.stdout.on('data', add);
    p.stderr.on('data', add);
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const cpu = /CPU-SECONDS ([\d.]+) ([\d.]+)/.exec(text);
      if (code !== 0 || !cpu) reject(new Error(`${command} in ${cwd} exited ${code}: ${text.slice(-400)}`));
      else resolve({ run, load1, wallMs, cpuMs: (Number(cpu[1]) + Number(cpu[2])) * 1000, text });
    });
  });
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] ?? Number.NaN) : ((v[mid - 1] ?? Number.NaN) + (v[mid] ?? Number.NaN)) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const before = arg('before');
  if (!before) throw new Error('usage: npx tsx bench/scan-ab.ts --before /path/to/other/checkout [--runs 3]');
  const csv = path.resolve(arg('csv') ?? SYNTH20K);
  const runs = Math.max(1, Number(arg('runs') ?? 3));
  const referenceRuns = Math.max(0, Number(arg('reference-runs') ?? runs));
  const checkouts = [path.resolve(before), ROOT];
  const noReference = referenceUnavailable();
  const scans: ScanRun[] = [];
  const reference: Array<Timed & { stages: Record<string, number> }> = [];
  for (let run = 1; run <= runs; run++) {
    for (const checkout of checkouts) {
      const out = mkdtempSync(path.join(os.tmpdir(), 'sift-scan-ab-'));
      const args = ['--import', 'tsx', 'scripts/scan.ts', csv, '--no-calibrate', '--out', out];
      const { text, ...t } = await timed(process.execPath, args, checkout, run);
      const r: ScanRun = { ...t, checkout, phases: parseDoneLine(text), out };
      scans.push(r);
      console.log(
        `run ${run} ${checkout}: ${seconds(r.wallMs)} whole process, ${seconds(r.cpuMs)} CPU (train ${seconds(r.phases.train ?? 0)}, CV ${seconds(r.phases.crossVal ?? 0)}), load ${r.load1.toFixed(1)}`,
      );
    }
    if (noReference === null && run <= referenceRuns) {
      const { text, ...t } = await timed(REFERENCE_PYTHON, [REFERENCE_SCRIPT, csv], ROOT, run);
      const line = text.split('\n').find((l) => l.startsWith('rows=')) ?? '';
      reference.push({ ...t, stages: parseReferenceLine(line).stages });
      console.log(
        `run ${run} reference: ${seconds(t.wallMs)} whole process, ${seconds(t.cpuMs)} CPU, load ${t.load1.toFixed(1)}`,
      );
    }
  }
  // The same seed and data: a change that leaves training's arithmetic alone leaves every score as it was.
  const scores = (r: ScanRun | undefined) => (r ? readFileSync(path.join(r.out, 'scores.csv'), 'utf8') : '');
  const firstRound = scans.filter((s) => s.run === 1);
  const sameScores = firstRound.length === 2 && scores(firstRound[0]) === scores(firstRound[1]);
  console.log(`scores.csv of the two checkouts (run 1): ${sameScores ? 'identical' : 'DIFFERENT'}`);
  const referenceWallMs = reference.length ? median(reference.map((r) => r.wallMs)) : null;
  const referenceCpuMs = reference.length ? median(reference.map((r) => r.cpuMs)) : null;
  const medians = checkouts.map((checkout) => {
    const mine = scans.filter((s) => s.checkout === checkout);
    return {
      checkout,
      wallMs: median(mine.map((s) => s.wallMs)),
      cpuMs: median(mine.map((s) => s.cpuMs)),
      trainMs: median(mine.map((s) => s.phases.train ?? Number.NaN)),
      crossValMs: median(mine.map((s) => s.phases.crossVal ?? Number.NaN)),
      scoreMs: median(mine.map((s) => s.phases.score ?? Number.NaN)),
    };
  });
  for (const m of medians) {
    const ratio =
      referenceWallMs && referenceCpuMs
        ? ` = ${(m.wallMs / referenceWallMs).toFixed(2)}× the reference (CPU ${(m.cpuMs / referenceCpuMs).toFixed(2)}×)`
        : '';
    console.log(`median ${m.checkout}: ${seconds(m.wallMs)} whole process, ${seconds(m.cpuMs)} CPU${ratio}`);
  }
  if (referenceWallMs && referenceCpuMs)
    console.log(`median reference: ${seconds(referenceWallMs)}, ${seconds(referenceCpuMs)} CPU`);
  else console.log(`reference not run: ${noReference ?? 'no rounds asked for'}`);
  const file = path.join(ROOT, 'bench/results', `${arg('out') ?? 'train-step'}.json`);
  const report = {
    ...reportHeader('scan-ab'),
    csv: path.relative(ROOT, csv),
    medians,
    sameScores,
    referenceWallMs,
    referenceCpuMs,
    ...(noReference ? { referenceNotRun: noReference } : {}),
    scans,
    reference,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

await main();
