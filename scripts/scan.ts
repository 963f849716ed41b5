/**
 * The headless scan: the browser's pipeline without the browser, for pipelines and CI (DESIGN §6).
 *   npm run scan -- <file.csv | images.zip | image-folder> [--label COL] [--id COL] [--epochs N] [--seed N] [--batch-size N] [--folds K] [--cv-epochs N]
 *     [--backend wasm|cpu|webgpu] [--knn auto|exact|ivf] [--out DIR]
 * Ingests with the same core (the same problem messages; exit 2 on bad input), trains, cross-validates, scores,
 * prints progress and a top-10 summary, and writes DIR/scores.csv and an unsigned DIR/<name>.manifest.json.
 * Training starts from the same size-dependent defaults as the app (`trainSettingsFor`: batch size and learning
 * rate by row count) and the folds train `crossValEpochsFor` epochs unless told otherwise.
 * Runs tfjs on the WASM backend in Node (CPU when WASM cannot start): several times faster than CPU there.
 * `--backend webgpu` needs a navigator.gpu in Node (bench/score-dawn.ts installs Dawn's before calling runScan).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { buildManifest, manifestModel } from '../workers/core/manifest/build';
import { canonicalJson } from '../workers/core/manifest/canonical';
import { scoreAll } from '../workers/core/scores/score-all';
import { FAMILY_NAMES, type KnnMode, SCORE_NAMES, type ScoreSet } from '../workers/core/scores/types';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import {
  crossValEpochsFor,
  DEFAULT_CROSS_VAL_FOLDS,
  learningRateFor,
  trainSettingsFor,
} from '../workers/core/train/defaults';
import { toSampleOrder } from '../workers/core/train/rows';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from '../workers/core/train/trainer';
import type { TrainingData, TrainSettings } from '../workers/core/train/types';
import { crossValidateOnThreads } from './fold-threads';
import { type LoadedDataset, loadDataset } from './load-dataset';

/** Where the scan writes its lines: stdout and stderr by default; tests collect them. */
export interface ScanIo {
  log(line: string): void;
  error(line: string): void;
}

/** Parsed command line. */
export interface ScanArgs {
  file: string;
  label: string | null;
  id: string | null;
  epochs: number;
  seed: number;
  /** Batch size (its learning rate from `learningRateFor`); null: `batchSizeFor` the dataset's rows. */
  batchSize: number | null;
  folds: number;
  /** Epochs of each cross-validation fold; null: `crossValEpochsFor` the run's epochs. */
  cvEpochs: number | null;
  /** The tfjs backend; null: WASM, else CPU. */
  backend: ScanBackend | null;
  /** kNN search: exact, the approximate IVF index, or by size (`approximateAbove`). */
  knn: KnnMode;
  out: string;
}

/** Backends the scan can run on in Node. */
export type ScanBackend = 'wasm' | 'cpu' | 'webgpu';
const SCAN_BACKENDS: readonly ScanBackend[] = ['wasm', 'cpu', 'webgpu'];
const KNN_MODES: readonly KnnMode[] = ['auto', 'exact', 'ivf'];

/** What a scan did: its exit code and, when it got that far, the dataset, the scores and the timings. */
export interface ScanReport {
  code: number;
  dataset?: LoadedDataset;
  scoreSet?: ScoreSet;
  /** Final-epoch embeddings (N × dim), for benchmarks (kNN recall). */
  embeddings?: { values: Float32Array; dim: number };
  backend?: string;
  /** ms per phase: ingest, train, crossVal, score, total; and `score:<stage>` per scoring stage. */
  timings: Record<string, number>;
  files: string[];
}

const USAGE =
  'usage: npm run scan -- <file.csv | images.zip | image-folder> [--label COL] [--id COL] [--epochs N] [--seed N] [--batch-size N] [--folds K] [--cv-epochs N] [--backend wasm|cpu|webgpu] [--knn auto|exact|ivf] [--out DIR]';

