import { describe, expect, it } from 'vitest';
import { createCurveMonitor, type EpochPoint } from './monitor';

// The monitor's messages, word for word, on curves whose figures can be worked out by hand: the analyst reads these
// sentences, so each number in them is checked here against arithmetic done in the comments.

const rows = Int32Array.from([7, 8]);
const batch = (step: number, loss: number, gradNorm = 1) => ({
  epoch: Math.floor(step / 50),
  batch: step % 50,
  step,
  loss,
  gradNorm,
  sampleRows: rows,
});
const epochPoint = (epoch: number, over: Partial<EpochPoint> = {}): EpochPoint => ({
  epoch,
  trainLoss: 10 - epoch,
  valLoss: 1,
  valAccuracy: 0.9,
  classLoss: [1],
  ...over,
});

describe('batch messages', () => {
  it('a spike after a flat curve: the value, its running average and their ratio in the sentence', () => {
    const monitor = createCurveMonitor();
    for (let s = 0; s < 30; s++) expect(monitor.batch(batch(s, 1))).toEqual([]);
    // Log residuals of a flat curve are all 0, so the deviation is its floor 1e-6 and the magnitude ln 2 / 1e-6.
    const [spike, ...rest] = monitor.batch(batch(30, 2));
    expect(rest).toEqual([]);
    expect(spike).toMatchObject({
      kind: 'loss-spike',
      epoch: 0,
      batch: 30,
      step: 30,
      value: 2,
      sampleRows: rows,
    });
    expect(spike?.baseline).toBeCloseTo(1, 9);
    expect(spike?.magnitude).toBeCloseTo(Math.LN2 / 1e-6, 3);
    expect(spike?.message).toBe(
      "At epoch 1, batch 31 the batch loss jumped to 2, 2.0 times its running average of 1. The batch's rows may hold outliers or poison.",
    );
    expect(monitor.anomalies).toEqual([spike]);
  });

  it('writes figures of 100 and over, or under 0.01, plainly; gradient spikes say so', () => {
    const big = createCurveMonitor();
    for (let s = 0; s < 30; s++) big.batch(batch(s, 100, 0.005));
    const found = big.batch(batch(30, 250, 0.02));
    expect(found.map((a) => a.message)).toEqual([
      "At epoch 1, batch 31 the batch loss jumped to 250, 2.5 times its running average of 100. The batch's rows may hold outliers or poison.",
      "At epoch 1, batch 31 the gradient norm jumped to 0.02, 4.0 times its running average of 0.005. The batch's rows may hold outliers or poison.",
    ]);
  });

  it('reports a loss or gradient norm that is no longer finite, the loss first', () => {
    const monitor = createCurveMonitor();
    const [nan] = monitor.batch(batch(51, Number.NaN, Number.POSITIVE_INFINITY));
    expect(nan).toMatchObject({ kind: 'non-finite', epoch: 1, batch: 1, step: 51, magnitude: Infinity });
    expect(nan?.value).toBeNaN();
    expect(nan?.baseline).toBeNaN();
    expect(nan?.message).toBe(
      'At epoch 2, batch 2 the loss became not a number (NaN): training cannot go on (try a lower learning rate).',
    );
    const [inf] = monitor.batch(batch(52, 0.5, Number.NEGATIVE_INFINITY));
    expect(inf?.value).toBe(Number.NEGATIVE_INFINITY);
    expect(inf?.message).toBe(
      'At epoch 2, batch 3 the gradient norm became minus infinity: training cannot go on (try a lower learning rate).',
    );
    expect(monitor.anomalies.map((a) => a.kind)).toEqual(['non-finite', 'non-finite']);
  });
});

