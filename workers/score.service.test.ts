/**
 * Contract test of the score service, in-process on tfjs's CPU backend: the same object the worker exposes
 * (e2e/score.spec.ts drives it through the real worker in Chromium).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { auroc } from './core/metrics/auroc';
import { influenceOn } from './core/scores/influence';
import { suspicionFromScores } from './core/scores/suspicion';
import { checkpointOutputs } from './core/train/checkpoint';
import { crossValidatedProbabilities } from './core/train/crossval';
import { runRows, toSampleOrder, withoutRows } from './core/train/rows';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from './core/train/trainer';
import type { TrainingData, TrainSettings } from './core/train/types';
import type { InfluenceDynamics, ScoreJobId, ScoreProgressMessage, ScoreRequest } from './score.api';
import { createScoreService } from './score.service';
import type { BackendControl } from './train.service';
import { syntheticData } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cpuOnly: BackendControl = {
  candidates: () => ['cpu'],
  async activate(name) {
    if (name !== 'cpu') return `${name} is not available in Node`;
    return (await tf.setBackend('cpu')) ? null : 'setBackend(cpu) failed';
  },
  webgpuAdapter: async () => null,
};

const settings: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  hidden: [8],
  epochs: 6,
  batchSize: 16,
  learningRate: 0.02,
};

/** 240 separable rows with every 20th label moved to the next class; `flipped` marks them. */
function flippedData(): { data: TrainingData; flipped: Uint8Array } {
  const data = syntheticData(240, 6, 3, 7);
  const flipped = new Uint8Array(240);
  for (let r = 5; r < 240; r += 20) {
    data.labels[r] = ((data.labels[r] ?? 0) + 1) % 3;
    flipped[r] = 1;
  }
  return { data, flipped };
}

function copyData(d: TrainingData): TrainingData {
  return { ...d, features: d.features.slice(), labels: d.labels.slice() };
}

let nextJob = 0;
async function request(folds = 3): Promise<{ req: ScoreRequest; data: TrainingData; flipped: Uint8Array }> {
  const { data, flipped } = flippedData();
  const run = await trainModel(data, settings);
  if (!run.dynamics) throw new Error('no dynamics');
  const req: ScoreRequest = {
    jobId: `job-${nextJob++}` as ScoreJobId,
    data: copyData(data),
    settings,
    dynamics: run.dynamics,
    params: { seed: 1 },
    crossVal: { folds, epochs: 4 },
    backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: null },
  };
  return { req, data, flipped };
}

