/**
 * Whole-process headless scans of two checkouts in turn, beside the PyTorch CPU reference (issue 15): for a change
 * to the training step, "before" and "after" measured under the same load in one run.
 *
 *   npx tsx bench/scan-ab.ts --before /path/to/other/checkout [--csv FILE] [--runs 3] [--out train-step]
 *
 * Each round runs `scripts/scan.ts FILE --no-calibrate` of the other checkout (its own node_modules, or a link to
 * these), then of this one, then the reference (`bench/torch-reference.ts`) when it can run; each with the 1-minute
 * load average before it. Prints and writes bench/results/<out>.json: per run and the medians, whole process wall
 * time and the scan's own phases (from its "done in …" line).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportHeader } from './report';
import { ROOT } from './serve';
import { referenceUnavailable, runReference } from './torch-reference';

const SYNTH20K = path.resolve(ROOT, '../shared/datasets/synth20k_flip/synth20k_flip.csv');

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

interface ScanRun {
  checkout: string;
  run: number;
  load1: number;
  /** ms from spawn to exit: Node and tsx start, imports, the scan and its output files. */
  wallMs: number;
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

function scanOnce(checkout: string, csv: string, run: number): Promise<ScanRun> {
  const load1 = os.loadavg()[0] ?? 0;
  const out = mkdtempSync(path.join(os.tmpdir(), 'sift-scan-ab-'));
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/scan.ts', csv, '--no-calibrate', '--out', out],
      { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    p.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      text += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) reject(new Error(`the scan in ${checkout} exited ${code}: ${text.slice(-400)}`));
      else resolve({ checkout, run, load1, wallMs, phases: parseDoneLine(text), out });
    });
  });
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] ?? Number.NaN) : ((v[mid - 1] ?? Number.NaN) + (v[mid] ?? Number.NaN)) / 2;
}

async function main(): Promise<void> {
  const before = arg('before');
  if (!before) throw new Error('usage: npx tsx bench/scan-ab.ts --before /path/to/other/checkout [--runs 3]');
  const csv = path.resolve(arg('csv') ?? SYNTH20K);
  const runs = Math.max(1, Number(arg('runs') ?? 3));
  const checkouts = [path.resolve(before), ROOT];
  const noReference = referenceUnavailable();
  const scans: ScanRun[] = [];
  const reference: Array<{ run: number; load1: number; wallMs: number; stages: Record<string, number> }> = [];
  for (let run = 1; run <= runs; run++) {
    for (const checkout of checkouts) {
      const r = await scanOnce(checkout, csv, run);
      scans.push(r);
      console.log(
        `run ${run} ${checkout}: ${(r.wallMs / 1000).toFixed(1)} s whole process (train ${(r.phases.train / 1000).toFixed(1)} s, CV ${(r.phases.crossVal / 1000).toFixed(1)} s), load ${r.load1.toFixed(1)}`,
      );
    }
    if (noReference === null) {
      const load1 = os.loadavg()[0] ?? 0;
      const ref = await runReference(csv);
      reference.push({ run, load1, wallMs: ref.wallMs, stages: ref.stages });
      console.log(
        `run ${run} reference: ${(ref.wallMs / 1000).toFixed(1)} s whole process, load ${load1.toFixed(1)}`,
      );
    }
  }
  const medians = checkouts.map((checkout) => {
    const mine = scans.filter((s) => s.checkout === checkout);
    return {
      checkout,
      wallMs: median(mine.map((s) => s.wallMs)),
      trainMs: median(mine.map((s) => s.phases.train ?? Number.NaN)),
      crossValMs: median(mine.map((s) => s.phases.crossVal ?? Number.NaN)),
      scoreMs: median(mine.map((s) => s.phases.score ?? Number.NaN)),
    };
  });
  // The same seed and data: a change that leaves training's arithmetic alone leaves every score as it was.
  const scores = (r: ScanRun) => readFileSync(path.join(r.out, 'scores.csv'), 'utf8');
  const firstRound = scans.filter((s) => s.run === 1);
  const sameScores =
    firstRound.length === 2 && scores(firstRound[0] as ScanRun) === scores(firstRound[1] as ScanRun);
  console.log(`scores.csv of the two checkouts (run 1): ${sameScores ? 'identical' : 'DIFFERENT'}`);
  const referenceWallMs = reference.length ? median(reference.map((r) => r.wallMs)) : null;
  for (const m of medians) {
    const ratio = referenceWallMs ? ` = ${(m.wallMs / referenceWallMs).toFixed(2)}× the reference` : '';
    console.log(`median ${m.checkout}: ${(m.wallMs / 1000).toFixed(1)} s whole process${ratio}`);
  }
  if (referenceWallMs) console.log(`median reference: ${(referenceWallMs / 1000).toFixed(1)} s`);
  else console.log(`reference not run: ${noReference}`);
  const file = path.join(ROOT, 'bench/results', `${arg('out') ?? 'train-step'}.json`);
  const report = {
    ...reportHeader('scan-ab'),
    csv: path.relative(ROOT, csv),
    medians,
    sameScores,
    referenceWallMs,
    ...(noReference ? { referenceNotRun: noReference } : {}),
    scans,
    reference,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

await main();