describe('epoch messages', () => {
  it('a validation drop names both accuracies, the epochs (1-based) and the threshold', () => {
    const monitor = createCurveMonitor();
    expect(monitor.epoch(epochPoint(0, { valAccuracy: 0.9 }))).toEqual([]);
    const found = monitor.epoch(epochPoint(1, { valAccuracy: 0.8 }));
    expect(found).toHaveLength(1);
    expect(found[0]?.kind).toBe('validation-drop');
    expect(found[0]?.epoch).toBe(1);
    expect(found[0]?.magnitude).toBeCloseTo(0.1, 12);
    expect(found[0]?.message).toBe(
      'Validation accuracy fell from 90.0% at epoch 1 to 80.0% at epoch 2, a drop of 10.0 points (the alarm is set at 5.0 points).',
    );
  });

  it('alarms once per divergent stretch and again after the pattern breaks', () => {
    const monitor = createCurveMonitor();
    // Training loss falls every epoch; validation loss rises 1 → 1.6 (alarm at the third rise: +60% over the best 1),
    // rises on (no second alarm), drops to 1 (the stretch ends), then rises three times more (a new alarm).
    const val = [1, 1.2, 1.4, 1.6, 1.8, 1, 1.3, 1.6, 1.9];
    const found = val.flatMap((v, e) => monitor.epoch(epochPoint(e, { valLoss: v })));
    expect(found.map((a) => [a.kind, a.epoch])).toEqual([
      ['divergence', 3],
      ['divergence', 8],
    ]);
    expect(found[0]?.magnitude).toBeCloseTo(0.6, 12);
    expect(found[0]?.message).toBe(
      'From epoch 1 to epoch 4 the training loss fell (10 → 7) while the validation loss rose (1 → 1.6), now 60% above its best, 1: the model is fitting something that does not generalise.',
    );
    // The second stretch: epochs 6-9 (0-based 5-8), training loss 10 − 5 = 5 → 10 − 8 = 2, validation 1 → 1.9.
    expect(found[1]?.message).toContain(
      'From epoch 6 to epoch 9 the training loss fell (5 → 2) while the validation loss rose (1 → 1.9), now 90% above its best, 1:',
    );
  });

  it('a stretch also ends at an epoch where the training loss stays level or the validation loss does', () => {
    const alarms = (train: number[], val: number[]) => {
      const monitor = createCurveMonitor();
      return val
        .flatMap((v, e) => monitor.epoch(epochPoint(e, { trainLoss: train[e], valLoss: v })))
        .map((a) => a.epoch);
    };
    // Training loss level at epoch 4: the stretch ends there, and epochs 5–7 make a new one (alarm at 7).
    expect(alarms([10, 9, 8, 7, 7, 6, 5, 4], [1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.4])).toEqual([3, 7]);
    // Validation loss level at epoch 4: the same.
    expect(alarms([10, 9, 8, 7, 6, 5, 4, 3], [1, 1.2, 1.4, 1.6, 1.6, 1.8, 2, 2.2])).toEqual([3, 7]);
  });

  it('writes 100 and 0.01 plainly, never in exponent form', () => {
    const message = (val: number[]) => {
      const monitor = createCurveMonitor();
      return val.flatMap((v, e) => monitor.epoch(epochPoint(e, { valLoss: v })))[0]?.message;
    };
    expect(message([100, 120, 140, 160])).toContain('rose (100 → 160), now 60% above its best, 100:');
    expect(message([0.01, 0.012, 0.014, 0.016])).toContain(
      'rose (0.01 → 0.016), now 60% above its best, 0.01:',
    );
  });

  it('a stalled class is named once per run, from the median loss when there is one', () => {
    const monitor = createCurveMonitor({ classNames: ['zero', 'one', 'two'] });
    // Classes 0 and 1 halve every epoch (a fitted fall of 1 − 2⁻³ = 87.5% over 3 epochs); class 2 stays at 1
    // (0% fallen), 8× the others' 0.125 at epoch 3. The mean losses never stall, so the median is what is watched.
    const medians = [1, 0.5, 0.25, 0.125, 0.0625].map((v) => [v, v, 1]);
    const found = medians.flatMap((m, e) =>
      monitor.epoch(epochPoint(e, { classLoss: [1 / 2 ** e, 1 / 2 ** e, 1 / 2 ** e], classMedianLoss: m })),
    );
    expect(found.map((a) => [a.kind, a.epoch, a.classIndex])).toEqual([['class-stall', 3, 2]]);
    expect(found[0]?.magnitude).toBeCloseTo(8, 9);
    expect(found[0]?.message).toBe(
      'Class two: its training loss stayed at 1 over the last 3 epochs, while the other classes’ losses fell by 88% (median); it is now 8.0 times their median loss (0.13). Rows labelled two may be mislabelled or poisoned.',
    );
  });

  it('names a class by its code when no names are given, and reads the mean loss without a median', () => {
    const monitor = createCurveMonitor();
    const found = [1, 0.5, 0.25, 0.125].flatMap((v, e) =>
      monitor.epoch(epochPoint(e, { classLoss: [1, v, v] })),
    );
    expect(found.map((a) => a.classIndex)).toEqual([0]);
    expect(found[0]?.message).toMatch(/^Class 0: .* Rows labelled 0 may be mislabelled or poisoned\.$/);
  });

  it('refuses an epoch whose class count changed, naming the epoch (1-based) and both counts', () => {
    const monitor = createCurveMonitor();
    monitor.epoch(epochPoint(0, { classLoss: [1, 2] }));
    expect(() => monitor.epoch(epochPoint(1, { classLoss: [1, 2, 3] }))).toThrow(
      new RangeError('Epoch 2 has 3 class losses, expected 2.'),
    );
  });

  it('fixes the class count at the first epoch, even at zero', () => {
    const monitor = createCurveMonitor();
    monitor.epoch(epochPoint(0, { classLoss: [] }));
    expect(() => monitor.epoch(epochPoint(1, { classLoss: [1] }))).toThrow(
      'Epoch 2 has 1 class losses, expected 0.',
    );
  });

  it('takes thresholds from the options over the defaults', () => {
    const monitor = createCurveMonitor({ thresholds: { validationDrop: 0.2 } });
    expect(monitor.thresholds.validationDrop).toBe(0.2);
    expect(monitor.thresholds.divergenceEpochs).toBe(3);
    monitor.epoch(epochPoint(0, { valAccuracy: 0.9 }));
    expect(monitor.epoch(epochPoint(1, { valAccuracy: 0.75 }))).toEqual([]);
    expect(monitor.epoch(epochPoint(2, { valAccuracy: 0.5 }))[0]?.message).toContain(
      '(the alarm is set at 20.0 points)',
    );
  });
});
