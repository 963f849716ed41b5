/**
 * The curve monitor the train worker feeds as reports arrive: one object per run holding the detectors' state,
 * returning the new anomalies of each batch or epoch (each one reported once) and keeping them all.
 */
import {
  checkClassStall,
  checkDivergence,
  checkValidationDrop,
  createSpikeDetector,
  type SpikeVerdict,
} from './detectors';
import {
  classStallSentence,
  divergenceSentence,
  nonFiniteSentence,
  spikeSentence,
  validationDropSentence,
} from './sentences';
import {
  type Anomaly,
  type AnomalyThresholds,
  type BatchAnomaly,
  DEFAULT_ANOMALY_THRESHOLDS,
  type EpochAnomaly,
} from './types';

/** What the monitor needs of a batch (the trainer's BatchReport has these fields). */
export interface BatchPoint {
  epoch: number;
  batch: number;
  step: number;
  loss: number;
  gradNorm: number;
  sampleRows: Int32Array;
}

/** What the monitor needs of an epoch (the trainer's EpochReport has these fields). */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  /** Mean training loss per class. */
  classLoss: ArrayLike<number>;
  /**
   * Median training loss per class; when given, the class-stall rule watches it instead of the mean (a class's
   * few mislabelled rows dominate its mean; the median follows its typical row).
   */
  classMedianLoss?: ArrayLike<number>;
}

export interface MonitorOptions {
  thresholds?: Partial<AnomalyThresholds>;
  /** Names for class codes in messages (default: the code). */
  classNames?: readonly string[];
}

/** A run's live anomaly detection. */
export interface CurveMonitor {
  /** Feeds one batch; returns the anomalies it raised (usually none). */
  batch(point: BatchPoint): BatchAnomaly[];
  /** Feeds one finished epoch; returns the anomalies it raised. */
  epoch(point: EpochPoint): EpochAnomaly[];
  /** Every anomaly so far, in order. */
  readonly anomalies: readonly Anomaly[];
  readonly thresholds: AnomalyThresholds;
}

/** Creates the monitor for one run, with DEFAULT_ANOMALY_THRESHOLDS overridden by `options.thresholds`. */
export function createCurveMonitor(options: MonitorOptions = {}): CurveMonitor {
  const thresholds = { ...DEFAULT_ANOMALY_THRESHOLDS, ...options.thresholds };
  const name = (c: number) => options.classNames?.[c] ?? String(c);
  const lossSpikes = createSpikeDetector(thresholds);
  const gradSpikes = createSpikeDetector(thresholds);
  const anomalies: Anomaly[] = [];
  const trainLoss: number[] = [];
  const valLoss: number[] = [];
  const valAccuracy: number[] = [];
  const classLoss: number[] = [];
  let classCount = -1;
  let divergenceReported = false;
  const stalled = new Set<number>();

  const spike = (p: BatchPoint, kind: 'loss-spike' | 'grad-spike', v: SpikeVerdict): BatchAnomaly => ({
    kind,
    epoch: p.epoch,
    batch: p.batch,
    step: p.step,
    value: v.value,
    baseline: v.baseline,
    magnitude: v.magnitude,
    sampleRows: p.sampleRows,
    message: spikeSentence(kind, p, v.value, v.baseline),
  });

  return {
    thresholds,
    anomalies,
    batch(p) {
      const found: BatchAnomaly[] = [];
      if (!Number.isFinite(p.loss) || !Number.isFinite(p.gradNorm)) {
        const what = Number.isFinite(p.loss) ? 'gradient norm' : 'loss';
        const value = Number.isFinite(p.loss) ? p.gradNorm : p.loss;
        found.push({
          kind: 'non-finite',
          epoch: p.epoch,
          batch: p.batch,
          step: p.step,
          value,
          baseline: Number.NaN,
          magnitude: Number.POSITIVE_INFINITY,
          sampleRows: p.sampleRows,
          message: nonFiniteSentence(what, p, value),
        });
      }
      const l = lossSpikes.push(p.loss);
      if (l) found.push(spike(p, 'loss-spike', l));
      const g = gradSpikes.push(p.gradNorm);
      if (g) found.push(spike(p, 'grad-spike', g));
      anomalies.push(...found);
      return found;
    },
    epoch(p) {
      const found: EpochAnomaly[] = [];
      if (classCount < 0) classCount = p.classLoss.length;
      if (p.classLoss.length !== classCount) {
        throw new RangeError(
          `Epoch ${p.epoch + 1} has ${p.classLoss.length} class losses, expected ${classCount}.`,
        );
      }
      trainLoss.push(p.trainLoss);
      valLoss.push(p.valLoss);
      valAccuracy.push(p.valAccuracy);
      const perClass = p.classMedianLoss ?? p.classLoss;
      for (let c = 0; c < classCount; c++) classLoss.push(perClass[c]);

      const drop = checkValidationDrop(valAccuracy, thresholds);
      if (drop) {
        found.push({
          kind: 'validation-drop',
          epoch: p.epoch,
          magnitude: drop.drop,
          message: validationDropSentence(p.epoch, drop.from, drop.to, thresholds.validationDrop),
        });
      }

      // One alarm per divergent stretch: re-armed once an epoch breaks the pattern.
      const e = trainLoss.length - 1;
      if (!(e >= 1 && trainLoss[e] < trainLoss[e - 1] && valLoss[e] > valLoss[e - 1]))
        divergenceReported = false;
      const div = checkDivergence(trainLoss, valLoss, thresholds);
      if (div && !divergenceReported) {
        divergenceReported = true;
        found.push({
          kind: 'divergence',
          epoch: p.epoch,
          magnitude: div.rise,
          message: divergenceSentence({
            first: p.epoch - div.epochs,
            last: p.epoch,
            trainFrom: trainLoss[e - div.epochs] as number,
            trainTo: trainLoss[e] as number,
            valFrom: valLoss[e - div.epochs] as number,
            valTo: div.now,
            best: div.best,
          }),
        });
      }

      // Each class alarms once per run: a stalled class tends to hover at the threshold, and one row says it all.
      for (const st of checkClassStall(classLoss, classCount, thresholds)) {
        if (stalled.has(st.classIndex)) continue;
        stalled.add(st.classIndex);
        found.push({
          kind: 'class-stall',
          epoch: p.epoch,
          classIndex: st.classIndex,
          magnitude: st.level,
          message: classStallSentence(name(st.classIndex), st, thresholds.stallWindow),
        });
      }

      anomalies.push(...found);
      return found;
    },
  };
}
