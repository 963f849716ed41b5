/**
 * The detectors of DESIGN §4. The spike rule is a small streaming object (an EWMA and a window of residuals fed
 * one batch at a time); the epoch rules are pure functions of the epoch history so far, evaluated at its last
 * epoch. `createCurveMonitor` (monitor.ts) combines them for the worker.
 */
import { type AnomalyThresholds, DEFAULT_ANOMALY_THRESHOLDS } from './types';

/** The 1.4826 factor makes the MAD a consistent estimate of the standard deviation for Gaussian noise. */
const MAD_TO_SIGMA = 1.4826;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Robust deviation: 1.4826 × median absolute deviation from the median. */
export function robustDeviation(values: number[]): number {
  const m = median(values);
  return MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - m)));
}

/** A value judged a spike. */
export interface SpikeVerdict {
  value: number;
  /** The running (geometric) average before this value. */
  baseline: number;
  /** The robust deviation of recent log residuals. */
  deviation: number;
  /** log(value / baseline) / deviation: robust deviations above the baseline, on the log scale. */
  magnitude: number;
}

/** Streaming spike rule for one non-negative curve (batch loss or gradient norm). */
export interface SpikeDetector {
  /** Feeds the next value; returns a verdict when it is a spike that starts a new event, else null. Non-finite values are ignored. */
  push(value: number): SpikeVerdict | null;
}

/**
 * Spike rule: after `spikeWarmup` values, a value whose residual over the EWMA exceeds both `spikeDeviations`
 * robust deviations and a rise of `spikeMinRelativeRise`. It works on log values: batch loss and gradient norm are
 * positive with multiplicative, right-skewed noise (a batch's loss is dominated by its few hard rows), which on
 * the linear scale would alarm several times a run on healthy curves (measured: ~1 per 3000 batches of ±15%
 * lognormal noise). A spike enters the EWMA clipped at the threshold, so one outlier does not drag the baseline
 * up; spikes within `spikeCooldown` values of a reported one are not reported again.
 */
export function createSpikeDetector(thresholds: Partial<AnomalyThresholds> = {}): SpikeDetector {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...thresholds };
  const minRise = Math.log1p(t.spikeMinRelativeRise);
  const residuals: number[] = [];
  let ewma = Number.NaN;
  let seen = 0;
  let sinceReported = Number.POSITIVE_INFINITY;
  return {
    push(value) {
      if (!Number.isFinite(value)) return null;
      const v = Math.log(Math.max(value, 0) + 1e-12);
      sinceReported++;
      if (seen++ === 0) {
        ewma = v;
        return null;
      }
      const residual = v - ewma;
      // A floor on the deviation: a perfectly flat window (MAD 0) would otherwise make any rise infinite.
      const deviation = Math.max(robustDeviation(residuals), 1e-6);
      const limit = t.spikeDeviations * deviation;
      const spike = seen > t.spikeWarmup && residuals.length > 0 && residual > limit && residual > minRise;
      const baseline = ewma;
      // Clipped only once warmed up: early on the deviation estimate is too young to clip by.
      ewma += t.spikeEwmaAlpha * (seen > t.spikeWarmup ? Math.min(residual, limit) : residual);
      residuals.push(residual);
      if (residuals.length > t.spikeWindow) residuals.shift();
      if (!spike) return null;
      const report = sinceReported > t.spikeCooldown;
      sinceReported = 0;
      return report
        ? { value, baseline: Math.exp(baseline), deviation, magnitude: residual / deviation }
        : null;
    },
  };
}

/** Validation accuracy drop into the last epoch, when above the threshold: the two accuracies and the drop. */
export function checkValidationDrop(
  valAccuracy: ArrayLike<number>,
  thresholds: Partial<AnomalyThresholds> = {},
): { from: number; to: number; drop: number } | null {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...thresholds };
  const e = valAccuracy.length - 1;
  if (e < 1) return null;
  const from = valAccuracy[e - 1];
  const to = valAccuracy[e];
  if (!(Number.isFinite(from) && Number.isFinite(to))) return null;
  const drop = from - to;
  return drop > t.validationDrop ? { from, to, drop } : null;
}

/**
 * Divergence at the last epoch: the run of consecutive epochs ending there in which training loss fell and
 * validation loss rose, and the validation loss's rise above its best so far (relative). Reported when the run is
 * at least `divergenceEpochs` long and the rise at least `divergenceMinRise`.
 */
