/**
 * A review to open in tests: the five-row manifest fixture (or another CSV of its shape) stored through the app's own
 * stores, a run that recorded rows 0-3, and its score set. Not part of the app.
 */
import { toRecords } from '../app/db/dataset-records';
import { openSiftDb } from '../app/db/open';
import type { RunRecord } from '../app/db/run-schema';
import { storesOf } from '../app/db/stores';
import { packIds } from './core/ingest/ids';
import { CSV, ingested } from './core/manifest/test-fixture';
import { defaultScoreParams } from './core/scores/defaults';
import { FAMILY_NAMES, SCORE_NAMES, type ScoreSet } from './core/scores/types';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/defaults';
import type { TrainingDynamics } from './core/train/types';

export const filled = (n: number, f: (j: number) => number) =>
  Float32Array.from({ length: n }, (_, j) => f(j));

/** Stores the five-row fixture (or another CSV of its shape), a run that scored rows 0-3 and its score set. */
export async function seed(name: string, csv: Uint8Array = CSV) {
  const db = await openSiftDb(name);
  const stores = storesOf(db);
  const data = ingested(csv);
  const { meta, arrays } = toRecords(
    { ...data, idText: packIds(data.ids) },
    {
      id: 'ds-1' as never,
      classCounts: [3, 2],
      plan: { labelColumn: 'label', idColumn: 'id', excluded: [], oneHot: [], missing: 'impute-median' },
      limits: meta0Limits(),
      timings: { readMs: 0, parseMs: 0, workerMs: 0, transferMs: 0, storeMs: 0, totalMs: 0 },
      createdAt: 1,
    },
  );
  await stores.datasets.save(meta, arrays, new Blob([csv as Uint8Array<ArrayBuffer>]));
  const sampleRows = Int32Array.from([0, 1, 2, 3]);
  const dynamics = {
    samples: 4,
    epochs: 2,
    classCount: 2,
    sampleRows,
    inTraining: Uint8Array.from([1, 1, 1, 0]),
    labels: Int32Array.from([0, 1, 0, 1]),
    probAssigned: filled(8, () => 0.5),
    margin: filled(8, (j) => j),
    loss: filled(8, (j) => 10 + j),
    correct: new Uint8Array(8),
    lastLayerGradSq: new Float32Array(8),
    // The run predicts each recorded row's given label (cat, dog, cat, dog).
    finalProbs: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]),
    embeddings: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3.5]),
    embeddingDim: 2,
    checkpoints: [],
    classLoss: new Float32Array(4),
  } satisfies TrainingDynamics;
  const run = {
    id: 'run-1',
    datasetId: meta.id,
    createdAt: 1,
    updatedAt: 1,
    status: 'done',
    message: null,
    settings: DEFAULT_TRAIN_SETTINGS,
    thresholds: {},
    backend: { backend: 'cpu', reason: 'test' },
    trainRows: 3,
    valRows: 1,
    totalSteps: 2,
    stepsPerEpoch: 1,
    stepsDone: 2,
    epochsDone: 2,
    elapsedMs: 1,
    final: { epoch: 1, trainLoss: 1, trainAccuracy: 1, valLoss: 1, valAccuracy: 1 },
    anomalyCount: 0,
    hasDynamics: true,
  } as never;
  await stores.runs.saveFinal({
    record: run,
    curves: {
      id: 'run-1' as never,
      steps: 2,
      loss: new Float32Array(2),
      gradNorm: new Float32Array(2),
      epochs: [],
      anomalies: [
        {
          kind: 'loss-spike',
          epoch: 0,
          batch: 0,
          step: 0,
          value: 1,
          baseline: 1,
          magnitude: 1,
          message: '',
          sampleRows: Int32Array.from([2]),
          elapsedMs: 0,
        },
      ] as never,
    },
    dynamics: {
      id: 'run-1' as never,
      dynamics,
      batchIndex: { samples: 3, epochs: 0, stepsPerEpoch: 1, steps: 0, order: new Int32Array(0) },
      trainRows: Int32Array.from([0, 1, 2]),
      valRows: Int32Array.from([3]),
      modelSpec: {} as never,
      standardization: { mean: new Float32Array(2), std: new Float32Array(2) },
    },
  });
  const params = defaultScoreParams();
  params.suspicion.q = 0.25;
  const set = {
    format: 'sift-scores/1',
    samples: 4,
    scores: Object.fromEntries(
      SCORE_NAMES.map((n) => [n, n === 'aum' ? filled(4, (j) => j + 1) : new Float32Array(4)]),
    ),
    // Family values behind the flags: trajectory flags row 1 (0.9), influence row 3 (0.8); both above their bulk.
    families: Object.fromEntries(
      FAMILY_NAMES.map((f, i) => [
        f,
        i === 0
          ? Float32Array.from([0.2, 0.9, 0.1, 0.3])
          : i === 1
            ? Float32Array.from([0.1, 0.2, 0.3, 0.8])
            : new Float32Array(4),
      ]),
    ),
    suspicion: Float32Array.from([0.1, 0.9, 0.3, 0.7]),
    flags: Object.fromEntries(
      FAMILY_NAMES.map((f, i) => [
        f,
        Uint8Array.from(i === 0 ? [0, 1, 0, 0] : i === 1 ? [0, 0, 0, 1] : [0, 0, 0, 0]),
      ]),
    ),
    labelIssue: Uint8Array.from([0, 1, 0, 0]),
    suggestedLabel: Int32Array.from([-1, 0, -1, -1]),
    labelThresholds: new Float32Array(2),
    cartography: {
      confidence: Float32Array.from([0.9, 0.2, 0.8, 0.5]),
      variability: Float32Array.from([0.1, 0.3, 0.1, 0.2]),
    },
    labelSource: 'cross-validated',
    knnApproximate: false,
    mahalanobisShrinkage: [],
    params,
    timings: {},
    // As a calibrated image set would have it: of sample 1's 10 nearest images in pixels, 8 carry another label.
    pixelNeighbours: Float32Array.from([0, 0.8, 0.1, 0]),
    // What set each sample's place: AUM weighed most in every one; the random-flip canaries' detector placed sample 3.
    explanation: { score: new Uint8Array(4), kind: Uint8Array.from([255, 255, 255, 0]) },
  } as unknown as ScoreSet;
  await stores.scores.saveScoreSet({
    id: 'score-1',
    runId: 'run-1',
    datasetId: meta.id,
    createdAt: 1,
    updatedAt: 1,
    status: 'done',
    message: null,
    params,
    crossVal: { folds: 2, epochs: 1 },
    backend: { backend: 'cpu', reason: 'test' },
    scoreSet: set,
    sampleRows,
    labels: dynamics.labels,
    summary: null,
    timings: null,
  } as never);
  db.close();
  return { data, run: run as RunRecord, dynamics };
}

function meta0Limits() {
  return { maxRows: 1e6, maxColumns: 1e4, maxBytes: 1e9, maxClasses: 1e4 };
}
