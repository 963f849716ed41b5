/**
 * The score service's calibrated jobs (issue 10), in-process on tfjs's CPU backend: a request with `calibration` runs
 * the core's calibrated pipeline on the run's rows, reports its steps as `calibration: …` stages, returns the report
 * with scores of the run's samples only, scores a run retrained without some rows on those rows, and cancels
 * mid-calibration freeing every tensor. Requests without `calibration` are unchanged (score.service.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CALIBRATION_STEPS } from './core/calibration/calibrate';
import { withoutRows } from './core/train/rows';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from './core/train/trainer';
import type { TrainingData, TrainSettings } from './core/train/types';
import type { ScoreJobId, ScoreProgressMessage, ScoreRequest } from './score.api';
import { createScoreService } from './score.service';
import { cpuOnly } from './test-backends';
import { syntheticData } from './train.service';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const settings: TrainSettings = {
  ...DEFAULT_TRAIN_SETTINGS,
  hidden: [8],
  epochs: 4,
  batchSize: 32,
  learningRate: 0.02,
};

async function calibratedRequest(
  data: TrainingData,
  jobId: string,
  rows?: Int32Array,
): Promise<ScoreRequest> {
  const run = await trainModel(data, settings);
  if (!run.dynamics) throw new Error('no dynamics');
  const dynamics = rows
    ? { ...run.dynamics, sampleRows: Int32Array.from(run.dynamics.sampleRows, (i) => rows[i] ?? -1) }
    : run.dynamics;
  return {
    jobId: jobId as ScoreJobId,
    data,
    settings,
    dynamics,
    params: { seed: 1 },
    crossVal: { folds: 2, epochs: 2 },
    backend: { probes: [{ backend: 'cpu', available: true, probeMs: 1 }], override: null },
    calibration: { canary: { seed: 3 }, fusion: {} },
  };
}

describe('score service, calibrated', () => {
  it('runs the calibrated pipeline: stages, report, the run’s samples only, every tensor freed', async () => {
    const service = createScoreService(cpuOnly);
    const req = await calibratedRequest(syntheticData(450, 6, 3, 11), 'cal-1');
    const before = (await service.memory()).numTensors;
    const messages: ScoreProgressMessage[] = [];
    const outcome = await service.score(req, (m) => messages.push(m));
    expect((await service.memory()).numTensors).toBe(before);
    if (outcome.kind !== 'finished') throw new Error(JSON.stringify(outcome));
    const { result } = outcome;
    expect(result.calibration?.format).toBe('sift-calibration/1');
    expect(result.scoreSet.samples).toBe(450);
    expect(result.scoreSet.suspicion.length).toBe(450);
    expect(result.oofProbs.length).toBe(450 * 3);
    expect(result.scoreSet.params.suspicion.q).toBeCloseTo(
      (result.calibration?.estimate.rows ?? -1) / 450,
      6,
    );
    const stages = messages.flatMap((m) => (m.phase === 'scores' ? [m.stage] : []));
    const steps = [...new Set(stages.map((s) => /^calibration: ([a-z-]+) \(/.exec(s)?.[1]))];
    expect(steps).toEqual([...CALIBRATION_STEPS]);
  }, 300_000);

  it('scores a run retrained without some rows on its own rows', async () => {
    const data = syntheticData(460, 6, 3, 12);
    const kept = withoutRows(data, Int32Array.from([3, 40, 41, 300]));
    if (!kept.rows) throw new Error('nothing left out');
    const service = createScoreService(cpuOnly);
    const req = { ...(await calibratedRequest(kept.data, 'cal-2', kept.rows)), data };
    const outcome = await service.score(req, () => undefined);
    if (outcome.kind !== 'finished') throw new Error(JSON.stringify(outcome));
    expect(outcome.result.scoreSet.samples).toBe(456);
    // Each sample's self-confidence is 1 - p̂[its label]: scores and probabilities are in the run's sample order.
    const { scoreSet, oofProbs } = outcome.result;
    for (let i = 0; i < 456; i += 37) {
      const y = req.dynamics.labels[i] ?? -1;
      expect(scoreSet.scores.selfConfidence[i]).toBeCloseTo(1 - (oofProbs[i * 3 + y] ?? Number.NaN), 5);
    }
  }, 300_000);

  it('cancels during calibration and frees every tensor', async () => {
    const service = createScoreService(cpuOnly);
    const req = await calibratedRequest(syntheticData(450, 6, 3, 13), 'cal-3');
    const before = (await service.memory()).numTensors;
    let sent = false;
    const outcome = await service.score(req, (m) => {
      if (!sent && m.phase === 'scores' && m.stage.startsWith('calibration: training')) {
        sent = true;
        void service.cancel(req.jobId);
      }
    });
    expect(sent).toBe(true);
    expect(outcome.kind).toBe('cancelled');
    expect((await service.memory()).numTensors).toBe(before);
  }, 300_000);
});
