/**
 * Contract test of the train service, in-process on tfjs's CPU backend: the same object the worker exposes
 * (e2e/train.spec.ts drives it through the real worker in Chromium).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchSampleRows } from './batch-index';
import type { AdapterInfo, BackendName } from './core/train/backend-choice';
import { type BatchReport, DEFAULT_TRAIN_SETTINGS, trainModel } from './core/train/trainer';
import type { TrainSettings } from './core/train/types';
import { cpuOnly } from './test-backends';
import type { RunId, TrainMessage, TrainRequest } from './train.api';
import { type BackendControl, createTrainService, resultTransferables, syntheticData } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const settings: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  hidden: [8],
  epochs: 3,
  batchSize: 16,
  learningRate: 0.01,
};

let nextRun = 0;
function request(overrides: Partial<TrainRequest> = {}): TrainRequest {
  return {
    runId: `run-${nextRun++}` as RunId,
    data: syntheticData(200, 6, 3, 7),
    settings,
    thresholds: {},
    classNames: ['a', 'b', 'c'],
    backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: null },
    ...overrides,
  };
}

/** Resolves once `predicate` holds for a received message. */
function waitFor(messages: TrainMessage[], predicate: (m: TrainMessage) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (messages.some(predicate) ? resolve() : setTimeout(check, 1));
    check();
  });
}