describe('score service', () => {
  it('cross-validates, scores every row, reports progress per fold and stage, and frees every tensor', async () => {
    const service = createScoreService(cpuOnly);
    const { req, data, flipped } = await request();
    const before = (await service.memory()).numTensors;
    const messages: ScoreProgressMessage[] = [];
    const outcome = await service.score(req, (m) => messages.push(m));
    expect((await service.memory()).numTensors).toBe(before);
    expect(outcome.kind).toBe('finished');
    if (outcome.kind !== 'finished') return;
    const { result } = outcome;
    expect(result.tensors.after).toBe(result.tensors.before);
    expect(result.backend.backend).toBe('cpu');
    expect(result.crossVal).toEqual({ folds: 3, epochs: 4 });
    const s = result.scoreSet;
    expect(s.samples).toBe(240);
    expect(s.labelSource).toBe('cross-validated');
    expect(s.suspicion.length).toBe(240);
    const sorted = Array.from(s.suspicion.keys()).sort(
      (a, b) => (s.suspicion[b] ?? 0) - (s.suspicion[a] ?? 0) || a - b,
    );
    expect(Array.from(result.summary.top)).toEqual(sorted.slice(0, 10));
    expect(result.summary.labelIssues).toBe(s.labelIssue.reduce((a, v) => a + v, 0));
    expect(result.summary.flagged.label).toBe(s.flags.label.reduce((a, v) => a + v, 0));

    // The out-of-sample probabilities are cross-validation's, reordered to sample order.
    const cv = await crossValidatedProbabilities(data, { ...settings, epochs: 4 }, 3);
    expect(result.oofProbs).toEqual(toSampleOrder(cv.probabilities, req.dynamics.sampleRows, 3));

    // Progress: the count of finished folds from 0 to 3, each fold's epochs, then the scoring stages in order,
    // fractions never decreasing.
    const cvMsgs = messages.filter((m) => m.phase === 'cross-validation');
    const counts = cvMsgs.map((m) => m.foldsDone);
    expect([...new Set(counts)]).toEqual([0, 1, 2, 3]);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(cvMsgs.filter((m) => m.epoch === 4).length).toBe(3);
    const stages = messages.flatMap((m) => (m.phase === 'scores' ? [m.stage] : []));
    expect(stages[0]).toBe('trajectory');
    expect(stages[stages.length - 1]).toBe('done');
    const cvFractions = cvMsgs.map((m) => m.fraction);
    expect(cvFractions).toEqual([...cvFractions].sort((a, b) => a - b));

    // The flips are found: suspicion ranks them high over all rows, validation rows included.
    expect(auroc(s.suspicion, flipped)).toBeGreaterThan(0.9);
    const held = Array.from(req.dynamics.inTraining.keys()).filter((i) => req.dynamics.inTraining[i] === 0);
    expect(held.length).toBeGreaterThan(20);
    expect(held.every((i) => Number.isFinite(s.suspicion[i]))).toBe(true);
  }, 120_000);

  it('cancels during cross-validation and during scoring, freeing every tensor', async () => {
    const service = createScoreService(cpuOnly);
    const before = (await service.memory()).numTensors;
    const a = await request();
    const during = service.score(a.req, (m) => {
      if (m.phase === 'cross-validation' && m.foldsDone === 1) void service.cancel(a.req.jobId);
    });
    expect((await during).kind).toBe('cancelled');
    expect((await service.memory()).numTensors).toBe(before);

    const b = await request();
    const scoring = service.score(b.req, (m) => {
      if (m.phase === 'scores' && m.stage === 'knn') void service.cancel(b.req.jobId);
    });
    expect((await scoring).kind).toBe('cancelled');
    expect((await service.memory()).numTensors).toBe(before);

    // A cancel naming another job changes nothing.
    const c = await request(2);
    const other = await service.score(c.req, (m) => {
      if (m.phase === 'cross-validation') void service.cancel('someone-else' as ScoreJobId);
    });
    expect(other.kind).toBe('finished');
  }, 180_000);

  it('honours a cancel that arrives before its job starts', async () => {
    const service = createScoreService(cpuOnly);
    const before = (await service.memory()).numTensors;
    const { req } = await request(2);
    await service.cancel(req.jobId);
    const progress: ScoreProgressMessage[] = [];
    expect((await service.score(req, (m) => progress.push(m))).kind).toBe('cancelled');
    expect(progress).toEqual([]);
    expect((await service.memory()).numTensors).toBe(before);
    // The early cancel is used up: the same id started again runs.
    const again = await service.score({ ...req, crossVal: { folds: 2, epochs: 1 } }, () => undefined);
    expect(again.kind).toBe('finished');
  }, 60_000);

  it("trains the folds for half the run's epochs when the request gives none", async () => {
    const service = createScoreService(cpuOnly);
    const { req } = await request(2);
    const epochsSeen = new Set<number>();
    const out = await service.score({ ...req, crossVal: { folds: 2, epochs: null } }, (m) => {
      if (m.phase === 'cross-validation') epochsSeen.add(m.epochs);
    });
    if (out.kind !== 'finished') throw new Error(`scoring ${out.kind}`);
    expect(settings.epochs).toBe(6);
    expect(out.result.crossVal).toEqual({ folds: 2, epochs: 3 });
    expect([...epochsSeen]).toEqual([3]);
  }, 60_000);

  it('fails with a message when the run and the dataset disagree', async () => {
    const service = createScoreService(cpuOnly);
    const { req } = await request(2);
    req.data.labels[0] = ((req.data.labels[0] ?? 0) + 1) % 3;
    const out = await service.score(req, () => undefined);
    expect(out).toEqual({ kind: 'failed', message: expect.stringMatching(/another label/) });
  }, 60_000);

  it('recombines stored scores under other weights and q, as the core does', async () => {
    const service = createScoreService(cpuOnly);
    const { req } = await request(2);
    const outcome = await service.score(req, () => undefined);
    if (outcome.kind !== 'finished') throw new Error(outcome.kind);
    const s = outcome.result.scoreSet;
    const params = {
      ...s.params.suspicion,
      weights: { trajectory: 0, influence: 0, embedding: 1, label: 0.5 },
      q: 0.1,
    };
    const r = await service.recombine({
      samples: s.samples,
      scores: s.scores,
      labelIssue: s.labelIssue,
      labels: req.dynamics.labels,
      suspicion: params,
    });
    const expected = suspicionFromScores(s.scores, s.samples, params, req.dynamics.labels);
    expect(r.suspicion).toEqual(expected.suspicion);
    expect(r.suspicion).not.toEqual(s.suspicion);
    expect(r.flags.embedding.reduce((a, v) => a + v, 0)).toBe(24);
    expect(r.suspicionParams).toEqual(params);
    // The summary follows: flag counts of the new q, top suspects by the new suspicion.
    expect(r.summary.flagged.embedding).toBe(24);
    expect(r.summary.labelIssues).toBe(outcome.result.summary.labelIssues);
    const order = Array.from(r.suspicion.keys()).sort(
      (a, b) => (r.suspicion[b] ?? 0) - (r.suspicion[a] ?? 0) || a - b,
    );
    expect(Array.from(r.summary.top)).toEqual(order.slice(0, 10));
    await expect(
      service.recombine({
        samples: s.samples,
        scores: s.scores,
        labelIssue: s.labelIssue,
        labels: req.dynamics.labels,
        suspicion: { ...params, q: 0 },
      }),
    ).rejects.toThrow(/flag budget/);
  }, 60_000);

  it('computes influence on a chosen sample among training rows only', async () => {
    const service = createScoreService(cpuOnly);
    const { req, data } = await request(2);
    const d = req.dynamics;
    await expect(service.influenceOn('run-x', 0, 5)).rejects.toThrow(/prepareInfluence/);
    await service.prepareInfluence({
      key: 'run-x',
      features: data.features,
      dynamics: d,
      backend: req.backend,
    });
    const before = (await service.memory()).numTensors;
    const target = 5;
    const out = await service.influenceOn('run-x', target, 5);
    expect((await service.memory()).numTensors).toBe(before);
    expect(out.proponents.length).toBe(5);
    expect(out.opponents.length).toBeLessThanOrEqual(5);
    for (const i of [...out.proponents, ...out.opponents]) {
      expect(d.inTraining[i]).toBe(1);
      expect(i).not.toBe(target);
    }
    for (let i = 0; i < d.samples; i++) if (!d.inTraining[i]) expect(out.influence[i]).toBe(0);
    // Against the core directly: the same vector on training rows.
    if (!d.modelSpec || !d.standardization) throw new Error('no spec');
    const cps = [];
    for (const cp of d.checkpoints) {
      const o = await checkpointOutputs(d.modelSpec, d.standardization, cp, data.features, d.sampleRows);
      cps.push({ learningRate: cp.learningRate, probs: o.probs, embeddings: o.embeddings });
    }
    const ref = await influenceOn(target, cps, d.labels, d.classCount, d.embeddingDim);
    for (let i = 0; i < d.samples; i++)
      if (d.inTraining[i]) expect(out.influence[i]).toBeCloseTo(ref.influence[i] ?? Number.NaN, 5);
    const strongest = Array.from(out.proponents).map((i) => out.influence[i]);
    expect(strongest).toEqual([...strongest].sort((a, b) => (b ?? 0) - (a ?? 0)));
  }, 60_000);

  it('selects a backend in prepareInfluence on a fresh service, then answers as the core does', async () => {
    const { req, data } = await request(2);
    const d = req.dynamics;
    // A service that has never scored: prepareInfluence must choose and activate the backend itself. WebGL is
    // asked for and fails to start in Node, so the choice is rerun without it.
    const activated: string[] = [];
    const recording: BackendControl = {
      ...cpuOnly,
      async activate(name) {
        activated.push(name);
        return cpuOnly.activate(name);
      },
    };
    const service = createScoreService(recording);
    expect((await service.memory()).backend).toBeNull();
    // Only the fields influence reads cross (what the review controller sends): no per-epoch arrays.
    const { samples, classCount, embeddingDim, sampleRows, inTraining, labels, checkpoints } = d;
    const slim: InfluenceDynamics = {
      samples,
      classCount,
      embeddingDim,
      sampleRows,
      inTraining,
      labels,
      checkpoints,
    };
    if (d.modelSpec) slim.modelSpec = d.modelSpec;
    if (d.standardization) slim.standardization = d.standardization;
    const choice = await service.prepareInfluence({
      key: 'fresh',
      features: data.features,
      dynamics: slim,
      backend: {
        probes: [
          { backend: 'webgl', available: true, probeMs: 1 },
          { backend: 'cpu', available: true, probeMs: 2 },
        ],
        override: 'webgl',
      },
    });
    expect(activated).toEqual(['webgl', 'cpu']);
    expect(choice.backend).toBe('cpu');
    expect((await service.memory()).backend).toBe('cpu');
    const target = Array.from(d.inTraining.keys()).find((i) => d.inTraining[i] === 1 && i > 10) ?? -1;
    const out = await service.influenceOn('fresh', target, 8);
    if (!d.modelSpec || !d.standardization) throw new Error('no spec');
    const cps = [];
    for (const cp of d.checkpoints) {
      const o = await checkpointOutputs(d.modelSpec, d.standardization, cp, data.features, d.sampleRows);
      cps.push({ learningRate: cp.learningRate, probs: o.probs, embeddings: o.embeddings });
    }
    const ref = await influenceOn(target, cps, d.labels, d.classCount, d.embeddingDim, d.samples);
    const trained = (rows: Int32Array) => Array.from(rows.filter((i) => d.inTraining[i] === 1).slice(0, 8));
    expect(Array.from(out.proponents)).toEqual(trained(ref.proponents));
    expect(Array.from(out.opponents)).toEqual(trained(ref.opponents));
    expect(out.proponents.length).toBe(8);
    expect(out.opponents.length).toBeGreaterThan(0);
    for (let i = 0; i < d.samples; i++)
      expect(out.influence[i]).toBeCloseTo(d.inTraining[i] ? (ref.influence[i] as number) : 0, 5);
  }, 60_000);

  it("scores a run retrained without quarantined rows: cross-validation trains on the run's rows only", async () => {
    const { data } = flippedData();
    // What retrain-on-clean does: the train service trains on the kept rows and maps sample rows back.
    const quarantined = Int32Array.from([5, 25, 45, 65, 100, 101, 239]);
    const kept = withoutRows(data, quarantined);
    if (!kept.rows) throw new Error('nothing left out');
    const run = await trainModel(kept.data, settings);
    if (!run.dynamics) throw new Error('no dynamics');
    const dynamics = {
      ...run.dynamics,
      sampleRows: Int32Array.from(run.dynamics.sampleRows, (i) => (kept.rows as Int32Array)[i] ?? -1),
    };
    expect(dynamics.samples).toBe(233);
    const service = createScoreService(cpuOnly);
    const outcome = await service.score(
      {
        jobId: 'retrained' as ScoreJobId,
        data: copyData(data),
        settings,
        dynamics,
        params: { seed: 1 },
        crossVal: { folds: 2, epochs: 3 },
        backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: null },
      },
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.scoreSet.samples).toBe(233);
    // The label family's probabilities come from folds over the 233 kept rows, not the 240 of the dataset.
    const cv = await crossValidatedProbabilities(kept.data, { ...settings, epochs: 3 }, 2);
    const local = Int32Array.from(run.dynamics.sampleRows);
    expect(outcome.result.oofProbs).toEqual(toSampleOrder(cv.probabilities, local, 3));
    const all = await crossValidatedProbabilities(data, { ...settings, epochs: 3 }, 2);
    expect(outcome.result.oofProbs).not.toEqual(toSampleOrder(all.probabilities, dynamics.sampleRows, 3));
  }, 120_000);

  it("runRows keeps a run's rows in dataset order and places each sample in them", () => {
    const data = syntheticData(6, 2, 2, 3);
    const whole = runRows(data, Int32Array.from([0, 1, 2, 3, 4, 5]));
    expect(whole.data).toBe(data);
    expect(Array.from(whole.local)).toEqual([0, 1, 2, 3, 4, 5]);
    const part = runRows(data, Int32Array.from([4, 0, 5, 2]));
    expect(Array.from(part.local)).toEqual([2, 0, 3, 1]);
    expect(Array.from(part.data.labels)).toEqual([0, 2, 4, 5].map((r) => data.labels[r]));
    expect(Array.from(part.data.features)).toEqual(
      [0, 2, 4, 5].flatMap((r) => Array.from(data.features.subarray(r * 2, r * 2 + 2))),
    );
    expect(() => runRows(data, Int32Array.from([6]))).toThrow(/outside/);
  });
});
