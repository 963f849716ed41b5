/**
 * "Why flagged", in words: for each score family, sentences built from the row's own numbers, each one checkable
 * against what the detail panel shows (its margins per epoch, its neighbours' labels, its percentiles, its cluster).
 * Pure: the review worker builds them for the focused row; the tests read them.
 */
import { FAMILY_NAMES, type FamilyName, type ScoreName } from '../scores/types';
import type { FamilyThreshold } from './family-flags';

/** Everything the sentences read about one row. */
export interface WhyInput {
  classes: readonly string[];
  /** The row's given label (class code). */
  label: number;
  /** The confident-learning label, -1 when none is suggested. */
  suggested: number;
  /** Whether the run trained on the row (false: held out for validation); null without dynamics. */
  inTraining: boolean | null;
  /** Per epoch, the row's margin and whether it was predicted right; null without dynamics. */
  epochs: { margin: readonly number[]; correct: readonly number[] } | null;
  scores: Partial<Record<ScoreName, number>>;
  /** Percentile rank in the run, 0..1. */
  percentiles: Partial<Record<ScoreName, number>>;
  /** The neighbours the panel lists (nearest first), by class code. */
  neighbours: readonly number[];
  /**
   * Columns where the row holds a value many rows share while the values next to it are rare (shared-values score),
   * strongest first; empty when it holds none.
   */
  shared: ReadonlyArray<{ column: string; value: string; rows: number; neighbours: number }>;
  /**
   * The lifted group of shared values that holds the row (spike-groups.ts): its rows, the columns of its values, its
   * label and how many rows carry it, and of the rows checked, how many have nearest rows mostly of another label.
   */
  group: {
    rows: number;
    /** Column names; for an image, its pixels' "y,x" names. */
    columns: readonly string[];
    pixels: boolean;
    label: number;
    labelled: number;
    checked: number;
    unexplained: number;
  } | null;
  /**
   * Images scored with calibration: of its `k` nearest images in pixels, how many carry another label (the label
   * kinds' third question, calibration/pixel-neighbours.ts); null otherwise.
   */
  pixelNeighbours: { differ: number; k: number } | null;
  /** Rows of its class in its activation cluster when that cluster is the small one; null otherwise. */
  cluster: { rows: number; classRows: number } | null;
  /** The row's family values, whether each family flags it, and each family's threshold. */
  families: Record<FamilyName, { value: number; flagged: boolean }>;
  thresholds: Record<FamilyName, FamilyThreshold>;
}

/** One family's verdict on the row and the sentences behind it. */
export interface FamilyWhy {
  family: FamilyName;
  flagged: boolean;
  /** The verdict with its numbers: value, threshold, bulk. */
  verdict: string;
  sentences: string[];
}

/** 0.914 → "91%"; under 1% and over 99% keep one decimal so 0.996 does not read as 100%. */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return '—';
  const v = 100 * p;
  if (v > 0 && v < 1) return `${v.toFixed(1)}%`;
  if (v > 99 && v < 100) return `${(Math.floor(v * 10) / 10).toFixed(1)}%`;
  return `${Math.round(v)}%`;
}

/** A number for a sentence: three significant digits, no exponent for everyday sizes, a true minus sign. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : '—';
  const abs = Math.abs(v);
  let text: string;
  if (abs === 0) text = '0';
  else if (abs >= 1e5 || abs < 1e-3) text = v.toExponential(2);
  else text = String(Number(v.toPrecision(3)));
  return text.replaceAll('-', '−');
}

/** "higher than 98% of rows": the share floored, so the sentence never claims more than is true. */
export function higherThan(p: number): string {
  const v = 100 * p;
  const text =
    v > 99 && v < 100
      ? (Math.floor(v * 10) / 10).toFixed(1)
      : v > 0 && v < 1
        ? v.toFixed(1)
        : String(Math.floor(v));
  return `higher than ${text}% of rows`;
}

/** "0.5%": a share rounded up, so that "only 0.5% of rows have a smaller one" never claims fewer than is true. */
export function atMostPercent(p: number): string {
  const v = 100 * p;
  return `${v > 0 && v < 1 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v))}%`;
}

const className = (input: WhyInput, c: number) => input.classes[c] ?? String(c);

