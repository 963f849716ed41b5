/**
 * Detection benchmark (issue 10): the headless scan, calibrated and not (`--no-calibrate`), on poisoned variants of
 * the development sets (variants.ts: every attack of attacks.ts and two mixtures, two rates each, seeds of their own)
 * and on the four development sets themselves. Per set: AUROC, average precision and precision among the top k
 * (k = the number poisoned) of the suspicion, per attack for mixtures, the best single score for reference (chosen
 * with the truth, so an upper mark, not a method), the estimate of poisoned rows, and the times.
 *
 *   npm run bench:detect [-- --only SUBSTRING] [-- --resume] [-- --out NAME]
 *
 * Each variant is written as a CSV under bench/data/detect/ and scanned in this process with the scan's defaults.
 * Results go to bench/results/detect.json (or NAME.json) after every set (`--resume` keeps the sets already there). No test asserts
 * these figures (DESIGN §6); detection.test.ts holds floors on a few.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScan } from '../../scripts/scan';
import { auroc } from '../../workers/core/metrics/auroc';
import { averagePrecision, precisionAtK } from '../../workers/core/metrics/ranking';
import { SCORE_NAMES } from '../../workers/core/scores/types';
import { DATASETS } from '../dev-data';
import { reportHeader } from '../report';
import { baseSet, cleanBase, variantSpecs, writeCsv } from './variants';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.join(ROOT, 'bench/data/detect');
const DEV_SETS = ['digits_flip5', 'digits_backdoor3', 'breast_cancer_flip10', 'synth20k_flip'];

interface Quality {
  auroc: number;
  ap: number;
  /** Precision among the top k, k = poisoned rows. */
  topK: number;
}

interface SetResult {
  set: string;
  attack: string;
  rows: number;
  poisoned: number;
  calibrated: Quality & { byAttack: Record<string, Quality>; estimate: number; sentence: string };
  uncalibrated: Quality & { byAttack: Record<string, Quality> };
  /** The single score with the highest AUROC on the uncalibrated run (picked with the truth). */
  bestScore: Quality & { name: string };
  /** ms of each scan; 1-minute load average before the set. */
  ms: { calibrated: number; uncalibrated: number };
  load1: number;
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? (process.argv[k + 1] ?? '') : undefined;
}

function quality(scores: ArrayLike<number>, truth: Uint8Array): Quality {
  const k = truth.reduce((s, v) => s + v, 0);
  const r = (v: number) => Number(v.toFixed(4));
  return {
    auroc: r(auroc(scores, truth)),
    ap: r(averagePrecision(scores, truth)),
    topK: r(precisionAtK(scores, truth, k)),
  };
}

/** Quality per attack of a mixture: that attack's rows against the clean rows. */
function byAttack(scores: Float32Array, attack: string[]): Record<string, Quality> {
  const kinds = [...new Set(attack)].filter((a) => a !== 'none');
  if (kinds.length < 2) return {};
  const out: Record<string, Quality> = {};
  for (const kind of kinds) {
    const keep = attack.flatMap((a, i) => (a === kind || a === 'none' ? [i] : []));
    out[kind] = quality(
      Float32Array.from(keep, (i) => scores[i]),
      Uint8Array.from(keep, (i) => (attack[i] === kind ? 1 : 0)),
    );
  }
  return out;
}

/** A development set as it is shipped, with its truth and attack names. */
function devSet(name: string): { file: string; truth: Uint8Array; attack: string[] } {
  const dir = path.join(DATASETS, name);
  const rows = readFileSync(path.join(dir, `${name}.truth.csv`), 'utf8')
    .trimEnd()
    .split('\n')
    .slice(1);
  return {
    file: path.join(dir, `${name}.csv`),
    truth: Uint8Array.from(rows, (l) => Number(l.split(',')[1])),
    attack: rows.map((l) => l.split(',')[2] ?? 'none'),
  };
}

const silent = { log: () => {}, error: (l: string) => console.error(`  ${l}`) };

