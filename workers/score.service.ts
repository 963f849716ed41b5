/**
 * The score worker's service: the `ScoreApi` over the scores and training cores, with no worker or comlink in it,
 * so the contract test runs it in-process (Node, tfjs CPU backend) and the worker entry only exposes it.
 * A job: K-fold cross-validated probabilities (each fold trained here), reordered to sample order, then `scoreAll`.
 */
import * as tf from '@tensorflow/tfjs';
import { calibratedScores, inSampleOrder, stageProgress } from './core/calibration/calibrate';
import { toSampleOrder } from './core/calibration/pipeline';
import { macrotask } from './core/macrotask';
import { ScoringCancelledError } from './core/scores/hooks';
import { influenceOn } from './core/scores/influence';
import { scoreAll } from './core/scores/score-all';
import { suspicionFromScores } from './core/scores/suspicion';
import { FAMILY_NAMES, type FamilyName, type ScoreSet, type SuspicionParams } from './core/scores/types';
import { type BackendChoice, type BackendName, chooseBackend } from './core/train/backend-choice';
import { checkpointOutputs } from './core/train/checkpoint';
import { crossValidatedProbabilities } from './core/train/crossval';
import { crossValEpochsFor } from './core/train/defaults';
import type { TrainingData } from './core/train/types';
import type {
  InfluenceContext,
  InfluenceResult,
  Recombined,
  RecombineRequest,
  ScoreApi,
  ScoreJobId,
  ScoreOutcome,
  ScoreProgressCallback,
  ScoreRequest,
  ScoreResult,
  ScoreSummary,
} from './score.api';
import type { BackendRequest } from './train.api';
import type { BackendControl } from './train.service';

