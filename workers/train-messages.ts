/**
 * A run's messages to the page: batch points, finished epochs and anomalies gathered and sent at most every
 * `progressInterval` ms (and at once on a state change), each stamped with the run's training time; and the buffers
 * of messages and results, for transfer.
 */
import type { Anomaly } from './core/anomaly/types';
import type { EpochReport } from './core/train/trainer';
import type { TrainingDynamics } from './core/train/types';
import type {
  BatchPoints,
  RunAnomaly,
  RunId,
  RunProgress,
  TrainMessage,
  TrainMessageCallback,
  TrainResult,
} from './train.api';

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

export function deferred(): Deferred {
  const out: { resolve?: () => void } = {};
  const promise = new Promise<void>((r) => {
    out.resolve = r;
  });
  // The executor runs synchronously, so `resolve` is set here.
  const { resolve } = out;
  if (!resolve) throw new Error('Promise executor did not run synchronously.');
  return { promise, resolve };
}

/** The state of the run in flight. */
export interface ActiveRun {
  runId: RunId;
  cancelled: boolean;
  pause: Deferred | null;
  pausedAt: number;
  pausedMs: number;
  startedAt: number;
  /** Sends a progress message now (state changes); set once the run's message machinery exists. */
  flush: (() => void) | null;
}

/** Every ArrayBuffer in a result, once each (a buffer may back several views), for transfer. */
export function resultTransferables(result: TrainResult): ArrayBuffer[] {
  const views: ArrayBufferView[] = [
    result.batches.steps,
    result.batches.loss,
    result.batches.gradNorm,
    result.batchIndex.order,
    result.trainRows,
    result.valRows,
    result.excludedRows,
    result.standardization.mean,
    result.standardization.std,
    ...result.epochs.flatMap((e) => [e.classLoss, e.classMedianLoss]),
    ...result.anomalies.flatMap((a) => ('sampleRows' in a ? [a.sampleRows] : [])),
    ...dynamicsViews(result.dynamics),
  ];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

function dynamicsViews(d: TrainingDynamics | null): ArrayBufferView[] {
  if (!d) return [];
  return [
    d.sampleRows,
    d.inTraining,
    d.labels,
    d.probAssigned,
    d.margin,
    d.loss,
    d.correct,
    d.lastLayerGradSq,
    d.finalProbs,
    d.embeddings,
    d.classLoss,
    ...d.checkpoints.flatMap((c) => c.weights),
    ...(d.standardization ? [d.standardization.mean, d.standardization.std] : []),
  ];
}

/** The buffers of a message that may be transferred: its batch points (fresh arrays, never reused). */
export function messageTransferables(message: TrainMessage): ArrayBuffer[] {
  if (message.kind !== 'progress') return [];
  const { steps, loss, gradNorm } = message.batches;
  return [steps.buffer, loss.buffer, gradNorm.buffer] as ArrayBuffer[];
}

/** The message machinery of one run. */
export function startMessages(
  run: ActiveRun,
  onMessage: TrainMessageCallback,
  totalSteps: number,
  stepsPerEpoch: number,
  progressInterval: number,
) {
  let lastSent = Number.NEGATIVE_INFINITY;
  let stepsDone = 0;
  let epoch = 0;
  let batch = 0;
  let samplesPerSecond = 0;
  let pending = { steps: [] as number[], loss: [] as number[], grad: [] as number[] };
  let epochs: EpochReport[] = [];
  let anomalies: RunAnomaly[] = [];
  const elapsed = () =>
    performance.now() - run.startedAt - run.pausedMs - (run.pause ? performance.now() - run.pausedAt : 0);
  const send = () => {
    const ms = elapsed();
    const progress: RunProgress = {
      epoch,
      batch,
      stepsDone,
      totalSteps,
      stepsPerEpoch,
      samplesPerSecond,
      elapsedMs: ms,
      etaMs: stepsDone > 0 ? (ms / stepsDone) * (totalSteps - stepsDone) : Number.NaN,
      paused: run.pause !== null,
    };
    const batches: BatchPoints = {
      steps: Int32Array.from(pending.steps),
      loss: Float32Array.from(pending.loss),
      gradNorm: Float32Array.from(pending.grad),
    };
    const message: TrainMessage = {
      kind: 'progress',
      runId: run.runId,
      batches,
      epochs,
      anomalies,
      progress,
    };
    pending = { steps: [], loss: [], grad: [] };
    epochs = [];
    anomalies = [];
    onMessage(message);
    // Measured from the hand-over, so consecutive messages are at least the interval apart for the receiver.
    lastSent = performance.now();
  };
  const maybeSend = () => {
    if (performance.now() - lastSent >= progressInterval) send();
  };
  run.flush = send;
  const stamp = (found: Anomaly[]) => {
    if (found.length === 0) return;
    const at = elapsed();
    for (const a of found) {
      const timed: RunAnomaly = { ...a, elapsedMs: at };
      anomalies.push(timed);
      all.push(timed);
    }
  };
  const all: RunAnomaly[] = [];
  return {
    /** Every anomaly of the run so far, stamped. */
    all,
    batch(step: number, e: number, b: number, loss: number, grad: number, sps: number, found: Anomaly[]) {
      pending.steps.push(step);
      pending.loss.push(loss);
      pending.grad.push(grad);
      stamp(found);
      stepsDone = step + 1;
      epoch = e;
      batch = b + 1;
      samplesPerSecond = sps;
      maybeSend();
    },
    epoch(report: EpochReport, found: Anomaly[]) {
      epochs.push(report);
      stamp(found);
      maybeSend();
    },
    anomaly(found: Anomaly) {
      stamp([found]);
    },
    send,
  };
}
