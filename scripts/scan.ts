/**
 * The headless scan: the browser's pipeline without the browser, for pipelines and CI (DESIGN §6).
 *   npm run scan -- <file.csv | images.zip | image-folder> [--label COL] [--id COL] [--exclude COL,...]
 *     [--one-hot COL,...]
 *     [--epochs N] [--seed N] [--batch-size N] [--folds K] [--cv-epochs N]
 *     [--backend wasm|cpu|webgpu] [--knn auto|exact|ivf] [--out DIR]
 *     [--no-calibrate] [--canary-rate R] [--canary-kinds K1,K2,...] [--canary-seed N] [--help]
 * Ingests with the same core (the same problem messages; exit 2 on bad input), trains, cross-validates, scores,
 * prints progress and a top-10 summary, and writes DIR/scores.csv and an unsigned DIR/<name>.manifest.json.
 * By default the suspicion is calibrated on canaries (workers/core/calibration/calibrate.ts): the pipeline runs on the
 * rows plus canaries, and the analyst's rows are ranked by the fused suspicion learned from them; the summary prints
 * what the canaries measured, and the manifest records it. `--no-calibrate` scores the rows alone with the
 * uncalibrated rule. Training starts from the same size-dependent defaults as the app (`trainSettingsFor`: batch size
 * and learning rate by row count) and the folds train `crossValEpochsFor` epochs unless told otherwise.
 * Runs tfjs on the WASM backend in Node (CPU when WASM cannot start): several times faster than CPU there.
 * `--backend webgpu` needs a navigator.gpu in Node (bench/score-dawn.ts installs Dawn's before calling runScan).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { calibratedScores } from '../workers/core/calibration/calibrate';
import { type PipelineHooks, runPipeline } from '../workers/core/calibration/pipeline';
import type { CalibrationReport } from '../workers/core/calibration/types';
import type { ScoreSet } from '../workers/core/scores/types';
import { prepareKernels } from '../workers/core/train/backend-kernels';
import type { FoldPool } from '../workers/core/train/crossval';
import { crossValEpochsFor, learningRateFor, trainSettingsFor } from '../workers/core/train/defaults';
import type { TrainingData, TrainSettings } from '../workers/core/train/types';
import { createFoldThreads } from './fold-threads';
import { type LoadedDataset, loadDataset } from './load-dataset';
import { parseScanArgs, type ScanArgs, type ScanBackend, USAGE, UsageError } from './scan-args';
import { printCalibration, printSummary, type ScanIo, writeScanOutputs } from './scan-output';

export { parseScanArgs, type ScanArgs, type ScanBackend } from './scan-args';
export { csvCell, type ScanIo, scoresCsv } from './scan-output';

/** What a scan did: its exit code and, when it got that far, the dataset, the scores and the timings. */
export interface ScanReport {
  code: number;
  dataset?: LoadedDataset;
  scoreSet?: ScoreSet;
  /** The calibration's report, when the suspicion was calibrated. */
  calibration?: CalibrationReport;
  /** Final-epoch embeddings of the dataset's rows (N × dim), for benchmarks (kNN recall). */
  embeddings?: { values: Float32Array; dim: number };
  backend?: string;
  /** ms per phase: ingest, train, crossVal, score, calibration (fitting the fused suspicion), total; `score:<stage>`. */
  timings: Record<string, number>;
  files: string[];
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
  if (args.help) {
    io.log(USAGE);
    return { code: 0, timings, files };
  }
  const t0 = performance.now();
  const loaded = await loadDataset(args.file, {
    label: args.label,
    id: args.id,
    exclude: args.exclude,
    oneHot: args.oneHot,
  });
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

  const crossVal = { folds: args.folds, epochs: args.cvEpochs ?? crossValEpochsFor(settings.epochs) };
  io.log(
    `training (${backend}): ${settings.epochs} epochs, batch ${settings.batchSize}, learning rate ${settings.learningRate}, seed ${settings.seed}; ` +
      `cross-validation ${crossVal.folds} folds × ${crossVal.epochs} epochs`,
  );
  const scored = await scoreRows(io, args, data, settings, crossVal, backend);
  if (scored.kind !== 'done') {
    if (scored.kind === 'failed') io.error(scored.message);
    else io.error('The scan was cancelled.');
    return { code: 1, dataset: ds, backend, timings, files };
  }
  const { set, calibration } = scored;
  Object.assign(timings, scored.timings);
  for (const [stage, ms] of Object.entries(set.timings)) timings[`score:${stage}`] = ms;

