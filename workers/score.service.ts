/**
 * The score worker's service: the `ScoreApi` over the scores and training cores, with no worker or comlink in it,
 * so the contract test runs it in-process (Node, tfjs CPU backend) and the worker entry only exposes it.
 * A job: K-fold cross-validated probabilities (each fold trained here), reordered to sample order, then `scoreAll`.
 */
import * as tf from '@tensorflow/tfjs';
import { calibratedScores, inSampleOrder, stageProgress } from './core/calibration/calibrate';
import type { CalibrationReport } from './core/calibration/types';
import { errorText } from './core/error-text';
import { macrotask } from './core/macrotask';
import { ScoringCancelledError } from './core/scores/hooks';
import { influenceOn } from './core/scores/influence';
import { scoreAll } from './core/scores/score-all';
import { recombine, summarizeScores } from './core/scores/summary';
import type { ScoreSet } from './core/scores/types';
import { type BackendChoice, type BackendName, chooseScoringBackend } from './core/train/backend-choice';
import { checkpointOutputs } from './core/train/checkpoint';
import { crossValidatedProbabilities, type FoldPoolFactory } from './core/train/crossval';
import { crossValEpochsFor } from './core/train/defaults';
import { runRows, toSampleOrder } from './core/train/rows';
import { storesFor } from './db';
import { RowNames } from './row-names';
import type {
  CrossValSettings,
  InfluenceAnswer,
  InfluenceContext,
  InfluenceResult,
  Recombined,
  ScoreApi,
  ScoreJobId,
  ScoreOutcome,
  ScoreProgressCallback,
  ScoreRequest,
  ScoreResult,
} from './score.api';
import { activateChoice, activateFoldBackend, activateScoringBackend } from './score-backends';
import { ScoreViews, scoreStoredJob } from './score-store';
import type { BackendRequest } from './train.api';
import type { BackendControl } from './train.service';

/** Live tensors, from the engine's count: unlike tf.memory() it never initialises a backend. */
function liveTensors(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.engine().state;
  return { numTensors, numBytes };
}

