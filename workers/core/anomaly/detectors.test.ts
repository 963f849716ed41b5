import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import {
  checkClassStall,
  checkDivergence,
  checkValidationDrop,
  createSpikeDetector,
  robustDeviation,
} from './detectors';
import { createCurveMonitor, type EpochPoint } from './monitor';
import { type BatchAnomaly, DEFAULT_ANOMALY_THRESHOLDS } from './types';

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** A healthy batch-loss curve: exponential decay to a floor, with ±15% multiplicative noise (lognormal). */
function healthyBatches(seed: number, steps = 600): { loss: number[]; grad: number[] } {
  const rng = createRng(seed);
  const loss: number[] = [];
  const grad: number[] = [];
  for (let t = 0; t < steps; t++) {
    loss.push((2 * Math.exp(-t / 80) + 0.15) * Math.exp(0.15 * gauss(rng)));
    grad.push((1.5 * Math.exp(-t / 150) + 0.4) * Math.exp(0.2 * gauss(rng)));
  }
  return { loss, grad };
}

/** Healthy epoch curves for C classes: losses falling exponentially to class-specific floors, noisy accuracy. */
function healthyEpochs(seed: number, epochs = 20, classes = 5): EpochPoint[] {
  const rng = createRng(seed);
  const out: EpochPoint[] = [];
  for (let e = 0; e < epochs; e++) {
    const classLoss = Float32Array.from({ length: classes }, (_, c) => {
      const start = 1.5 + 0.3 * c;
      return (start * Math.exp(-e / 4) + 0.02 * (1 + c)) * Math.exp(0.08 * gauss(rng));
    });
    const trainLoss = classLoss.reduce((s, v) => s + v, 0) / classes;
    out.push({
      epoch: e,
      trainLoss,
      valLoss: (1.6 * Math.exp(-e / 4) + 0.25) * Math.exp(0.02 * gauss(rng)),
      valAccuracy: Math.min(0.97, 0.6 + 0.35 * (1 - Math.exp(-e / 3)) + 0.01 * gauss(rng)),
      classLoss,
      classMedianLoss: classLoss,
    });
  }
  return out;
}

function feedBatches(loss: number[], grad: number[]) {
  const monitor = createCurveMonitor();
  const found: BatchAnomaly[] = [];
  loss.forEach((l, step) => {
    found.push(
      ...monitor.batch({
        epoch: Math.floor(step / 30),
        batch: step % 30,
        step,
        loss: l,
        gradNorm: grad[step],
        sampleRows: Int32Array.from([step * 2, step * 2 + 1]),
      }),
    );
  });
  return { monitor, found };
}

describe('robustDeviation', () => {
  it('is the 1.4826 × MAD and ignores one outlier', () => {
    expect(robustDeviation([1, 2, 3, 4, 5])).toBeCloseTo(1.4826, 6);
    expect(robustDeviation([1, 2, 3, 4, 1000])).toBeCloseTo(1.4826, 6);
  });
});

describe('spike detection', () => {
  it('finds nothing on healthy noisy curves (several seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { loss, grad } = healthyBatches(seed);
      expect(feedBatches(loss, grad).found).toEqual([]);
    }
  });

  it('finds an injected loss spike and a gradient-norm spike, with their batch and samples', () => {
    const { loss, grad } = healthyBatches(1);
    loss[300] *= 3;
    grad[450] *= 4;
    const { found } = feedBatches(loss, grad);
    expect(found.map((a) => [a.kind, a.step])).toEqual([
      ['loss-spike', 300],
      ['grad-spike', 450],
    ]);
    const spike = found[0];
    expect(spike.epoch).toBe(10);
    expect(spike.batch).toBe(0);
    expect(Array.from(spike.sampleRows)).toEqual([600, 601]);
    expect(spike.magnitude).toBeGreaterThan(4);
    expect(spike.value).toBe(loss[300]);
    expect(spike.message).toMatch(
      /^At epoch 11, batch 1 the batch loss jumped to .*, .* its running average of /,
    );
  });

  it('on a nearly noiseless curve, needs a rise of 10% above the average, however many deviations it is', () => {
    // ±0.1% noise: a robust deviation of ~0.001 on the log scale, so 8% and 12% rises are both dozens of deviations.
    const flat = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 100 }, () => Math.exp(0.001 * gauss(rng)));
    };
    const verdictAfterFlat = (rise: number, thresholds = {}) => {
      const detector = createSpikeDetector(thresholds);
      for (const v of flat(8)) expect(detector.push(v)).toBeNull();
      return detector.push(1 + rise);
    };
    expect(DEFAULT_ANOMALY_THRESHOLDS.spikeMinRelativeRise).toBe(0.1);
    expect(verdictAfterFlat(0.08)).toBeNull();
    expect(verdictAfterFlat(0.09)).toBeNull();
    const spike = verdictAfterFlat(0.12);
    expect(spike?.value).toBeCloseTo(1.12, 6);
    expect(spike?.baseline).toBeCloseTo(1, 2);
    expect(spike?.magnitude).toBeGreaterThan(4);
    // The same 8% rise is a spike once the minimum rise is lowered: the rise, not the deviations, held it back.
    expect(verdictAfterFlat(0.08, { spikeMinRelativeRise: 0.05 })).not.toBeNull();
    expect(verdictAfterFlat(0.12, { spikeMinRelativeRise: 0.15 })).toBeNull();
  });

  it('does not report spikes during the warm-up, and merges a burst into one event', () => {
    const { loss, grad } = healthyBatches(2);
    loss[5] *= 5;
    for (let t = 300; t < 304; t++) loss[t] *= 3;
    const { found } = feedBatches(loss, grad);
    expect(found.map((a) => [a.kind, a.step])).toEqual([['loss-spike', 300]]);
  });

  it('one outlier does not raise the baseline enough to hide a second spike soon after the cooldown', () => {
    const det = createSpikeDetector();
    const rng = createRng(9);
    const verdicts: number[] = [];
    for (let t = 0; t < 200; t++) {
      let v = 0.5 * Math.exp(0.1 * gauss(rng));
      if (t === 100 || t === 115) v *= 2.5;
      if (det.push(v)) verdicts.push(t);
    }
    expect(verdicts).toEqual([100, 115]);
  });
});

