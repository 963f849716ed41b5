/**
 * Label-issue scores by confident learning (Northcutt, Jiang & Chuang 2021) from out-of-sample probabilities P̂
 * (N × C, K-fold cross-validated). O(N·C) loops.
 */

/** The label-issue family and the confident-learning verdict of every sample. */
export interface LabelIssues {
  /** 1 - p̂[y]. */
  selfConfidence: Float32Array;
  /** max_{k≠y} p̂[k] - p̂[y], in [-1, 1]: cleanlab's normalised margin, negated so higher = more suspicious. */
  normalizedMargin: Float32Array;
  /** t_j = mean p̂[j] over samples labelled j (NaN for a class with no samples). */
  thresholds: Float32Array;
  /** 1 when the confident class differs from the given label. */
  labelIssue: Uint8Array;
  /** The confident class of a label issue, -1 elsewhere. */
  suggestedLabel: Int32Array;
}

/**
 * Confident learning: thresholds t_j; a sample's confident class is the argmax of p̂[k] among the classes with
 * p̂[k] ≥ t_k (the given label included, as in the confident joint); it is a label issue when that class exists
 * and differs from y, and the suggested label is that class. Ties go to the lower class index.
 */
export function labelIssues(probs: Float32Array, labels: Int32Array, classCount: number): LabelIssues {
  const n = labels.length;
  const c = classCount;
  if (probs.length !== n * c)
    throw new RangeError(`Expected N×C = ${n * c} probabilities, got ${probs.length}.`);
  const sums = new Float64Array(c);
  const counts = new Int32Array(c);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < c)) throw new RangeError(`Label ${y} of sample ${i} is not a class.`);
    sums[y] += probs[i * c + y];
    counts[y]++;
  }
  const thresholds = new Float32Array(c);
  for (let j = 0; j < c; j++) thresholds[j] = counts[j] ? sums[j] / counts[j] : Number.NaN;
  const selfConfidence = new Float32Array(n);
  const normalizedMargin = new Float32Array(n);
  const labelIssue = new Uint8Array(n);
  const suggestedLabel = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    const o = i * c;
    const py = probs[o + y];
    let other = Number.NEGATIVE_INFINITY;
    let confident = -1;
    for (let k = 0; k < c; k++) {
      const pk = probs[o + k];
      if (k !== y && pk > other) other = pk;
      // A class never labelled has no threshold (NaN); it cannot be confident, as in cleanlab.
      if (pk >= thresholds[k] && (confident < 0 || pk > probs[o + confident])) confident = k;
    }
    selfConfidence[i] = 1 - py;
    normalizedMargin[i] = other - py;
    if (confident >= 0 && confident !== y) {
      labelIssue[i] = 1;
      suggestedLabel[i] = confident;
    }
  }
  return { selfConfidence, normalizedMargin, thresholds, labelIssue, suggestedLabel };
}