async function scanBoth(
  file: string,
  truth: Uint8Array,
  attack: string[],
  label: string[],
): Promise<Omit<SetResult, 'set' | 'attack' | 'load1'>> {
  const out = path.join(os.tmpdir(), 'sift-bench-detect');
  const t0 = performance.now();
  const cal = await runScan([file, ...label, '--out', out], silent);
  const t1 = performance.now();
  const plain = await runScan([file, ...label, '--out', out, '--no-calibrate'], silent);
  const t2 = performance.now();
  if (!cal.scoreSet || !plain.scoreSet)
    throw new Error(`${file}: the scan failed (${cal.code}, ${plain.code})`);
  let best: Quality & { name: string } = { name: '', auroc: 0, ap: 0, topK: 0 };
  for (const s of SCORE_NAMES) {
    const q = quality(plain.scoreSet.scores[s], truth);
    if (q.auroc > best.auroc) best = { name: s, ...q };
  }
  return {
    rows: truth.length,
    poisoned: truth.reduce((s, v) => s + v, 0),
    calibrated: {
      ...quality(cal.scoreSet.suspicion, truth),
      byAttack: byAttack(cal.scoreSet.suspicion, attack),
      estimate: cal.calibration?.estimate.rows ?? -1,
      sentence: cal.calibration?.sentence ?? 'not calibrated',
    },
    uncalibrated: {
      ...quality(plain.scoreSet.suspicion, truth),
      byAttack: byAttack(plain.scoreSet.suspicion, attack),
    },
    bestScore: best,
    ms: { calibrated: Math.round(t1 - t0), uncalibrated: Math.round(t2 - t1) },
  };
}

function mean(values: number[]): number {
  return Number((values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)).toFixed(4));
}

function summary(results: SetResult[]) {
  const group = (pick: (r: SetResult) => boolean) => {
    const rs = results.filter(pick);
    const m = (f: (r: SetResult) => number) => mean(rs.map(f));
    return {
      sets: rs.length,
      calibrated: {
        auroc: m((r) => r.calibrated.auroc),
        ap: m((r) => r.calibrated.ap),
        topK: m((r) => r.calibrated.topK),
      },
      uncalibrated: {
        auroc: m((r) => r.uncalibrated.auroc),
        ap: m((r) => r.uncalibrated.ap),
        topK: m((r) => r.uncalibrated.topK),
      },
      bestScore: {
        auroc: m((r) => r.bestScore.auroc),
        ap: m((r) => r.bestScore.ap),
        topK: m((r) => r.bestScore.topK),
      },
    };
  };
  return {
    all: group(() => true),
    development: group((r) => DEV_SETS.includes(r.set)),
    digits: group((r) => r.set.startsWith('digits/')),
    breast_cancer: group((r) => r.set.startsWith('breast_cancer/')),
    synth20k: group((r) => r.set.startsWith('synth20k/')),
  };
}

async function main(): Promise<void> {
  const only = arg('only') ?? '';
  const RESULTS = path.join(ROOT, 'bench/results', `${arg('out') ?? 'detect'}.json`);
  const previous: SetResult[] =
    arg('resume') !== undefined && existsSync(RESULTS)
      ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { sets: SetResult[] }).sets
      : [];
  const results = [...previous];
  const header = reportHeader('detect');
  const save = () => {
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ ...header, loadAfter: os.loadavg(), summary: summary(results), sets: results }, null, 2)}\n`,
    );
  };
  const run = async (
    set: string,
    attack: string,
    work: () => Promise<Omit<SetResult, 'set' | 'attack' | 'load1'>>,
  ) => {
    if (!set.includes(only) || results.some((r) => r.set === set)) return;
    const load1 = Number(os.loadavg()[0].toFixed(2));
    const r = { set, attack, load1, ...(await work()) };
    results.push(r);
    save();
    const f = (q: Quality) => `${q.auroc.toFixed(3)}/${q.ap.toFixed(3)}/${q.topK.toFixed(3)}`;
    console.log(
      `${set.padEnd(34)} calibrated ${f(r.calibrated)} (estimate ${r.calibrated.estimate} of ${r.poisoned})  uncalibrated ${f(r.uncalibrated)}  best ${r.bestScore.name} ${f(r.bestScore)}  load ${load1}`,
    );
  };
  for (const name of DEV_SETS) {
    await run(name, 'development set', () => {
      const d = devSet(name);
      return scanBoth(d.file, d.truth, d.attack, ['--label', 'label', '--id', 'id']);
    });
  }
  mkdirSync(DATA, { recursive: true });
  const bases = new Map<string, ReturnType<typeof cleanBase>>();
  for (const spec of variantSpecs()) {
    await run(spec.name, spec.attack, () => {
      const base = bases.get(spec.base) ?? cleanBase(baseSet(spec.base));
      bases.set(spec.base, base);
      const v = spec.build(base);
      const file = path.join(DATA, `${spec.name.replaceAll('/', '__')}.csv`);
      writeCsv(file, v);
      return scanBoth(file, v.poisoned, v.attack, ['--label', 'label', '--id', 'id']);
    });
  }
  save();
  const s = summary(results);
  console.log(JSON.stringify(s, null, 2));
  console.log(`wrote ${path.relative(ROOT, RESULTS)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
