/**
 * The PyTorch CPU reference (`../shared/bench/torch_reference.py`, issue 15) run beside Sift's scan on the same CSV:
 * whether it can run here, one timed run of it (whole process, interpreter start included), and the per-stage
 * comparison table. Debian's python3-torch, python3-sklearn and python3-pandas live under /usr/bin/python3, not a
 * pyenv shim, so that interpreter is the default (SIFT_REFERENCE_PYTHON overrides it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './serve';

export const REFERENCE_SCRIPT = path.resolve(ROOT, '../shared/bench/torch_reference.py');
export const REFERENCE_PYTHON =
  process.env.SIFT_REFERENCE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

/**
 * pandas' `read_csv` of `csv`, timed inside Python (ms, interpreter start and import excluded): the ingest
 * benchmark's reference. Null when pandas does not import here.
 */
export function pandasReadCsvMs(csv: string): number | null {
  const code =
    'import sys,time,pandas\nt=time.perf_counter()\npandas.read_csv(sys.argv[1])\nprint(time.perf_counter()-t)';
  try {
    return Number(execFileSync(REFERENCE_PYTHON, ['-c', code, csv], { encoding: 'utf8' }).trim()) * 1000;
  } catch {
    return null;
  }
}

/** One run of the reference: its own stage times (ms) as it printed them, and the whole process's wall time. */
export interface ReferenceRun {
  rows: number;
  batch: number;
  epochs: number;
  /** ms per stage: read, cv, train, knn, total (the script's own clock, after the interpreter and imports). */
  stages: Record<string, number>;
  /** ms from spawn to exit: interpreter start, imports and every stage. */
  wallMs: number;
}

/** Why the reference cannot run here, or null when it can (the script exists and torch, sklearn, pandas import). */
export function referenceUnavailable(): string | null {
  if (!existsSync(REFERENCE_SCRIPT)) return `${REFERENCE_SCRIPT} is missing`;
  try {
    execFileSync(REFERENCE_PYTHON, ['-c', 'import torch, sklearn, pandas'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${REFERENCE_PYTHON} cannot import torch, sklearn and pandas (apt-get install -y python3-torch python3-sklearn python3-pandas)`;
  }
}

/** Reads the script's last line: `rows=N batch=B epochs=E read=s cv=s train=s knn=s total=s` (seconds). */
export function parseReferenceLine(line: string): Omit<ReferenceRun, 'wallMs'> {
  const fields = new Map(
    line
      .trim()
      .split(/\s+/)
      .map((kv) => kv.split('=') as [string, string]),
  );
  const count = (k: string) => {
    const v = Number(fields.get(k));
    if (!Number.isFinite(v)) throw new Error(`The reference printed no ${k}= in "${line}".`);
    return v;
  };
  const stages: Record<string, number> = {};
  for (const [k, v] of fields) if (!['rows', 'batch', 'epochs'].includes(k)) stages[k] = Number(v) * 1000;
  return { rows: count('rows'), batch: count('batch'), epochs: count('epochs'), stages };
}

/** Runs the reference on `csv` once; rejects with its stderr when it fails. */
export function runReference(csv: string): Promise<ReferenceRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(REFERENCE_PYTHON, [REFERENCE_SCRIPT, csv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const wallMs = performance.now() - t0;
      const line = stdout.split('\n').find((l) => l.startsWith('rows='));
      if (code !== 0 || !line)
        reject(new Error(`the reference exited ${code}: ${stderr.trim().slice(-400)}`));
      else resolve({ ...parseReferenceLine(line), wallMs });
    });
  });
}

/** Sift's phases against the reference's stages, by what they do (Sift's scores do more than the kNN). */
export const STAGE_PAIRS: ReadonlyArray<{ name: string; sift: string; reference: string }> = [
  { name: 'read + standardise', sift: 'ingest', reference: 'read' },
  { name: 'logged training run', sift: 'train', reference: 'train' },
  { name: 'cross-validation', sift: 'crossVal', reference: 'cv' },
  { name: 'scores (Sift: all; ref: 10-NN)', sift: 'score', reference: 'knn' },
  { name: 'in-process total', sift: 'total', reference: 'total' },
];

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? (v[mid] ?? Number.NaN) : ((v[mid - 1] ?? Number.NaN) + (v[mid] ?? Number.NaN)) / 2;
}

/**
 * Medians per stage of Sift's scans and of the reference runs made beside them, the ratios Sift / reference per
 * stage and whole process, the load before each run, and the printed table.
 */
export function compareWithReference(
  sift: ReadonlyArray<{ timings: Record<string, number>; wallMs?: number; load1?: number }>,
  reference: ReadonlyArray<ReferenceRun & { load1?: number }>,
) {
  const siftMs: Record<string, number> = {};
  const referenceMs: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  for (const p of STAGE_PAIRS) {
    siftMs[p.sift] = median(sift.map((r) => r.timings[p.sift] ?? Number.NaN));
    referenceMs[p.reference] = median(reference.map((r) => r.stages[p.reference] ?? Number.NaN));
    ratio[p.name] = (siftMs[p.sift] ?? Number.NaN) / (referenceMs[p.reference] ?? Number.NaN);
  }
  const whole = {
    sift: median(sift.map((r) => r.wallMs ?? Number.NaN)),
    reference: median(reference.map((r) => r.wallMs)),
  };
  ratio.wholeProcess = whole.sift / whole.reference;
  const loads = `load before each: Sift ${sift.map((r) => r.load1).join(' / ')}, reference ${reference.map((r) => r.load1).join(' / ')}`;
  return {
    siftMs,
    referenceMs,
    wholeProcessMs: whole,
    ratio,
    table: `${comparisonTable(siftMs, referenceMs, whole)}\n${loads}`,
  };
}

/** The side-by-side table: each stage's median ms for Sift and the reference and their ratio. */
function comparisonTable(
  sift: Record<string, number>,
  reference: Record<string, number>,
  whole: { sift: number; reference: number },
): string {
  const row = (name: string, a: number, b: number) =>
    `${name.padEnd(34)}${(a / 1000).toFixed(2).padStart(10)}${(b / 1000).toFixed(2).padStart(10)}${(a / b).toFixed(2).padStart(9)}×`;
  const lines = [
    `${'seconds (median)'.padEnd(34)}${'Sift'.padStart(10)}${'torch'.padStart(10)}${'Sift/ref'.padStart(10)}`,
  ];
  for (const p of STAGE_PAIRS)
    lines.push(row(p.name, sift[p.sift] ?? Number.NaN, reference[p.reference] ?? Number.NaN));
  lines.push(row('whole process (interpreter start in)', whole.sift, whole.reference));
  return lines.join('\n');
}
