/**
 * The review service in-process over a real IndexedDB implementation (fake-indexeddb, in Node): a dataset, a run and
 * a score set are stored through the app's own stores, and the service opens them by id as the worker does.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { toRecords } from '../app/db/dataset-records';
import { openSiftDb } from '../app/db/open';
import { storesOf } from '../app/db/stores';
import { packIds } from './core/ingest/ids';
import { rowsWith, subsetCsv } from './core/manifest/csv';
import { CSV, ingested } from './core/manifest/test-fixture';
import { DEFAULT_QUERY } from './core/review/table';
import { defaultScoreParams } from './core/scores/defaults';
import { FAMILY_NAMES, SCORE_NAMES, type ScoreSet } from './core/scores/types';
import { DEFAULT_TRAIN_SETTINGS } from './core/train/defaults';
import type { TrainingDynamics } from './core/train/types';
import { createReviewService } from './review.service';

const filled = (n: number, f: (j: number) => number) => Float32Array.from({ length: n }, (_, j) => f(j));

/** Stores the five-row fixture, a run that scored rows 0-3 and its score set in database `name`. */
async function seed(name: string) {
  const db = await openSiftDb(name);
  const stores = storesOf(db);
  const data = ingested();
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
  await stores.datasets.save(meta, arrays, new Blob([CSV]));
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
    finalProbs: new Float32Array(8),
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
  await stores.runs.saveFinal(
    run,
    {
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
    {
      id: 'run-1' as never,
      dynamics,
      batchIndex: { samples: 3, epochs: 0, stepsPerEpoch: 1, steps: 0, order: new Int32Array(0) },
      trainRows: Int32Array.from([0, 1, 2]),
      valRows: Int32Array.from([3]),
      modelSpec: {} as never,
      standardization: { mean: new Float32Array(2), std: new Float32Array(2) },
    },
  );
  const params = defaultScoreParams();
  params.suspicion.q = 0.25;
  const set = {
    format: 'sift-scores/1',
    samples: 4,
    scores: Object.fromEntries(
      SCORE_NAMES.map((n) => [n, n === 'aum' ? filled(4, (j) => j + 1) : new Float32Array(4)]),
    ),
    families: Object.fromEntries(FAMILY_NAMES.map((f) => [f, new Float32Array(4)])),
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
  return { data };
}

function meta0Limits() {
  return { maxRows: 1e6, maxColumns: 1e4, maxBytes: 1e9, maxClasses: 1e4 };
}

describe('review service (in-process, over IndexedDB)', () => {
  it('opens a score set by id and answers pages, filters, details, maps and lassos per dataset row', async () => {
    await seed('review-a');
    const service = createReviewService();
    const opened = await service.open({ dbName: 'review-a', datasetId: 'ds-1', scoreId: 'score-1' });
    if (opened.kind !== 'ready') throw new Error(`not ready: ${JSON.stringify(opened)}`);
    expect(opened.summary.rows).toBe(5);
    expect(opened.summary.histograms.suspicion?.threshold).toBeCloseTo(0.7, 5);
    expect(await service.query(DEFAULT_QUERY)).toBe(5);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([1, 3, 2, 0, 4]);
    const first = (await service.page(0, 1))[0];
    expect(first).toMatchObject({ id: 'r1,x', label: 'dog', suggested: 'cat', families: ['trajectory'] });
    expect(await service.query({ ...DEFAULT_QUERY, familyMask: 2 })).toBe(1);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([3]);
    expect(await service.query({ ...DEFAULT_QUERY, anomalousOnly: true })).toBe(1);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([2]);
    await service.query(DEFAULT_QUERY);
    expect(await service.step(null, 1)).toEqual({ row: 1, at: 0 });
    expect(await service.step(3, 1)).toEqual({ row: 2, at: 2 });
    expect(await service.step(4, 1)).toEqual({ row: 4, at: 4 });
    const detail = await service.detail(3);
    expect(detail?.percentiles).toMatchObject({ suspicion: 0.5, aum: 0.75 });
    expect(detail?.loss).toEqual([13, 17]);
    expect(detail?.neighbours.map((n) => n.row)).toEqual([2, 1, 0]);
    expect(detail?.neighbours[0]?.distance).toBeCloseTo(Math.hypot(1, 1.5), 5);
    expect((await service.detail(4))?.neighbours).toEqual([]);
    // Cartography points: (variability, confidence); a box around the low-confidence ones.
    const lassoed = await service.lasso(
      'cartography',
      Float32Array.from([0.15, 0, 0.4, 0, 0.4, 0.6, 0.15, 0.6]),
    );
    expect([...lassoed.rows]).toEqual([1, 3]);
    expect(lassoed.reason).toBe('trajectory, influence');
    const layer = await service.mapLayer({
      space: 'pca',
      colourBy: 'label',
      palette: Uint32Array.from([0xff0000ff, 0xff00ff00]),
      width: 40,
      height: 30,
      ratio: 1,
    });
    expect(layer?.pixels.length).toBe(40 * 30 * 4);
    // Four scored rows drawn, in the two label colours (red for cat, green for dog); nothing else.
    const colours = new Set(new Uint32Array(layer?.pixels.buffer ?? new ArrayBuffer(0)));
    expect([...colours].sort()).toEqual([0, 0xff0000ff, 0xff00ff00].sort());
  });

  it('stores each decision before it answers, undoes it, and exports files that verify', async () => {
    const { data } = await seed('review-b');
    const service = createReviewService();
    await service.open({ dbName: 'review-b', datasetId: 'ds-1' });
    const out = await service.decide({
      rows: Int32Array.from([1]),
      decision: 'quarantine',
      reasons: ['label'],
      note: '+1',
    });
    expect(out.decisions).toMatchObject({ quarantined: 1, canUndo: true });
    // A second service (another tab, a reload) reads the decision back from IndexedDB.
    const again = createReviewService();
    const reopened = await again.open({ dbName: 'review-b', datasetId: 'ds-1' });
    expect(reopened.kind === 'ready' && reopened.summary.decisions.quarantined).toBe(1);
    expect([...(await again.quarantined())]).toEqual([1]);
    const files = await service.exportFiles({ createdAt: 0, version: '0.1.0', tfjs: 'test' });
    expect([files.kept, files.quarantined]).toEqual([4, 1]);
    expect(files.clean).toEqual(
      subsetCsv(
        CSV,
        data,
        rowsWith(5, (r) => r === 1, 'keep'),
      ),
    );
    expect(new TextDecoder().decode(files.quarantine)).toBe('id,label,a,b\r\n"r1,x",dog,3,4\r\n');
    const [header, , quarantined] = files.reportText.split('\r\n').map((line) => line.split(','));
    const cell = (name: string) => quarantined?.[(header ?? []).indexOf(name) + 1];
    expect(quarantined?.slice(0, 6)).toEqual(['"r1', 'x"', 'dog', 'quarantine', 'label', '0.9']);
    expect(cell('aum')).toBe('2');
    expect(quarantined?.at(-1)).toBe("'+1");
    expect((await service.verify(files.manifestText, files.clean)).problems).toEqual([]);
    const bad = await service.verify(files.manifestText.replace('"kept": 4', '"kept": 3'), files.clean);
    expect(bad.problems).toContain('manifest field "summary.kept" changed: signature does not verify');
    expect((await service.undo()).decisions).toMatchObject({ quarantined: 0, canRedo: true });
  });
});