  const outDir = resolve(args.out);
  mkdirSync(outDir, { recursive: true });
  const sampleRows = Int32Array.from({ length: set.samples }, (_, i) => i);
  files.push(
    ...writeScanOutputs({
      dir: outDir,
      ds,
      set,
      sampleRows,
      backend,
      settings,
      crossVal,
      calibration,
    }),
  );
  timings.total = performance.now() - t0;

  if (calibration) printCalibration(io, calibration);
  printSummary(io, ds, set, sampleRows);
  const sec = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);
  io.log(
    `done in ${sec(timings.total)} s (train ${sec(timings.train)} s, cross-validation ${sec(timings.crossVal)} s, ` +
      `scores ${sec(timings.score)} s${calibration ? `, calibration ${sec(timings.calibration)} s` : ''})`,
  );
  for (const f of files) io.log(`wrote ${f}`);
  return {
    code: 0,
    dataset: ds,
    scoreSet: set,
    ...(calibration ? { calibration } : {}),
    embeddings: scored.embeddings,
    backend,
    timings,
    files,
  };
}

/** ms of the pipeline's phases (0 for one that did not report). */
function phases(t: Record<string, number | undefined>): Record<string, number> {
  return { train: t.train ?? 0, crossVal: t.crossVal ?? 0, score: t.score ?? 0 };
}

type Scored =
  | {
      kind: 'done';
      set: ScoreSet;
      calibration: CalibrationReport | null;
      embeddings: { values: Float32Array; dim: number };
      timings: Record<string, number>;
    }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** Trains, cross-validates and scores: on rows + canaries when calibrating (unless the table is too small), else alone. */
async function scoreRows(
  io: ScanIo,
  args: ScanArgs,
  data: TrainingData,
  settings: TrainSettings,
  crossVal: { folds: number; epochs: number },
  backend: string,
): Promise<Scored> {
  // The folds run on worker threads, one per core as memory allows (WebGPU keeps them here, on its one device).
  const threads = backend === 'webgpu' ? null : createFoldThreads(data, crossVal.folds, backend);
  try {
    return await scoreOn(io, args, data, settings, crossVal, threads);
  } finally {
    await threads?.close();
  }
}

async function scoreOn(
  io: ScanIo,
  args: ScanArgs,
  data: TrainingData,
  settings: TrainSettings,
  crossVal: { folds: number; epochs: number },
  foldPool: FoldPool | null,
): Promise<Scored> {
  const n = data.labels.length;
  const hooks: PipelineHooks = {
    foldPool,
    onEpoch: (e) =>
      io.log(
        `  epoch ${e.epoch + 1}/${settings.epochs}: loss ${e.trainLoss.toFixed(4)}, accuracy ${(100 * e.trainAccuracy).toFixed(1)}%` +
          (Number.isNaN(e.valAccuracy) ? '' : `, validation ${(100 * e.valAccuracy).toFixed(1)}%`),
      ),
    onFoldsDone: (done, k) => io.log(`  ${done} of ${k} folds done (${foldPool?.size ?? 1} at a time)`),
    onScoreProgress: (p) => {
      if (p.stage !== 'done') io.log(`  ${p.stage} (${p.done + 1}/${p.total})`);
    },
  };
  const params = { seed: args.seed, knn: { mode: args.knn } };
  const embeddingsOf = (values: Float32Array, dim: number) => ({ values: values.slice(0, n * dim), dim });
  if (args.calibrate) {
    const out = await calibratedScores(
      data,
      settings,
      crossVal,
      params,
      {
        canary: {
          seed: args.canarySeed,
          rate: args.canaryRate,
          kinds: args.canaryKinds,
        },
        fusion: {},
      },
      { ...hooks, onCalibrationStep: (step, detail) => io.log(`calibration (${step}): ${detail}`) },
    );
    if (out.kind === 'done') {
      const t = out.report.timings;
      return {
        kind: 'done',
        set: out.scoreSet,
        calibration: out.report,
        embeddings: embeddingsOf(out.embeddings.values, out.embeddings.dim),
        timings: {
          ...phases(t),
          calibration: (t.canaries ?? 0) + (t.fusion ?? 0),
        },
      };
    }
    if (out.kind !== 'skipped') return out;
    io.log(`calibration skipped: ${out.reason} Scoring with the uncalibrated rule.`);
  }
  const run = await runPipeline(data, settings, crossVal, params, hooks);
  if (run.kind !== 'done') return run;
  return {
    kind: 'done',
    set: run.scoreSet,
    calibration: null,
    embeddings: embeddingsOf(run.dynamics.embeddings, run.dynamics.embeddingDim),
    timings: phases(run.timings),
  };
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