export function checkDivergence(
  trainLoss: ArrayLike<number>,
  valLoss: ArrayLike<number>,
  thresholds: Partial<AnomalyThresholds> = {},
): { epochs: number; rise: number; best: number; now: number } | null {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...thresholds };
  const e = Math.min(trainLoss.length, valLoss.length) - 1;
  let streak = 0;
  for (let k = e; k >= 1; k--) {
    if (trainLoss[k] < trainLoss[k - 1] && valLoss[k] > valLoss[k - 1]) streak++;
    else break;
  }
  if (streak < t.divergenceEpochs) return null;
  let best = Number.POSITIVE_INFINITY;
  for (let k = 0; k <= e; k++) if (valLoss[k] < best) best = valLoss[k];
  const now = valLoss[e];
  const rise = (now - best) / Math.max(Math.abs(best), 1e-12);
  return rise >= t.divergenceMinRise ? { epochs: streak, rise, best, now } : null;
}

/** One stalled class at the last epoch. */
export interface ClassStall {
  classIndex: number;
  /** Its loss `stallWindow` epochs ago and now. */
  from: number;
  to: number;
  /** Its relative fall over the window (fitted on log loss), and the median of the other classes' falls. */
  fall: number;
  othersFall: number;
  /** Its loss over the median loss of the other classes now. */
  level: number;
}

/**
 * The relative fall of one class's loss over epochs s..e, from a least-squares line through log(loss): the end
 * points alone are too noisy once a class's loss is small. 0.3 = fell by 30%; negative = rose; NaN if any is NaN.
 */
function fittedFall(
  classLoss: ArrayLike<number>,
  classCount: number,
  c: number,
  s: number,
  e: number,
): number {
  const n = e - s + 1;
  const meanT = (s + e) / 2;
  let meanY = 0;
  const ys: number[] = [];
  for (let k = s; k <= e; k++) {
    const y = Math.log(Math.max(classLoss[k * classCount + c], 1e-12));
    ys.push(y);
    meanY += y / n;
  }
  let num = 0;
  let den = 0;
  for (let k = s; k <= e; k++) {
    num += (k - meanT) * (ys[k - s] - meanY);
    den += (k - meanT) ** 2;
  }
  return 1 - Math.exp((num / den) * (e - s));
}

/**
 * Class stall at the last epoch of `classLoss` (E × C, epoch-major): classes whose loss fell by at most
 * `stallRatio` of the others' median fall over the last `stallWindow` epochs, while the others fell by at least
 * `stallOthersFall`, and which sit at `stallLevel` × the others' median loss or more. NaN classes are skipped.
 */
export function checkClassStall(
  classLoss: ArrayLike<number>,
  classCount: number,
  thresholds: Partial<AnomalyThresholds> = {},
): ClassStall[] {
  const t = { ...DEFAULT_ANOMALY_THRESHOLDS, ...thresholds };
  const epochs = Math.floor(classLoss.length / classCount);
  const e = epochs - 1;
  const s = e - t.stallWindow;
  if (s < 0 || classCount < 2) return [];
  const falls: number[] = [];
  const now: number[] = [];
  const then: number[] = [];
  for (let c = 0; c < classCount; c++) {
    then.push(classLoss[s * classCount + c]);
    now.push(classLoss[e * classCount + c]);
    falls.push(fittedFall(classLoss, classCount, c, s, e));
  }
  const stalls: ClassStall[] = [];
  for (let c = 0; c < classCount; c++) {
    if (!(Number.isFinite(falls[c]) && Number.isFinite(now[c]))) continue;
    const otherFalls = falls.filter((f, k) => k !== c && Number.isFinite(f));
    const otherLoss = now.filter((v, k) => k !== c && Number.isFinite(v));
    if (otherFalls.length === 0) continue;
    const othersFall = median(otherFalls);
    const level = now[c] / Math.max(median(otherLoss), 1e-12);
    if (othersFall >= t.stallOthersFall && falls[c] <= t.stallRatio * othersFall && level >= t.stallLevel) {
      stalls.push({ classIndex: c, from: then[c], to: now[c], fall: falls[c], othersFall, level });
    }
  }
  return stalls;
}
