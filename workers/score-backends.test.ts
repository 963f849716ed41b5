/**
 * The score worker's two backend choices (issue 15), through the service in-process on the backends Node has (tfjs's
 * CPU and WASM): the folds train on the run's backend, scoring switches to the scoring probe's choice, the result says
 * both, and the scores agree with an all-CPU job to float noise. Here rather than beside the core, because only
 * workers/ may load a backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import type { BackendName, BackendProbe } from './core/train/backend-choice';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from './core/train/trainer';
import type { TrainSettings } from './core/train/types';
import type { ScoreJobId, ScoreRequest, ScoreResult } from './score.api';
import { createScoreService } from './score.service';
import type { BackendControl } from './train.service';
import { syntheticData } from './train.service';

const settings: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [8], epochs: 4, batchSize: 16 };

/** CPU and WASM, each activation recorded; anything else unavailable, as in a browser without it. */
function nodeBackends(activated: BackendName[]): BackendControl {
  return {
    candidates: () => ['cpu', 'wasm'],
    async activate(name) {
      activated.push(name);
      if (name !== 'cpu' && name !== 'wasm') return `${name} is not available in Node`;
      return (await tf.setBackend(name)) ? null : `setBackend(${name}) failed`;
    },
    webgpuAdapter: async () => null,
  };
}

/** CPU measured faster at training, WASM at scoring. */
const probes: BackendProbe[] = [
  { backend: 'cpu', available: true, probeMs: 1, scoringMs: 50 },
  { backend: 'wasm', available: true, probeMs: 10, scoringMs: 2 },
];

async function scored(request: ScoreRequest, activated: BackendName[]): Promise<ScoreResult> {
  const outcome = await createScoreService(nodeBackends(activated)).score(request, () => undefined);
  if (outcome.kind !== 'finished') throw new Error(`The job ended ${outcome.kind}.`);
  return outcome.result;
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('score worker backends', () => {
  it("trains the folds on the run's backend, scores on the scoring choice, and says both; scores match CPU's", async () => {
    await tf.setBackend('cpu');
    const data = syntheticData(300, 6, 3, 21);
    const run = await trainModel(data, settings);
    if (!run.dynamics) throw new Error('no dynamics');
    const job = (id: string, backend: ScoreRequest['backend']): ScoreRequest => ({
      jobId: id as ScoreJobId,
      data: { ...data, features: data.features.slice(), labels: data.labels.slice() },
      settings,
      dynamics: run.dynamics as NonNullable<typeof run.dynamics>,
      params: { seed: 1 },
      crossVal: { folds: 2, epochs: 3 },
      backend,
    });

    const mixedActivations: BackendName[] = [];
    const mixed = await scored(job('mixed', { probes, override: null, training: 'cpu' }), mixedActivations);
    expect(mixedActivations).toEqual(['cpu', 'wasm']);
    expect(mixed.backend.backend).toBe('wasm');
    expect(mixed.backend.reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WASM: WASM measured fastest (2 ms; CPU 50 ms). ' +
        'Cross-validation trained its folds on CPU, the backend the run trained on.',
    );

    // The setting forces both halves onto CPU: the reference.
    const cpuActivations: BackendName[] = [];
    const cpu = await scored(job('cpu', { probes, override: 'cpu', training: 'cpu' }), cpuActivations);
    expect(cpuActivations).toEqual(['cpu', 'cpu']);
    expect(cpu.backend.reason).toContain('CPU is forced by the backend setting');

    // The folds trained on the same backend: the same out-of-sample probabilities, bit for bit.
    expect(mixed.oofProbs).toEqual(cpu.oofProbs);
    // Scoring on WASM differs from CPU by float rounding only.
    let worst = 0;
    for (const [name, values] of Object.entries(cpu.scoreSet.scores)) {
      const other = mixed.scoreSet.scores[name as keyof typeof cpu.scoreSet.scores];
      expect(other.length).toBe(values.length);
      let scale = 0;
      for (const v of values) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < values.length; i++) {
        const a = values[i] as number;
        const b = other[i] as number;
        if (Number.isNaN(a)) expect(b).toBeNaN();
        else worst = Math.max(worst, Math.abs(a - b) / Math.max(scale, 1e-12));
      }
    }
    console.log(
      `scores on WASM against CPU: largest difference ${worst.toExponential(2)} of each score's range`,
    );
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});