describe('non-finite', () => {
  it('reports NaN and Infinity at their batch', () => {
    const { loss, grad } = healthyBatches(3);
    loss[400] = Number.NaN;
    grad[420] = Number.POSITIVE_INFINITY;
    const { found } = feedBatches(loss, grad);
    expect(found.map((a) => [a.kind, a.step])).toEqual([
      ['non-finite', 400],
      ['non-finite', 420],
    ]);
    expect(found[0].message).toMatch(/^At epoch 14, batch 11 the loss became not a number \(NaN\)/);
    expect(found[1].message).toMatch(/gradient norm became infinite/);
  });
});

describe('epoch detectors', () => {
  const run = (points: EpochPoint[]) => {
    const monitor = createCurveMonitor({ classNames: ['zero', 'one', 'two', 'three', 'four'] });
    return points.flatMap((p) => monitor.epoch(p));
  };

  it('find nothing on healthy curves (several seeds)', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(run(healthyEpochs(seed))).toEqual([]);
  });

  it('find a stalled class', () => {
    const points = healthyEpochs(1);
    // Class 2's loss stops falling at 0.6 from epoch 4 while the others go on falling.
    for (const p of points) {
      if (p.epoch >= 4 && p.classMedianLoss) {
        const stalled = Float32Array.from(p.classMedianLoss);
        stalled[2] = 0.6 + 0.01 * Math.sin(p.epoch);
        p.classMedianLoss = stalled;
      }
    }
    const found = run(points);
    expect(found.map((a) => [a.kind, a.classIndex])).toEqual([['class-stall', 2]]);
    // Not before the 3-epoch window after the stall; the level gate (≥ 4× the others' median) holds it until the
    // others have fallen to ~0.15, around epoch 12 in this curve.
    expect(found[0].epoch).toBeGreaterThanOrEqual(7);
    expect(found[0].epoch).toBeLessThanOrEqual(14);
    // The stalled loss hovers at 0.6 ± 0.01: at the alarm it has just risen a little, and the sentence says so.
    expect(found[0].message).toMatch(
      /^Class two: its training loss rose from 0\.59 to 0\.6 over the last 3 epochs, while/,
    );
  });

  it('find a divergence once per stretch', () => {
    const points = healthyEpochs(2);
    for (const p of points) if (p.epoch >= 10) p.valLoss = points[9].valLoss * 1.06 ** (p.epoch - 9);
    const found = run(points);
    expect(found.map((a) => a.kind)).toEqual(['divergence']);
    // 3 rising epochs reach 1.06³ ≈ +19% above the best: reported at epoch 12.
    expect(found[0].epoch).toBe(12);
    expect(found[0].magnitude).toBeCloseTo(1.06 ** 3 - 1, 2);
  });

  it('find a validation accuracy drop', () => {
    const points = healthyEpochs(3);
    points[12].valAccuracy = points[11].valAccuracy - 0.1;
    const found = run(points);
    expect(found.map((a) => [a.kind, a.epoch])).toEqual([['validation-drop', 12]]);
    expect(found[0].magnitude).toBeCloseTo(0.1, 6);
    expect(found[0].message).toMatch(/fell from .*% at epoch 12 to .*% at epoch 13, a drop of /);
  });

  it('the pure checks agree with their thresholds', () => {
    expect(checkValidationDrop([0.9, 0.86])).toBeNull();
    expect(checkValidationDrop([0.9, 0.84])?.drop).toBeCloseTo(0.06, 6);
    expect(checkValidationDrop([0.9, 0.84], { validationDrop: 0.1 })).toBeNull();
    expect(checkValidationDrop([Number.NaN, 0.2])).toBeNull();
    // Two divergent epochs are not enough with the default 3.
    expect(checkDivergence([3, 2, 1], [1, 1.3, 1.6])).toBeNull();
    expect(checkDivergence([4, 3, 2, 1], [1, 1.1, 1.2, 1.3])?.epochs).toBe(3);
    // Rising but only 3% above the best: below the 15% minimum.
    expect(checkDivergence([4, 3, 2, 1], [1, 1.01, 1.02, 1.03])).toBeNull();
    // Class stall needs the others to fall.
    const flat = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(checkClassStall(flat, 3)).toEqual([]);
  });

  it('rejects a class-loss vector of the wrong length', () => {
    const monitor = createCurveMonitor();
    const [a, b] = healthyEpochs(1, 2);
    monitor.epoch(a);
    expect(() =>
      monitor.epoch({ ...b, classLoss: Array.from(b.classLoss).slice(0, 3), classMedianLoss: undefined }),
    ).toThrow(/expected 5/);
  });
});