function trajectory(input: WhyInput): string[] {
  const out: string[] = [];
  const label = className(input, input.label);
  if (input.inTraining === false)
    out.push('It was held out for validation: these are the model’s views of a row it never trained on.');
  const ep = input.epochs;
  if (ep && ep.margin.length > 0) {
    const e = ep.margin.length;
    const lo = Math.min(...ep.margin);
    const hi = Math.max(...ep.margin);
    const last = ep.margin[e - 1] as number;
    const first = ep.correct.indexOf(1);
    let forgets = 0;
    for (let k = 1; k < e; k++) if (ep.correct[k - 1] === 1 && ep.correct[k] !== 1) forgets++;
    if (first < 0) {
      out.push(
        `The model never learned its label ${label}: it predicted another label in all ${e} epochs, its margin between ${num(lo)} and ${num(hi)} (${num(last)} at the last).`,
      );
    } else if (first + 1 > Math.ceil(e / 2)) {
      out.push(
        `The model learned its label ${label} only at epoch ${first + 1} of ${e} (margin ${num(last)} at the last).`,
      );
    } else if (forgets === 0) {
      out.push(
        `The model learned its label ${label} by epoch ${first + 1} of ${e} and kept it (margin ${num(last)} at the last).`,
      );
    }
    if (first >= 0 && forgets > 0)
      out.push(
        `It was forgotten ${forgets === 1 ? 'once' : `${forgets} times`}: predicted right at one epoch, wrong at the next (right at ${ep.correct.filter((c) => c === 1).length} of ${e} epochs).`,
      );
  }
  const loss = input.scores.meanLoss;
  const p = input.percentiles.meanLoss;
  if (loss !== undefined && p !== undefined && Number.isFinite(loss))
    out.push(`Its mean loss, ${num(loss)}, is ${higherThan(p)}.`);
  return out;
}

function influence(input: WhyInput): string[] {
  const v = input.scores.selfInfluence;
  const p = input.percentiles.selfInfluence;
  if (v === undefined || p === undefined || !Number.isFinite(v)) return [];
  const tail = p >= 0.95 ? ': the model’s own steps on it were unusually large' : '';
  return [`Its self-influence, ${num(v)}, is ${higherThan(p)}${tail}.`];
}

