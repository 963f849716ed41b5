/**
 * Area under the ROC curve by the Mann–Whitney U statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (equivalently, mid-ranks). O(N log N).
 */

/**
 * AUROC of `scores` (higher = more likely positive) against 0/1 `truth`; NaN when either class is empty.
 * NaN scores rank lowest.
 */
export function auroc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = scores.length;
  if (truth.length !== n) throw new RangeError(`auroc: ${n} scores but ${truth.length} truth values.`);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = Number.isNaN(scores[i]) ? Number.NEGATIVE_INFINITY : scores[i];
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || 0);
  let positives = 0;
  let rankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && key[order[end]] === key[order[start]]) end++;
    const midRank = (start + 1 + end) / 2;
    for (let j = start; j < end; j++) {
      if (truth[order[j]]) {
        positives++;
        rankSum += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