/** Live tensors, from the engine's count: unlike tf.memory() it never initialises a backend. */
function liveTensors(): { numTensors: number; numBytes: number } {
  const { numTensors, numBytes } = tf.engine().state;
  return { numTensors, numBytes };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { toSampleOrder };

/**
 * The rows of `data` a run recorded (a retrained run leaves the quarantined rows out of its samples) and each
 * sample's row within them: cross-validation must train on the run's rows only, or the quarantined rows would
 * shape the label family's out-of-sample probabilities. `data` itself when the run kept every row.
 */
export function runRows(
  data: TrainingData,
  sampleRows: Int32Array,
): { data: TrainingData; local: Int32Array } {
  const n = data.labels.length;
  const inRun = new Uint8Array(n);
  for (const r of sampleRows) {
    if (!(r >= 0 && r < n)) throw new RangeError(`The run names row ${r}, outside the dataset's ${n} rows.`);
    inRun[r] = 1;
  }
  // Dataset row → row of the kept data, in dataset order (so folds stratify as for a run that kept every row).
  const position = new Int32Array(n).fill(-1);
  let kept = 0;
  for (let r = 0; r < n; r++) if (inRun[r]) position[r] = kept++;
  const local = Int32Array.from(sampleRows, (r) => position[r]);
  if (kept === n) return { data, local };
  const f = data.featureCount;
  const features = new Float32Array(kept * f);
  const labels = new Int32Array(kept);
  for (let r = 0; r < n; r++) {
    const k = position[r];
    if (k < 0) continue;
    features.set(data.features.subarray(r * f, r * f + f), k * f);
    labels[k] = data.labels[r];
  }
  return { data: { ...data, features, labels }, local };
}

/** How many samples the summary lists as top suspects. */
export const TOP_SUSPECTS = 10;

/** Flag counts, label issues and the top suspects by suspicion (one pass, then a partial selection). */
export function summarizeScores(
  parts: Pick<ScoreSet, 'suspicion' | 'flags' | 'labelIssue'>,
  top = TOP_SUSPECTS,
): ScoreSummary {
  const n = parts.suspicion.length;
  const flagged = Object.fromEntries(FAMILY_NAMES.map((f) => [f, 0])) as Record<FamilyName, number>;
  let flaggedAny = 0;
  let labelIssues = 0;
  // Kept sorted, at most `top` long: most suspicious first, ties on the lower index.
  const best: number[] = [];
  const before = (a: number, b: number) =>
    parts.suspicion[a] > parts.suspicion[b] || (parts.suspicion[a] === parts.suspicion[b] && a < b);
  for (let i = 0; i < n; i++) {
    let any = false;
    for (const f of FAMILY_NAMES) {
      if (parts.flags[f][i]) {
        flagged[f]++;
        any = true;
      }
    }
    if (any) flaggedAny++;
    labelIssues += parts.labelIssue[i];
    if (best.length < top || before(i, best[best.length - 1])) {
      let at = best.length;
      while (at > 0 && before(i, best[at - 1])) at--;
      best.splice(at, 0, i);
      if (best.length > top) best.pop();
    }
  }
  return { flagged, flaggedAny, labelIssues, top: Int32Array.from(best) };
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

/** New family values, suspicion and flags from stored scores (pure computation, no tensors). */
export function recombine(request: RecombineRequest): Recombined {
  const suspicionParams: SuspicionParams = {
    ...request.suspicion,
    weights: { ...request.suspicion.weights },
    excluded: [...request.suspicion.excluded],
  };
  if (!(suspicionParams.q > 0 && suspicionParams.q <= 1)) {
    throw new RangeError(`The flag budget q must be in (0, 1], got ${suspicionParams.q}.`);
  }
  for (const [family, w] of Object.entries(suspicionParams.weights)) {
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`The ${family} weight must be ≥ 0, got ${w}.`);
  }
  const out = suspicionFromScores(request.scores, request.samples, suspicionParams);
  // labelIssue does not depend on the suspicion rule: only its count is carried over.
  const summary = summarizeScores({ ...out, labelIssue: request.labelIssue });
  return { ...out, suspicionParams, summary };
}

/** Cached per-checkpoint outputs are kept below this many floats (E × N × (C + d)); above, recomputed per query. */
const INFLUENCE_CACHE_FLOATS = 16_000_000;

/** Creates the service over the given backends. */
export function createScoreService(backends: BackendControl): ScoreApi {
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

  async function selectBackend(request: BackendRequest): Promise<BackendChoice> {
    let probes = request.probes;
    for (;;) {
      const choice = chooseBackend(probes, request.override);
      const error = await backends.activate(choice.backend);
      if (!error) {
        backendName = choice.backend;
        return choice;
      }
      if (!probes.some((p) => p.backend === choice.backend && p.available)) {
        throw new Error(`No tfjs backend could be started: ${choice.backend}: ${error}`);
      }
      probes = probes.map((p) => (p.backend === choice.backend ? { ...p, available: false, error } : p));
    }
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
      const backend = await selectBackend(request.backend);
      const before = liveTensors().numTensors;
      const { data, dynamics, crossVal } = request;
      const c = data.classCount;
      if (dynamics.classCount !== c)
        throw new RangeError('The run and the dataset disagree on the class count.');
      for (let i = 0; i < dynamics.samples; i++) {
        if (dynamics.labels[i] !== data.labels[dynamics.sampleRows[i]]) {
          throw new RangeError(
            `Sample ${i} has another label in the run than in the dataset: was it re-imported?`,
          );
        }
      }
      // Not given: the shipped default, half the run's epochs (the headless scan uses the same rule).
      const epochs = crossVal.epochs ?? crossValEpochsFor(request.settings.epochs);
      const folds = crossVal.folds;
      let fold = 0;
      const own = runRows(data, dynamics.sampleRows);
      if (request.calibration) {
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
            cancelled: () => job.cancelled,
            between: macrotask,
          },
        );
        if (cal.kind === 'cancelled' || job.cancelled) return { kind: 'cancelled' };
        if (cal.kind === 'failed') return cal;
        if (cal.kind === 'done') {
          const { scoreSet, oofProbs } = inSampleOrder(cal.scoreSet, cal.oofProbs, own.local, c);
          const t = cal.report.timings;
          const timings = { crossValMs: t.crossVal, scoreMs: t.score, totalMs: performance.now() - started };
          const tensors = { before, after: liveTensors().numTensors };
          const summary = summarizeScores(scoreSet);
          const result = {
            jobId: request.jobId,
            backend,
            scoreSet,
            summary,
            oofProbs,
            crossVal: { folds, epochs },
          };
          return { kind: 'finished', result: { ...result, timings, tensors, calibration: cal.report } };
        }
        // Too few rows for canaries: scored uncalibrated below.
      }
      const cv = await crossValidatedProbabilities(own.data, { ...request.settings, epochs }, folds, {
        onFold: (f) => {
          fold = f;
          onProgress({ phase: 'cross-validation', fold: f, folds, epoch: 0, epochs, fraction: f / folds });
        },
        onEpoch: (e) =>
          onProgress({
            phase: 'cross-validation',
            fold,
            folds,
            epoch: e.epoch + 1,
            epochs,
            fraction: (fold + (e.epoch + 1) / epochs) / folds,
          }),
        shouldStop: () => (job.cancelled ? 'cancel' : 'continue'),
      });
      if (cv.status === 'cancelled' || job.cancelled) return { kind: 'cancelled' };
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
        cancelled: () => job.cancelled,
        between: macrotask,
        onProgress: (p) => onProgress({ phase: 'scores', ...p, fraction: p.done / p.total }),
      });
      const after = liveTensors().numTensors;
      return {
        kind: 'finished',
        result: {
          jobId: request.jobId,
          backend,
          scoreSet,
          summary: summarizeScores(scoreSet),
          oofProbs,
          crossVal: { folds, epochs },
          timings: {
            crossValMs,
            scoreMs: performance.now() - scoreStart,
            totalMs: performance.now() - started,
          },
          tensors: { before, after },
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

  return {
    score: runJob,
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
    async memory() {
      return { ...liveTensors(), backend: backendName };
    },
  };
}