describe('train service', () => {
  it('streams throttled progress whose points add up to the final curves, and frees every tensor', async () => {
    const service = createTrainService(cpuOnly, { progressIntervalMs: 30 });
    const messages: TrainMessage[] = [];
    const times: number[] = [];
    const before = (await service.memory()).numTensors;
    const outcome = await service.start(request(), (m) => {
      messages.push(m);
      times.push(performance.now());
    });
    expect(outcome.kind).toBe('finished');
    if (outcome.kind !== 'finished') return;
    const { result } = outcome;
    expect(result.status).toBe('completed');
    expect(result.backend.backend).toBe('cpu');
    expect(result.tensors).toEqual({ before, after: before });
    expect((await service.memory()).numTensors).toBe(before);

    const [first, ...rest] = messages;
    expect(first?.kind).toBe('started');
    if (first?.kind !== 'started') return;
    // 200 rows in classes of 67, 67 and 66: a stratified 20% keeps 161 for training, in 11 batches of ≤ 16.
    expect(first.trainRows).toBe(161);
    expect(first.valRows).toBe(39);
    expect(first.stepsPerEpoch).toBe(11);
    expect(first.totalSteps).toBe(33);
    const progress = rest.filter((m) => m.kind === 'progress');
    expect(progress.length).toBe(rest.length);
    // Fewer messages than batches, and (but for the final flush) at least the interval apart.
    expect(progress.length).toBeLessThan(33);
    for (let k = 2; k < times.length - 1; k++)
      expect((times[k] ?? 0) - (times[k - 1] ?? 0)).toBeGreaterThanOrEqual(29);

    const steps = progress.flatMap((m) => Array.from(m.batches.steps));
    const loss = progress.flatMap((m) => Array.from(m.batches.loss));
    expect(steps).toEqual(Array.from({ length: 33 }, (_, i) => i));
    expect(Float32Array.from(loss)).toEqual(result.batches.loss);
    expect(progress.flatMap((m) => m.epochs.map((e) => e.trainLoss))).toEqual(
      result.epochs.map((e) => e.trainLoss),
    );
    const last = progress[progress.length - 1];
    expect(last?.progress).toMatchObject({
      stepsDone: 33,
      totalSteps: 33,
      epoch: 2,
      batch: 11,
      paused: false,
    });
    expect(last?.progress.etaMs).toBe(0);
    expect(result.dynamics?.epochs).toBe(3);
    // Every row is recorded (161 trained on, 39 held out for validation).
    expect(result.dynamics?.samples).toBe(200);
  });

  it('names the rows of every batch through the batch index', async () => {
    const req = request();
    const direct: BatchReport[] = [];
    await trainModel(syntheticData(200, 6, 3, 7), settings, { onBatch: (b) => direct.push(b) });
    const outcome = await createTrainService(cpuOnly).start(req, () => undefined);
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    const { batchIndex, batches } = outcome.result;
    expect(batchIndex).toMatchObject({ samples: 161, epochs: 3, stepsPerEpoch: 11, steps: 33 });
    expect(direct.length).toBe(33);
    for (const b of direct) {
      expect(Array.from(batchSampleRows(batchIndex, b.step))).toEqual(Array.from(b.sampleRows));
      expect(batches.loss[b.step]).toBe(Math.fround(b.loss));
    }
    // Every epoch's order is a permutation of the training rows.
    const sorted = Array.from(batchIndex.order.subarray(161, 322)).sort((a, b) => a - b);
    expect(sorted).toEqual(Array.from(outcome.result.trainRows));
    expect(batchSampleRows(batchIndex, 33).length).toBe(0);
  });

  it('gives the same curves for the same seed and different ones for another seed', async () => {
    const service = createTrainService(cpuOnly);
    const run = async (seed: number) => {
      const outcome = await service.start(request({ settings: { ...settings, seed } }), () => undefined);
      if (outcome.kind !== 'finished') throw new Error(outcome.message);
      return outcome.result;
    };
    const a = await run(4);
    const b = await run(4);
    const c = await run(5);
    expect(b.batches.loss).toEqual(a.batches.loss);
    expect(b.epochs.map((e) => e.valLoss)).toEqual(a.epochs.map((e) => e.valLoss));
    expect(c.batches.loss).not.toEqual(a.batches.loss);
  });

  it('pauses between batches, resumes, and cancels while paused with every tensor freed', async () => {
    const service = createTrainService(cpuOnly, { progressIntervalMs: 0, yieldIntervalMs: 0 });
    const req = request({ settings: { ...settings, epochs: 50 } });
    const before = (await service.memory()).numTensors;
    const messages: TrainMessage[] = [];
    const done = service.start(req, (m) => messages.push(m));
    await waitFor(messages, (m) => m.kind === 'progress' && m.progress.stepsDone >= 3);
    await service.pause(req.runId);
    await waitFor(messages, (m) => m.kind === 'progress' && m.progress.paused);
    const stepsAt = () =>
      Math.max(...messages.map((m) => (m.kind === 'progress' ? m.progress.stepsDone : 0)));
    const pausedAt = stepsAt();
    // While paused the loop waits: give it many event-loop turns to prove it.
    await new Promise((r) => setTimeout(r, 150));
    expect(stepsAt()).toBe(pausedAt);
    expect((await service.memory()).numTensors).toBeGreaterThan(before);
    await service.resume(req.runId);
    await waitFor(messages, (m) => m.kind === 'progress' && m.progress.stepsDone > pausedAt + 2);
    await service.pause(req.runId);
    await service.cancel(req.runId);
    const outcome = await done;
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.status).toBe('cancelled');
    expect(outcome.result.batches.loss.length).toBeLessThan(500);
    // A cancelled run's index knows exactly the batches it trained.
    const { batchIndex, batches } = outcome.result;
    expect(batchIndex.steps).toBe(batches.loss.length);
    expect(batchSampleRows(batchIndex, batchIndex.steps - 1).length).toBeGreaterThan(0);
    expect(batchSampleRows(batchIndex, batchIndex.steps).length).toBe(0);
    expect(outcome.result.tensors).toEqual({ before, after: before });
    expect((await service.memory()).numTensors).toBe(before);
  });

  it('ignores calls about another run and refuses a second run while one trains', async () => {
    const service = createTrainService(cpuOnly, { yieldIntervalMs: 0 });
    const req = request({ settings: { ...settings, epochs: 20 } });
    const messages: TrainMessage[] = [];
    const done = service.start(req, (m) => messages.push(m));
    await waitFor(messages, (m) => m.kind === 'progress');
    await service.cancel('someone-else' as RunId);
    const second = await service.start(request(), () => undefined);
    expect(second).toEqual({ kind: 'failed', message: expect.stringContaining('one run at a time') });
    await service.cancel(req.runId);
    const outcome = await done;
    expect(outcome.kind === 'finished' && outcome.result.status).toBe('cancelled');
  });

  it('stops on a non-finite loss with a clear message and a non-finite anomaly', async () => {
    const service = createTrainService(cpuOnly);
    const before = (await service.memory()).numTensors;
    const outcome = await service.start(
      request({ settings: { ...settings, optimizer: 'sgd-momentum', learningRate: 1e12 } }),
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    const { result } = outcome;
    expect(result.status).toBe('non-finite');
    expect(result.message).toMatch(/Training stopped .*(loss|gradient|weights|outputs)/);
    const nonFinite = result.anomalies.filter((a) => a.kind === 'non-finite');
    expect(nonFinite.length).toBeGreaterThanOrEqual(1);
    expect(nonFinite[0]?.elapsedMs).toBeGreaterThan(0);
    expect(result.tensors.after).toBe(before);
  });

  it('fails with a message on invalid settings and when no backend can start', async () => {
    const service = createTrainService(cpuOnly);
    const bad = await service.start(request({ settings: { ...settings, epochs: 0 } }), () => undefined);
    expect(bad).toEqual({ kind: 'failed', message: expect.stringContaining('epochs must be ≥ 1') });
    const none: BackendControl = { ...cpuOnly, activate: async () => 'broken' };
    const outcome = await createTrainService(none).start(request(), () => undefined);
    expect(outcome).toEqual({ kind: 'failed', message: expect.stringContaining('No tfjs backend') });
  });

  it('falls back when the forced backend does not start, and says so', async () => {
    const service = createTrainService(cpuOnly);
    const outcome = await service.start(
      request({
        backend: {
          probes: [
            { backend: 'cpu', available: true, probeMs: 5 },
            { backend: 'wasm', available: true, probeMs: 1 },
          ],
          override: 'wasm',
        },
      }),
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.backend.backend).toBe('cpu');
    expect(outcome.result.backend.reason).toContain('WASM was requested but is not available here');
  });

  it('does not train a CNN on a backend without the kernels it needs, and says so', async () => {
    // Node has tfjs's CPU kernels only: a 'wasm' probe stands for a backend without Conv2DBackpropFilter.
    const images = syntheticData(60, 16, 2, 3);
    const outcome = await createTrainService(cpuOnly).start(
      request({
        data: { ...images, image: { width: 4, height: 4 } },
        settings: { ...settings, model: 'cnn', epochs: 1 },
        backend: {
          probes: [
            { backend: 'wasm', available: true, probeMs: 1 },
            { backend: 'cpu', available: true, probeMs: 5 },
          ],
          override: null,
        },
      }),
      () => undefined,
    );
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.status).toBe('completed');
    expect(outcome.result.backend.backend).toBe('cpu');
    expect(outcome.result.backend.reason).toContain('WASM cannot train this model');
    expect(outcome.result.backend.reason).toContain('Conv2DBackpropFilter');
  });

  it('probes the backends it has, timing each on the training and the scoring probe', async () => {
    const before = tf.memory().numTensors;
    const probes = await createTrainService(cpuOnly).probeBackends();
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatchObject({ backend: 'cpu', available: true });
    expect(probes[0]?.probeMs).toBeGreaterThan(0);
    expect(probes[0]?.scoringMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('does not time a software WebGPU adapter and does not choose it', async () => {
    // Node has no WebGPU: this control reports a SwiftShader adapter for 'webgpu' and runs it on the CPU backend,
    // to exercise the service's handling of what the browser reports (e2e/webgpu.spec.ts checks the real one).
    const swiftshader: AdapterInfo = {
      isFallbackAdapter: true,
      architecture: 'swiftshader',
      vendor: 'google',
    };
    const emulated: BackendControl = {
      candidates: () => ['cpu', 'webgpu'] as BackendName[],
      activate: async () => ((await tf.setBackend('cpu')) ? null : 'no cpu'),
      webgpuAdapter: async () => swiftshader,
    };
    const service = createTrainService(emulated);
    const probes = await service.probeBackends();
    const gpu = probes.find((p) => p.backend === 'webgpu');
    expect(gpu).toEqual({ backend: 'webgpu', available: true, adapter: swiftshader });
    const outcome = await service.start(request({ backend: { probes, override: null } }), () => undefined);
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    expect(outcome.result.backend.backend).toBe('cpu');
    expect(outcome.result.backend.reason).toContain('software');
    expect(outcome.result.backend.reason).toContain('WebGPU was not timed');
  });

  it('compares backends on a tiny seeded model', async () => {
    const cmp = await createTrainService(cpuOnly).compareBackends(['cpu', 'wasm', 'cpu']);
    expect(cmp.reference).toBe('cpu');
    const [ref, wasm, again] = cmp.checks;
    expect(ref?.ok).toBe(true);
    expect(ref?.epochLosses).toHaveLength(2);
    expect(ref?.finalProbs).toHaveLength(64 * 3);
    expect(wasm).toMatchObject({ backend: 'wasm', ok: false });
    // Same backend, same seed: bit-identical.
    expect(again?.maxRelativeDifference).toBe(0);
    expect(again?.epochLosses).toEqual(ref?.epochLosses);
  });

  it('benchmarks part of an epoch within its time cap', async () => {
    const service = createTrainService(cpuOnly);
    const data = syntheticData(4000, 32, 4, 1);
    const full = await service.benchmark({ data, settings, backend: 'cpu', maxMs: 60_000 });
    expect(full).toMatchObject({ ok: true, completed: true, batches: 200, rowsTrained: 3200 });
    expect(full.samplesPerSecond).toBeGreaterThan(0);
    expect(full.epochMs).toBeGreaterThanOrEqual(full.batchMs);
    const capped = await service.benchmark({ data, settings, backend: 'cpu', maxMs: 1 });
    expect(capped.completed).toBe(false);
    expect(capped.batches).toBeLessThan(200);
    const missing = await service.benchmark({ data, settings, backend: 'webgl', maxMs: 10 });
    expect(missing).toMatchObject({ ok: false, batches: 0 });
  });

  it('lists each buffer of a result once for transfer', async () => {
    const outcome = await createTrainService(cpuOnly).start(request(), () => undefined);
    if (outcome.kind !== 'finished') throw new Error(outcome.message);
    const buffers = resultTransferables(outcome.result);
    expect(new Set(buffers).size).toBe(buffers.length);
    const dynamics = outcome.result.dynamics;
    expect(dynamics).not.toBeNull();
    if (!dynamics) return;
    for (const view of [dynamics.loss, dynamics.embeddings, dynamics.checkpoints[0]?.weights[0]]) {
      expect(buffers).toContain(view?.buffer);
    }
  });

  it('leaves excluded rows out of every batch, the splits and the dynamics, and names dataset rows', async () => {
    const service = createTrainService(cpuOnly, { progressIntervalMs: 30 });
    const exclude = Int32Array.from([0, 5, 17, 42, 99, 150, 199, 5, 400]);
    const dropped = new Set([0, 5, 17, 42, 99, 150, 199]);
    const batchRows: Int32Array[] = [];
    const outcome = await service.start(request({ excludeRows: exclude }), () => undefined);
    expect(outcome.kind).toBe('finished');
    if (outcome.kind !== 'finished') return;
    const { result } = outcome;
    expect(result.status).toBe('completed');
    // Duplicates and rows beyond the dataset are ignored; the rest are recorded sorted.
    expect(Array.from(result.excludedRows)).toEqual([...dropped].sort((a, b) => a - b));
    expect(result.trainRows.length + result.valRows.length).toBe(200 - dropped.size);
    const seen = new Set<number>();
    for (let step = 0; step < result.batchIndex.steps; step++) {
      const rows = batchSampleRows(result.batchIndex, step);
      batchRows.push(rows);
      for (const r of rows) seen.add(r);
    }
    expect(batchRows.length).toBe(result.batchIndex.steps);
    for (const r of seen) expect(dropped.has(r)).toBe(false);
    // Every batch row is a training row, named by its dataset row: the training rows are exactly those batched.
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from(result.trainRows).sort((a, b) => a - b));
    for (const r of [...result.trainRows, ...result.valRows]) expect(dropped.has(r)).toBe(false);
    const dynamics = result.dynamics;
    expect(dynamics).not.toBeNull();
    if (!dynamics) return;
    expect(dynamics.samples).toBe(200 - dropped.size);
    for (const r of dynamics.sampleRows) expect(dropped.has(r)).toBe(false);
    // Kept rows keep their dataset numbers, in dataset order, with their own labels.
    const data = syntheticData(200, 6, 3, 7);
    const kept = Array.from({ length: 200 }, (_, r) => r).filter((r) => !dropped.has(r));
    expect(Array.from(dynamics.sampleRows)).toEqual(kept);
    expect(Array.from(dynamics.labels)).toEqual(kept.map((r) => data.labels[r]));
  });
});
