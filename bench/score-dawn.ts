/**
 * The headless scan (scripts/scan.ts, unchanged) on a GPU through Dawn's WebGPU in Node, beside the same scan on WASM
 * on the same machine: for a GPU machine without Chromium (see bench/train-dawn.ts). Per phase and per scoring stage.
 *
 *   npm i --no-save webgpu@0.6.2 && npx tsx bench/score-dawn.ts [--dawn path/to/dawn.node] [--repeat 2]
 *     [--synth200k path/to/synth200k_flip.csv] [--out file.json]
 *
 * synth20k_flip runs the whole default pipeline on each backend. With --synth200k (made by
 * ../shared/datasets/synth200k_flip/generate.mjs) the scale set runs a short training (2 epochs, 2 folds × 1 epoch)
 * for its embedding scores: exact kNN and the default (IVF above 10k) on WebGPU, the default on WASM. The results
 * file is rewritten after every scan, so a run cut short keeps what it measured.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { arg, installDawn } from './dawn';
import { DATASETS } from './dev-data';
import { reportHeader } from './report';

interface Row {
  set: string;
  backend: string;
  args: string[];
  code: number;
  knnApproximate: boolean | null;
  /** ms by phase and `score:<stage>`, from the scan's report. */
  timings: Record<string, number>;
  errors: string[];
}

async function main(): Promise<void> {
  const gpu = installDawn();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  console.log('adapter:', JSON.stringify(adapter?.info ?? null));
  // scan.ts runs its command line when its module URL is the script's; bundled into one file (to carry it to a GPU
  // machine) it would be, so the script is renamed for the import.
  const script = process.argv[1];
  process.argv[1] = `${script}#score-dawn`;
  const { runScan } = await import('../scripts/scan');
  process.argv[1] = script;
  const repeat = Number(arg('repeat') ?? 2);
  const out = arg('out') ?? path.resolve('bench/results/score-dawn.json');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sift-score-dawn-'));
  const rows: Row[] = [];

  const save = () => {
    mkdirSync(path.dirname(out), { recursive: true });
    const report = {
      ...reportHeader('score-dawn'),
      node: process.version,
      adapter: adapter?.info ?? null,
      note: 'scripts/scan.ts in Node; WebGPU through Dawn (npm webgpu). Timings in ms from the scan report.',
      results: rows,
    };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  };

  const scan = async (set: string, file: string, backend: string, extra: string[]) => {
    const args = [file, '--label', 'label', '--id', 'id', '--backend', backend, ...extra, '--out', tmp];
    const errors: string[] = [];
    const report = await runScan(args, { log: () => {}, error: (l) => errors.push(l) });
    const t = report.timings;
    rows.push({
      set,
      backend,
      args: args.slice(1),
      code: report.code,
      knnApproximate: report.scoreSet?.knnApproximate ?? null,
      timings: t,
      errors,
    });
    const s = (k: string) => (t[k] === undefined ? '—' : (t[k] / 1000).toFixed(2));
    console.log(
      `${set} ${backend} ${extra.join(' ')}: code ${report.code}, train ${s('train')} s, cross-validation ${s('crossVal')} s, ` +
        `scores ${s('score')} s (kNN ${s('score:knn')} s), total ${s('total')} s${errors.length ? ` — ${errors.join(' | ')}` : ''}`,
    );
    save();
  };

  const synth20k = path.join(DATASETS, 'synth20k_flip/synth20k_flip.csv');
  for (let r = 0; r < repeat; r++) {
    for (const backend of ['webgpu', 'wasm']) await scan('synth20k_flip', synth20k, backend, []);
  }
  const synth200k = arg('synth200k');
  if (synth200k) {
    const short = ['--epochs', '2', '--folds', '2', '--cv-epochs', '1'];
    await scan('synth200k_flip', synth200k, 'webgpu', short);
    await scan('synth200k_flip', synth200k, 'wasm', short);
    // Last: exact kNN over 200k (about 2.6 TFLOP on the embeddings) is the one most likely to outrun a time limit.
    await scan('synth200k_flip', synth200k, 'webgpu', [...short, '--knn', 'exact']);
  }
  console.log(`wrote ${out}`);
}

await main();
