/**
 * Every anomaly in words a person can check against the training charts: the epoch and batch (numbered from 1),
 * the plotted values before and after with two significant digits and never an exponent, and a ratio only when it
 * is one a person can picture (under 100 times: beside a near-zero average, the two values are given instead). Pure.
 */
import type { ClassStall } from './detectors';

const PLAIN = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2, useGrouping: false });

/** 0.00694 → "0.0069", 0.0613 → "0.061", 2.31 → "2.3", 1e-7 → "0.0000001": two significant digits, no exponent. */
export function lossText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return PLAIN.format(v);
}

/** Ratios past this are not worth saying: the two values say more. */
const MAX_RATIO = 100;

/** "2.5 times" for a ratio a person can picture, else null (near-zero denominators, or none). */
function times(ratio: number): string | null {
  return Number.isFinite(ratio) && ratio > 0 && ratio < MAX_RATIO ? `${ratio.toFixed(1)} times` : null;
}

/** A percentage in whole points: 0.6245 → "62%". */
function percent(fraction: number): string {
  return `${Math.round(Number((100 * fraction).toPrecision(12)))}%`;
}

/** "epoch 7, batch 12" from 0-based indices. */
function where(epoch: number, batch: number): string {
  return `epoch ${epoch + 1}, batch ${batch + 1}`;
}

/** A batch whose loss or gradient norm jumped well above its running average. */
export function spikeSentence(
  kind: 'loss-spike' | 'grad-spike',
  at: { epoch: number; batch: number },
  value: number,
  baseline: number,
): string {
  const what = kind === 'loss-spike' ? 'batch loss' : 'gradient norm';
  const ratio = times(value / baseline);
  const against = ratio
    ? `${ratio} its running average of ${lossText(baseline)}`
    : `against a running average of ${lossText(baseline)}`;
  return (
    `At ${where(at.epoch, at.batch)} the ${what} jumped to ${lossText(value)}, ${against}. ` +
    `The batch's rows may hold outliers or poison.`
  );
}

/** A loss or gradient norm that became NaN or infinite. */
export function nonFiniteSentence(
  what: 'loss' | 'gradient norm',
  at: { epoch: number; batch: number },
  value: number,
): string {
  const became = Number.isNaN(value) ? 'not a number (NaN)' : value > 0 ? 'infinite' : 'minus infinity';
  return `At ${where(at.epoch, at.batch)} the ${what} became ${became}: training cannot go on (try a lower learning rate).`;
}

/** Validation accuracy falling from one epoch (0-based `epoch` − 1) to the next. */
export function validationDropSentence(epoch: number, from: number, to: number, threshold: number): string {
  const points = (v: number) => `${(100 * v).toFixed(1)}%`;
  return (
    `Validation accuracy fell from ${points(from)} at epoch ${epoch} to ${points(to)} at epoch ${epoch + 1}, ` +
    `a drop of ${(100 * (from - to)).toFixed(1)} points (the alarm is set at ${(100 * threshold).toFixed(1)} points).`
  );
}

/** Training loss falling while validation loss rose, over epochs `first`..`last` (0-based, the stretch's ends). */
export function divergenceSentence(d: {
  first: number;
  last: number;
  trainFrom: number;
  trainTo: number;
  valFrom: number;
  valTo: number;
  best: number;
}): string {
  const ratio = d.best > 0 ? d.valTo / d.best : Number.NaN;
  const above =
    Number.isFinite(ratio) && ratio < MAX_RATIO
      ? `${percent(ratio - 1)} above its best, ${lossText(d.best)}`
      : `against its best of ${lossText(d.best)}`;
  return (
    `From epoch ${d.first + 1} to epoch ${d.last + 1} the training loss fell (${lossText(d.trainFrom)} → ` +
    `${lossText(d.trainTo)}) while the validation loss rose (${lossText(d.valFrom)} → ${lossText(d.valTo)}), ` +
    `now ${above}: the model is fitting something that does not generalise.`
  );
}

/** A class whose training loss stopped falling while the others' fell. */
export function classStallSentence(className: string, st: ClassStall, window: number): string {
  const others = `the other classes’ losses fell by ${percent(st.othersFall)} (median)`;
  const moved =
    lossText(st.to) === lossText(st.from)
      ? `stayed at ${lossText(st.to)} over the last ${window} epochs`
      : st.to > st.from
        ? `rose from ${lossText(st.from)} to ${lossText(st.to)} over the last ${window} epochs`
        : `fell only from ${lossText(st.from)} to ${lossText(st.to)} over the last ${window} epochs`;
  const median = st.to / st.level;
  const ratio = times(st.level);
  const level = ratio
    ? `it is now ${ratio} their median loss (${lossText(median)})`
    : `their median loss is now ${lossText(median)}`;
  return `Class ${className}: its training loss ${moved}, while ${others}; ${level}. Rows labelled ${className} may be mislabelled or poisoned.`;
}