class UsageError extends Error {}

function oneOf<T extends string>(flag: string, text: string | undefined, options: readonly T[]): T {
  const found = options.find((o) => o === text);
  if (found === undefined) {
    throw new UsageError(
      `${flag} needs one of ${options.join(', ')}, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return found;
}

function integer(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new UsageError(
      `${flag} needs an integer ≥ ${min}, got ${text === undefined ? 'nothing' : `"${text}"`}.`,
    );
  }
  return n;
}

/** Parses the scan's arguments (after `--`). */
export function parseScanArgs(argv: readonly string[]): ScanArgs {
  const args: ScanArgs = {
    file: '',
    label: null,
    id: null,
    epochs: DEFAULT_TRAIN_SETTINGS.epochs,
    seed: DEFAULT_TRAIN_SETTINGS.seed,
    batchSize: null,
    folds: DEFAULT_CROSS_VAL_FOLDS,
    cvEpochs: null,
    backend: null,
    knn: 'auto',
    out: 'scan-out',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--label') args.label = value();
    else if (a === '--id') args.id = value();
    else if (a === '--epochs') args.epochs = integer(a, argv[++i], 1);
    else if (a === '--seed') args.seed = integer(a, argv[++i], 0);
    else if (a === '--batch-size') args.batchSize = integer(a, argv[++i], 1);
    else if (a === '--folds') args.folds = integer(a, argv[++i], 2);
    else if (a === '--cv-epochs') args.cvEpochs = integer(a, argv[++i], 1);
    else if (a === '--backend') args.backend = oneOf(a, argv[++i], SCAN_BACKENDS);
    else if (a === '--knn') args.knn = oneOf(a, argv[++i], KNN_MODES);
    else if (a === '--out') args.out = value();
    else if (a.startsWith('--')) throw new UsageError(`Unknown option ${a}.`);
    else if (args.file) throw new UsageError(`One file at a time: got "${args.file}" and "${a}".`);
    else args.file = a;
  }
  if (!args.file) throw new UsageError('No CSV file, image zip or image folder given.');
  return args;
}

/** A CSV cell: quoted when it holds a delimiter, a quote or a line break (RFC 4180). */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Shortest text that reads back as the same float32. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : '';
}

/** scores.csv: one line per dataset row, in file order (images: path order), keyed by id (images: path). */
export function scoresCsv(
  ds: Pick<LoadedDataset, 'rows' | 'ids' | 'classes'>,
  set: ScoreSet,
  sampleRows: Int32Array,
): string {
  const at = new Int32Array(ds.rows).fill(-1);
  sampleRows.forEach((row, j) => {
    at[row] = j;
  });
  const lines = [['id', 'suspicion', ...SCORE_NAMES, 'label_issue', 'suggested_label'].join(',')];
  for (let row = 0; row < ds.rows; row++) {
    const j = at[row];
    const id = csvCell(ds.ids[row]);
    if (j < 0) {
      lines.push([id, ...new Array(SCORE_NAMES.length + 3).fill('')].join(','));
      continue;
    }
    const suggested = set.suggestedLabel[j];
    lines.push(
      [
        id,
        num(set.suspicion[j]),
        ...SCORE_NAMES.map((name) => num(set.scores[name][j])),
        String(set.labelIssue[j]),
        suggested >= 0 ? csvCell(ds.classes[suggested]) : '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** Activates the requested backend (null: WASM, else CPU); a requested one that cannot start is an error. */
async function chooseBackend(io: ScanIo, requested: ScanBackend | null): Promise<string | null> {
  if (requested) {
    // Registers itself only where navigator.gpu exists; never loaded for the default WASM scan.
    if (requested === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
    let why = '';
    try {
      if ((await tf.setBackend(requested)) && tf.getBackend() === requested) {
        await tf.ready();
        return requested;
      }
    } catch (error) {
      why = `: ${error instanceof Error ? error.message : String(error)}`;
    }
    io.error(
      requested === 'webgpu' && !(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu
        ? 'The webgpu backend needs a navigator.gpu, which Node lacks (bench/score-dawn.ts provides one through Dawn).'
        : `The ${requested} backend could not start${why}.`,
    );
    return null;
  }
  try {
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  } catch (error) {
    io.error(
      `WASM backend unavailable (${error instanceof Error ? error.message : String(error)}); using CPU.`,
    );
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** Runs the scan; returns the exit code (0 done, 1 failed, 2 bad arguments or bad input) and what it made. */
export async function runScan(argv: readonly string[], io: ScanIo = console): Promise<ScanReport> {
  const timings: Record<string, number> = {};
  const files: string[] = [];
  let args: ScanArgs;
  try {
    args = parseScanArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.error(error.message);
    io.error(USAGE);
    return { code: 2, timings, files };
  }
  const t0 = performance.now();
  const loaded = await loadDataset(args.file, { label: args.label, id: args.id });
  if (!loaded.ok) {
    for (const p of loaded.problems) io.error(p);
    return { code: 2, timings, files };
  }
  const ds = loaded.dataset;
  for (const w of ds.warnings) io.log(`warning: ${w}`);
  timings.ingest = performance.now() - t0;
  io.log(`${ds.summary}, ingested in ${(timings.ingest / 1000).toFixed(1)} s`);

  const backend = await chooseBackend(io, args.backend);
  if (!backend) return { code: 2, dataset: ds, timings, files };
  prepareKernels();
  const settings: TrainSettings = {
    ...trainSettingsFor(ds.rows),
    ...(args.batchSize === null
      ? {}
      : { batchSize: args.batchSize, learningRate: learningRateFor(args.batchSize) }),
    epochs: args.epochs,
    seed: args.seed,
    // Images train the small CNN (issue 11); CSV rows the MLP.
    ...(ds.training.image ? { model: 'cnn' as const } : {}),
  };
  const data: TrainingData = ds.training;
  if (data.classCount < 2) {
    io.error(
      `${ds.fileName}: the label column "${ds.labelColumn}" has one class; scoring needs at least two.`,
    );
    return { code: 2, dataset: ds, timings, files };
  }

  io.log(
    `training (${backend}): ${settings.epochs} epochs, batch ${settings.batchSize}, learning rate ${settings.learningRate}, seed ${settings.seed}`,
  );
  const t1 = performance.now();
  const run = await trainModel(data, settings, {
    onEpoch: (e) =>
      io.log(
        `  epoch ${e.epoch + 1}/${settings.epochs}: loss ${e.trainLoss.toFixed(4)}, accuracy ${(100 * e.trainAccuracy).toFixed(1)}%` +
          (Number.isNaN(e.valAccuracy) ? '' : `, validation ${(100 * e.valAccuracy).toFixed(1)}%`),
      ),
  });
  timings.train = performance.now() - t1;
  if (run.status !== 'completed' || !run.dynamics) {
    io.error(run.nonFinite?.message ?? `Training stopped (${run.status}).`);
    return { code: 1, dataset: ds, backend, timings, files };
  }
  const dynamics = run.dynamics;

  const cvSettings = { ...settings, epochs: args.cvEpochs ?? crossValEpochsFor(settings.epochs) };
  io.log(`cross-validation: ${args.folds} folds × ${cvSettings.epochs} epochs`);
  const t2 = performance.now();
  const cv = await crossValidateOnThreads(data, cvSettings, args.folds, backend, (f, k, at) =>
    io.log(`  fold ${f + 1}/${k} (${at} at a time)`),
  );
  timings.crossVal = performance.now() - t2;
  if (cv.status !== 'completed') {
    io.error(cv.nonFinite?.message ?? `Cross-validation stopped (${cv.status}).`);
    return { code: 1, dataset: ds, backend, timings, files };
  }

  io.log('scoring');
  const t3 = performance.now();
  const set = await scoreAll(dynamics, {
    oofProbs: toSampleOrder(cv.probabilities, dynamics.sampleRows, data.classCount),
    params: { seed: args.seed, knn: { mode: args.knn } },
    onProgress: (p) => {
      if (p.stage !== 'done') io.log(`  ${p.stage} (${p.done + 1}/${p.total})`);
    },
  });
  timings.score = performance.now() - t3;
  for (const [stage, ms] of Object.entries(set.timings)) timings[`score:${stage}`] = ms;

  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const csvPath = join(outDir, 'scores.csv');
  writeFileSync(csvPath, scoresCsv(ds, set, dynamics.sampleRows));
  files.push(csvPath);

  const name = ds.manifest.name;
  const manifest = buildManifest({
    createdAt: new Date(),
    tool: { name: 'sift', version: toolVersion(), backend, tfjs: tf.version.tfjs },
    dataset: ds.manifest,
    ids: ds.ids,
    labels: ds.labels,
    rowSha256: ds.rowSha256,
    run: {
      id: 'headless-scan',
      model: manifestModel(settings),
      seed: settings.seed,
      epochs: settings.epochs,
      scoring: JSON.parse(
        JSON.stringify({ ...set.params, crossVal: { folds: args.folds, epochs: cvSettings.epochs } }),
      ),
    },
    scores: { sampleRows: dynamics.sampleRows, values: { suspicion: set.suspicion, ...set.scores } },
    decisions: new Map(),
  });
  const manifestPath = join(outDir, `${name}.manifest.json`);
  writeFileSync(manifestPath, canonicalJson(manifest));
  files.push(manifestPath);
  timings.total = performance.now() - t0;

  printSummary(io, ds, set, dynamics.sampleRows);
  io.log(
    `done in ${(timings.total / 1000).toFixed(1)} s (train ${(timings.train / 1000).toFixed(1)} s, ` +
      `cross-validation ${(timings.crossVal / 1000).toFixed(1)} s, scores ${(timings.score / 1000).toFixed(1)} s)`,
  );
  for (const f of files) io.log(`wrote ${f}`);
  return {
    code: 0,
    dataset: ds,
    scoreSet: set,
    embeddings: { values: dynamics.embeddings, dim: dynamics.embeddingDim },
    backend,
    timings,
    files,
  };
}

function printSummary(io: ScanIo, ds: LoadedDataset, set: ScoreSet, sampleRows: Int32Array): void {
  const flagged = FAMILY_NAMES.map((f) => `${f} ${set.flags[f].reduce((a, v) => a + v, 0)}`).join(', ');
  const issues = set.labelIssue.reduce((a, v) => a + v, 0);
  io.log(
    `flagged (top ${(100 * set.params.suspicion.q).toFixed(0)}% per family): ${flagged}; label issues ${issues}`,
  );
  const order = Array.from(set.suspicion.keys()).sort((a, b) => set.suspicion[b] - set.suspicion[a] || a - b);
  io.log('top 10 suspects:');
  io.log(`  ${'id'.padEnd(20)} ${'label'.padEnd(10)} ${'suggested'.padEnd(10)} suspicion  families`);
  for (const j of order.slice(0, 10)) {
    const row = sampleRows[j];
    const suggested = set.suggestedLabel[j];
    const fams = FAMILY_NAMES.filter((f) => set.flags[f][j]).join(' ');
    io.log(
      `  ${ds.ids[row].padEnd(20)} ${ds.classes[ds.labels[row]].padEnd(10)} ${(suggested >= 0 ? ds.classes[suggested] : '').padEnd(10)} ${set.suspicion[j].toFixed(4).padStart(9)}  ${fams}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runScan(process.argv.slice(2)).then(
    (report) => process.exit(report.code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