/** "a", "a; and b", "a; b; and c" (the items hold commas). */
function joinList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join('; ')}; and ${items[items.length - 1]}`;
}

/** What the row's lifted group of shared values is, in numbers the detail shows. */
function groupSentence(input: WhyInput, g: NonNullable<WhyInput['group']>): string {
  const shown = g.columns.slice(0, 4);
  const rest = g.columns.length - shown.length;
  const names = rest > 0 ? [...shown, `${rest} more`] : shown;
  const where = g.pixels
    ? `${g.columns.length} pixels (y,x: ${joinList(names)})`
    : `${g.columns.length} columns (${joinList(names)})`;
  return (
    `It is one of ${g.rows} rows that share the same values in ${where}; ` +
    `${g.labelled} of the ${g.rows} carry label ${className(input, g.label)}. Of the ${g.checked} checked, ` +
    `${g.unexplained} have nearest rows outside the group (those ${g.pixels ? 'pixels' : 'columns'} left out) mostly of another label: ` +
    'rows of other classes stamped with one pattern and relabelled look like this.'
  );
}

function embedding(input: WhyInput): string[] {
  const label = className(input, input.label);
  const out: { p: number; text: string }[] = [];
  if (input.cluster && input.cluster.rows > 0) {
    const { rows, classRows } = input.cluster;
    out.push({
      p: 2,
      text: `It sits in a small separate cluster of class ${label}: ${rows} of the class’s ${classRows} rows (${percent(rows / Math.max(classRows, 1))}).`,
    });
  }
  if (input.group) out.push({ p: 3, text: groupSentence(input, input.group) });
  const add = (score: ScoreName, text: (v: number, p: number) => string) => {
    const v = input.scores[score];
    const p = input.percentiles[score];
    if (v !== undefined && p !== undefined && Number.isFinite(v)) out.push({ p, text: text(v, p) });
  };
  if (input.shared.length > 0) {
    const shown = input.shared
      .slice(0, 3)
      .map(
        (c) =>
          `${c.column} = ${c.value}, held by ${c.rows} rows (the values next to it by ${num(c.neighbours)} each)`,
      );
    const rest = input.shared.length - shown.length;
    const lead =
      input.shared.length === 1
        ? 'One of its values is held by many rows but rare around them'
        : `${input.shared.length} of its values are each held by many rows but rare around them`;
    const items = rest > 0 ? [...shown, `${rest} more`] : shown;
    out.push({ p: input.percentiles.sharedValues ?? 1, text: `${lead}: ${joinList(items)}.` });
  }
  // A row among the closest-packed 1% reads the other way: an injected cluster of near-identical rows lies there.
  const closest = input.percentiles.knnDistance;
  const distance = input.scores.knnDistance;
  if (closest !== undefined && closest <= 0.01 && distance !== undefined && Number.isFinite(distance))
    out.push({
      p: 1 - closest,
      text:
        `Its mean distance to its nearest neighbours in the embedding, ${num(distance)}, is among the smallest: ` +
        `${atMostPercent(closest)} of rows have a smaller one, so it sits among rows packed closer together than almost all others.`,
    });
  else
    add(
      'knnDistance',
      (v, p) =>
        `Its mean distance to its nearest neighbours in the embedding, ${num(v)}, is ${higherThan(p)}.`,
    );
  add(
    'mahalanobis',
    (v, p) =>
      `Its distance to the centre of class ${label} in the embedding, ${num(v)}, is ${higherThan(p)}.`,
  );
  add(
    'spectral',
    (_, p) => `Along class ${label}’s main direction of spread its spectral score is ${higherThan(p)}.`,
  );
  out.sort((a, b) => b.p - a.p);
  const strong = out.filter((s) => s.p >= 0.9);
  const shown = (strong.length > 0 ? strong : out.slice(0, 1)).slice(0, 3);
  return shown.map((s) => s.text);
}

function labelFamily(input: WhyInput): string[] {
  const out: string[] = [];
  const label = className(input, input.label);
  const sc = input.scores.selfConfidence;
  const nm = input.scores.normalizedMargin;
  if (sc !== undefined && Number.isFinite(sc)) {
    const own = 1 - sc;
    const other = nm !== undefined && Number.isFinite(nm) ? nm + own : Number.NaN;
    const otherName =
      input.suggested >= 0 ? `label ${className(input, input.suggested)}` : 'the most likely other label';
    out.push(
      `A cross-validated model, never trained on this row, gives its label ${label} a probability of ${percent(own)}` +
        (Number.isFinite(other) ? ` and ${otherName} ${percent(other)}.` : '.'),
    );
  }
  const k = input.neighbours.length;
  if (k > 0) {
    const counts = new Map<number, number>();
    for (const c of input.neighbours) counts.set(c, (counts.get(c) ?? 0) + 1);
    const same = counts.get(input.label) ?? 0;
    let top = -1;
    let topCount = 0;
    for (const [c, n] of counts)
      if (c !== input.label && (n > topCount || (n === topCount && c < top))) [top, topCount] = [c, n];
    if (same === k) out.push(`All ${k} of its nearest neighbours carry its label ${label}.`);
    else if (topCount > same)
      out.push(
        `Its neighbours carry label ${className(input, top)} in ${topCount} of ${k} cases; ${same} carry its label ${label}.`,
      );
    else out.push(`${k - same} of its ${k} nearest neighbours carry another label than ${label}.`);
  }
  const pixels = input.pixelNeighbours;
  if (pixels)
    out.push(
      pixels.differ === 0
        ? `All ${pixels.k} images nearest it in pixels carry its label ${label}.`
        : `${pixels.differ} of the ${pixels.k} images nearest it in pixels carry another label than ${label}.`,
    );
  return out;
}

function verdict(family: FamilyName, input: WhyInput): string {
  const { value, flagged } = input.families[family];
  const t = input.thresholds[family];
  if (!Number.isFinite(value)) return 'Not scored for this row.';
  if (flagged) return `Flagged: family value ${num(value)}, at or above the threshold ${num(t.threshold)}.`;
  if (!(value > t.bulk))
    return `Not flagged: family value ${num(value)}, at or below the bulk (median ${num(t.bulk)}).`;
  if (!Number.isFinite(t.threshold))
    return `Not flagged: family value ${num(value)}; this family flags no row.`;
  return `Not flagged: family value ${num(value)}, below the threshold ${num(t.threshold)}.`;
}

const SENTENCES: Record<FamilyName, (input: WhyInput) => string[]> = {
  trajectory,
  influence,
  embedding,
  label: labelFamily,
};

/** Each family's verdict and sentences; flagged families first, each group in the usual family order. */
export function whyFlagged(input: WhyInput): FamilyWhy[] {
  const all = FAMILY_NAMES.map((family) => ({
    family,
    flagged: input.families[family].flagged,
    verdict: verdict(family, input),
    sentences: SENTENCES[family](input),
  }));
  return [...all.filter((w) => w.flagged), ...all.filter((w) => !w.flagged)];
}
