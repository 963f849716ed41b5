/**
 * The class-stall alarm in words a person can check against the per-class loss chart: whether the class's loss rose
 * or fell too little, from what to what over how many epochs, how the other classes' losses moved, and how many
 * times their median loss it now is. Pure.
 */
import type { ClassStall } from './detectors';

/** 0.00694 → "0.0069", 0.0613 → "0.061", 2.31 → "2.3": two significant digits, never an exponent. */
export function lossText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Number(v.toPrecision(2)).toString();
}

/** A ratio for people: "3.2 times", "57,097 times". */
function times(level: number): string {
  return level >= 100 ? `${Math.round(level).toLocaleString('en-US')} times` : `${level.toFixed(1)} times`;
}

export function classStallSentence(className: string, st: ClassStall, window: number): string {
  const others = `the other classes’ losses fell by ${Math.round(Number((100 * st.othersFall).toPrecision(12)))}% (median)`;
  const moved =
    lossText(st.to) === lossText(st.from)
      ? `stayed at ${lossText(st.to)} over the last ${window} epochs`
      : st.to > st.from
        ? `rose from ${lossText(st.from)} to ${lossText(st.to)} over the last ${window} epochs`
        : `fell only from ${lossText(st.from)} to ${lossText(st.to)} over the last ${window} epochs`;
  return (
    `Class ${className}: its training loss ${moved}, while ${others}; it is now ${times(st.level)} ` +
    `their median loss. Rows labelled ${className} may be mislabelled or poisoned.`
  );
}