/** Every ArrayBuffer of a score set, once each, for transfer. */
export function scoreSetTransferables(set: ScoreSet): ArrayBuffer[] {
  const views: ArrayBufferView[] = [
    ...Object.values(set.scores),
    ...Object.values(set.families),
    ...Object.values(set.flags),
    set.suspicion,
    set.labelIssue,
    set.suggestedLabel,
    set.labelThresholds,
    set.cartography.confidence,
    set.cartography.variability,
  ];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

/** The buffers of a result that may be transferred. */
export function scoreResultTransferables(result: ScoreResult): ArrayBuffer[] {
  return [
    ...new Set([
      ...scoreSetTransferables(result.scoreSet),
      result.oofProbs.buffer as ArrayBuffer,
      result.summary.top.buffer as ArrayBuffer,
    ]),
  ];
}

/** The buffers of a recombination. */
export function recombinedTransferables(r: Recombined): ArrayBuffer[] {
  const views = [r.suspicion, r.summary.top, ...Object.values(r.families), ...Object.values(r.flags)];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

/** Cached per-checkpoint outputs are kept below this many floats (E × N × (C + d)); above, recomputed per query. */
const INFLUENCE_CACHE_FLOATS = 16_000_000;

/** What the scoring pipeline gives: every score, or why it stopped. */
type PipelineOutcome =
  | {
      kind: 'scored';
      scoreSet: ScoreSet;
      oofProbs: Float32Array;
      crossVal: CrossValSettings;
      crossValMs: number;
      scoreMs: number;
      /** The calibration's report, when the job was calibrated on canaries. */
      calibration?: CalibrationReport;
    }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/**
 * The scoring pipeline of one job, the service's one call into the scores core: K-fold cross-validated
 * probabilities (each fold trained here), reordered to sample order, then `scoreAll`; or, when the request asks for
 * calibration (issue 10), the calibrated pipeline on canaries. Throws on bad input. Training (the folds, the calibrated
 * run's) runs on `workers.backend`; `beforeScoring` (awaited at every `between`, whose only caller in either pipeline
 * is scoreAll, first at a checkpoint before it makes any tensor) switches to the scoring backend.
 */
export async function scoringPipeline(
  request: ScoreRequest,
  cancelled: () => boolean,
  onProgress: ScoreProgressCallback,
  workers: { pool: FoldPoolFactory; backend: BackendName; beforeScoring?: () => Promise<void> },
): Promise<PipelineOutcome> {
  const started = performance.now();
  const between = () => (workers.beforeScoring?.() ?? Promise.resolve()).then(macrotask);
  const { data, dynamics, crossVal } = request;
  const c = data.classCount;
  if (dynamics.classCount !== c) throw new RangeError('The run and the dataset disagree on the class count.');
  for (let i = 0; i < dynamics.samples; i++) {
    if (dynamics.labels[i] !== data.labels[dynamics.sampleRows[i] as number]) {
      throw new RangeError(
        `Sample ${i} has another label in the run than in the dataset: was it re-imported?`,
      );
    }
  }
  // Not given: the shipped default, half the run's epochs (the headless scan uses the same rule).
  const epochs = crossVal.epochs ?? crossValEpochsFor(request.settings.epochs);
  const folds = crossVal.folds;
  let foldsDone = 0;
  const own = runRows(data, dynamics.sampleRows);
  if (request.calibration) {
    const calPool = workers.pool(workers.backend, own.data, folds);
    const cal = await calibratedScores(
      own.data,
      request.settings,
      { folds, epochs },
      request.params,
      request.calibration,
      {
        ...stageProgress((stage, done, total) =>
          onProgress({ phase: 'scores', stage, done, total, fraction: done / total }),
        ),
        cancelled,
        between,
        foldPool: calPool,
      },
    ).finally(() => calPool?.dispose());
    if (cal.kind === 'cancelled' || cancelled()) return { kind: 'cancelled' };
    if (cal.kind === 'failed') return cal;
    if (cal.kind === 'done') {
      const { scoreSet, oofProbs } = inSampleOrder(cal.scoreSet, cal.oofProbs, own.local, c);
      const t = cal.report.timings;
      return {
        kind: 'scored',
        scoreSet,
        oofProbs,
        crossVal: { folds, epochs },
        crossValMs: t.crossVal ?? 0,
        scoreMs: t.score ?? 0,
        calibration: cal.report,
      };
    }
    // Too few rows for canaries: scored uncalibrated below.
  }
  const pool = workers.pool(workers.backend, own.data, folds);
  const cv = await crossValidatedProbabilities(own.data, { ...request.settings, epochs }, folds, {
    onFoldsDone: (done) => {
      foldsDone = done;
      onProgress({
        phase: 'cross-validation',
        foldsDone: done,
        folds,
        epoch: 0,
        epochs,
        fraction: done / folds,
      });
    },
    onEpoch: (e) =>
      onProgress({
        phase: 'cross-validation',
        foldsDone,
        folds,
        epoch: e.epoch + 1,
        epochs,
        fraction: Math.min(1, (foldsDone + (e.epoch + 1) / epochs) / folds),
      }),
    shouldStop: () => (cancelled() ? 'cancel' : 'continue'),
    pool,
  }).finally(() => pool?.dispose());
  if (cv.status === 'cancelled' || cancelled()) return { kind: 'cancelled' };
  if (cv.status !== 'completed') {
    return {
      kind: 'failed',
      message: cv.nonFinite?.message ?? 'Cross-validation stopped before every fold finished.',
    };
  }
  const crossValMs = performance.now() - started;
  const oofProbs = toSampleOrder(cv.probabilities, own.local, c);
  const scoreStart = performance.now();
  const scoreSet = await scoreAll(dynamics, {
    oofProbs,
    params: request.params,
    features: { values: own.data.features, count: own.data.featureCount, rows: own.local },
    cancelled,
    between,
    onProgress: (p) => onProgress({ phase: 'scores', ...p, fraction: p.done / p.total }),
  });
  return {
    kind: 'scored',
    scoreSet,
    oofProbs,
    crossVal: { folds, epochs },
    crossValMs,
    scoreMs: performance.now() - scoreStart,
  };
}

/** Creates the service over the given backends; folds run in `foldPool`'s workers when it gives a pool. */
export function createScoreService(
  backends: BackendControl,
  foldPool: FoldPoolFactory = () => null,
): ScoreApi {
  let active: { jobId: ScoreJobId; cancelled: boolean } | null = null;
  /**
   * Cancels that arrived before their job: the page shows Cancel while it still reads the run from IndexedDB, so a
   * quick click can overtake the start. Kept few: an id that never starts costs one entry.
   */
  const cancelledEarly: ScoreJobId[] = [];
  let backendName: BackendName | null = null;
  let prepared: {
    context: InfluenceContext;
    outputs: Array<{ learningRate: number; probs: Float32Array; embeddings: Float32Array }> | null;
  } | null = null;

  /** The scoring backend for influence, chosen and activated as a scoring job's (issue 15). */
  async function selectBackend(request: BackendRequest): Promise<BackendChoice> {
    const { choice } = await activateChoice(backends, request.probes, (p) =>
      chooseScoringBackend(p, request.override),
    );
    backendName = choice.backend;
    return choice;
  }

  async function runJob(request: ScoreRequest, onProgress: ScoreProgressCallback): Promise<ScoreOutcome> {
    const early = cancelledEarly.indexOf(request.jobId);
    if (early >= 0) {
      cancelledEarly.splice(early, 1);
      return { kind: 'cancelled' };
    }
    const job = { jobId: request.jobId, cancelled: false };
    if (active) return { kind: 'failed', message: 'Another scoring job is running in this worker.' };
    active = job;
    const started = performance.now();
    try {
      // The folds train on the training rule's backend; scoring switches to its own choice when it starts.
      const folds = await activateFoldBackend(backends, request.backend);
      backendName = folds.choice.backend;
      let backend = folds.choice;
      const before = liveTensors().numTensors;
      const scored = await scoringPipeline(request, () => job.cancelled, onProgress, {
        pool: foldPool,
        backend: folds.choice.backend,
        beforeScoring: async () => {
          if (backend !== folds.choice) return; // switched already
          backend = (await activateScoringBackend(backends, request.backend, folds)).choice;
          backendName = backend.backend;
        },
      });
      if (scored.kind !== 'scored') return scored;
      const { scoreSet, crossValMs, scoreMs } = scored;
      const after = liveTensors().numTensors;
      return {
        kind: 'finished',
        result: {
          jobId: request.jobId,
          backend,
          scoreSet,
          summary: summarizeScores(scoreSet),
          oofProbs: scored.oofProbs,
          crossVal: scored.crossVal,
          timings: { crossValMs, scoreMs, totalMs: performance.now() - started },
          tensors: { before, after },
          ...(scored.calibration ? { calibration: scored.calibration } : {}),
        },
      };
    } catch (error) {
      if (error instanceof ScoringCancelledError) return { kind: 'cancelled' };
      return { kind: 'failed', message: errorText(error) };
    } finally {
      active = null;
    }
  }

  async function checkpointSet(
    context: InfluenceContext,
  ): Promise<Array<{ learningRate: number; probs: Float32Array; embeddings: Float32Array }>> {
    const d = context.dynamics;
    if (!d.modelSpec || !d.standardization) throw new Error('This run has no model spec: train it again.');
    const out = [];
    for (const cp of d.checkpoints) {
      const o = await checkpointOutputs(d.modelSpec, d.standardization, cp, context.features, d.sampleRows);
      out.push({ learningRate: cp.learningRate, probs: o.probs, embeddings: o.embeddings });
    }
    return out;
  }

  const views = new ScoreViews(new RowNames());

  const api: ScoreApi = {
    score: runJob,
    scoreStored: (job, onProgress) => scoreStoredJob(runJob, views, job, onProgress),
    scoringsOf: (dbName, runId) => views.ofRun(dbName, runId),
    recombineStored: (dbName, id, wanted) => views.recombined(dbName, id, wanted),
    async cancel(jobId) {
      if (active && active.jobId === jobId) active.cancelled = true;
      else if (!cancelledEarly.includes(jobId)) {
        cancelledEarly.push(jobId);
        if (cancelledEarly.length > 16) cancelledEarly.shift();
      }
    },
    async recombine(request) {
      return recombine(request);
    },
    async prepareInfluence(context) {
      const d = context.dynamics;
      if (!d.modelSpec) throw new Error('This run has no model spec: train it again.');
      // A running job chose the backend and its tensors live there: switching under it would strand them.
      const backend: BackendChoice =
        active && backendName
          ? { backend: backendName, reason: 'In use by the running scoring job.' }
          : await selectBackend(context.backend);
      const floats = d.checkpoints.length * d.samples * (d.classCount + d.embeddingDim);
      prepared = { context, outputs: null };
      if (floats <= INFLUENCE_CACHE_FLOATS) prepared.outputs = await checkpointSet(context);
      return backend;
    },
    async influenceOn(key, target, top = 20): Promise<InfluenceResult> {
      if (!prepared || prepared.context.key !== key) {
        throw new Error('Influence was not prepared for this run: call prepareInfluence first.');
      }
      const d = prepared.context.dynamics;
      const outputs = prepared.outputs ?? (await checkpointSet(prepared.context));
      // Every row is asked for (top = N) and the held-out rows dropped afterwards: rows never trained on cannot
      // have influenced the model, so they are neither proponents nor opponents.
      const all = await influenceOn(target, outputs, d.labels, d.classCount, d.embeddingDim, d.samples);
      const influence = Float32Array.from(all.influence, (v, i) => (d.inTraining[i] ? v : 0));
      const keep = (rows: Int32Array) => rows.filter((i) => d.inTraining[i] === 1).slice(0, top);
      return {
        target,
        influence,
        proponents: keep(all.proponents),
        opponents: keep(all.opponents),
      };
    },
    async influenceFor(query, row, top = 8): Promise<InfluenceAnswer> {
      if (prepared?.context.key !== query.runId) {
        const stores = await storesFor(query.dbName);
        const [arrays, stored, run] = await Promise.all([
          stores.datasets.loadArrays(query.datasetId as never),
          stores.runs.getDynamics(query.runId as never),
          stores.runs.getRun(query.runId as never),
        ]);
        const d = stored?.dynamics;
        if (!arrays || !d) throw new Error('This run recorded no dynamics: influence needs its checkpoints.');
        // Influence is scoring work: the scoring probe's choice. Without probes, the run's training backend, assumed
        // to work as it did for training.
        const runBackend = run?.backend?.backend ?? null;
        const probes = query.probes.length
          ? query.probes
          : runBackend
            ? [{ backend: runBackend, available: true }]
            : [];
        await api.prepareInfluence({
          key: query.runId,
          features: arrays.features,
          dynamics: d,
          backend: { probes, override: query.override ?? null },
        });
      }
      const d = prepared?.context.dynamics;
      if (!d) throw new Error('Influence was not prepared.');
      const used = backendName ?? 'unknown';
      // The run's own sample order (a retrained run leaves the quarantined rows out of it).
      const target = d.sampleRows.indexOf(row);
      if (target < 0) return { row, proponents: [], opponents: [], backend: used, leftOut: true };
      const out = await api.influenceOn(query.runId, target, top);
      const entries = (samples: Int32Array) =>
        Array.from(samples, (i) => ({ row: d.sampleRows[i] as number, value: out.influence[i] as number }));
      return {
        row,
        proponents: entries(out.proponents),
        opponents: entries(out.opponents),
        backend: used,
        leftOut: false,
      };
    },
    async memory() {
      return { ...liveTensors(), backend: backendName };
    },
  };
  return api;
}
