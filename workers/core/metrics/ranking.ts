/**
 * Quality of a ranking against 0/1 truth, beyond AUROC (auroc.ts): average precision, precision among the top k and
 * recall when a given fraction of the negatives is flagged. Higher scores rank first; NaN ranks last.
 */

function descending(scores: ArrayLike<number>): Uint32Array {
  const key = Float64Array.from({ length: scores.length }, (_, i) =>
    Number.isNaN(scores[i]) ? Number.NEGATIVE_INFINITY : scores[i],
  );
  return Uint32Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => key[b] - key[a] || a - b);
}

/**
 * Average precision: the mean, over the positives, of the precision of the list cut just below each, with tied
 * scores sharing one cut (so the order of ties does not matter). NaN without positives.
 */
export function averagePrecision(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = scores.length;
  if (truth.length !== n)
    throw new RangeError(`averagePrecision: ${n} scores but ${truth.length} truth values.`);
  const order = descending(scores);
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i]) positives++;
  if (positives === 0) return Number.NaN;
  let seen = 0;
  let hits = 0;
  let sum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const v = scores[order[start]];
    while (end < n && (scores[order[end]] === v || (Number.isNaN(v) && Number.isNaN(scores[order[end]]))))
      end++;
    let groupHits = 0;
    for (let j = start; j < end; j++) if (truth[order[j]]) groupHits++;
    seen += end - start;
    hits += groupHits;
    sum += groupHits * (hits / seen);
    start = end;
  }
  return sum / positives;
}

/** Share of positives among the k highest scores (ties by index); NaN for k < 1. */
export function precisionAtK(scores: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  if (!(k >= 1)) return Number.NaN;
  const order = descending(scores);
  const top = Math.min(Math.round(k), order.length);
  let hits = 0;
  for (let j = 0; j < top; j++) hits += truth[order[j]] ? 1 : 0;
  return hits / top;
}

/**
 * Recall of `positives` when the top `fraction` of `negatives` is flagged: the share of positive values at or above
 * the negatives' (1 − fraction) quantile, the flagged negatives being those strictly above it plus none of its ties
 * (so a value shared by most negatives, such as 0, is never a flag). NaN without positives.
 */
export function recallAtFraction(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
  fraction: number,
): number {
  if (positives.length === 0) return Number.NaN;
  const neg = Float64Array.from(negatives, (v) => (Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v)).sort();
  const flagged = Math.floor(fraction * neg.length);
  // The threshold: flag values strictly above the value just below the flagged block.
  const cut = flagged >= neg.length ? Number.NEGATIVE_INFINITY : neg[neg.length - flagged - 1];
  let hits = 0;
  for (let i = 0; i < positives.length; i++) if (positives[i] > cut) hits++;
  return hits / positives.length;
}
