/**
 * AUROC, average precision and recall at a flagged fraction of a few positives against one large set of negatives,
 * the negatives sorted once and each positive placed by binary search. A calibration report asks this of every score
 * for each canary kind (a few dozen canaries against every analyst row): sorting the joined list per question was most
 * of its time. Each answer equals auroc.ts's and ranking.ts's on the joined list to the bit; with a NaN or an infinity
 * among the values it asks them instead.
 */
import { auroc } from './auroc';
import { averagePrecision, recallAtFraction } from './ranking';

/** Ranking metrics of positives against the fixed `negatives`. */
export interface AgainstNegatives {
  /** recallAtFraction(positives, negatives, fraction). */
  recallAt(positives: ArrayLike<number>, fraction: number): number;
  /** auroc of negatives then positives, the positives true. */
  auroc(positives: ArrayLike<number>): number;
  /** averagePrecision of negatives then positives, the positives true. */
  averagePrecision(positives: ArrayLike<number>): number;
}

const finite = (values: ArrayLike<number>) => {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
};

/** The metrics of any positives against `negatives`, sorted here once. */
export function againstNegatives(negatives: ArrayLike<number>): AgainstNegatives {
  const sorted = Float64Array.from(negatives).sort();
  const n = sorted.length;
  const plain = finite(sorted);
  /** How many negatives lie below x (strictly, or at or below). */
  const count = (x: number, orEqual: boolean) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < x || (orEqual && sorted[mid] === x)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const joined = (positives: ArrayLike<number>) => {
    const values = new Float64Array(n + positives.length);
    values.set(Float64Array.from(negatives));
    values.set(Float64Array.from(positives), n);
    return { values, truth: new Uint8Array(values.length).fill(1, n) };
  };
  return {
    recallAt(positives, fraction) {
      if (!plain || positives.length === 0) return recallAtFraction(positives, negatives, fraction);
      // ranking.ts's cut: flag the negatives strictly above the value just below the flagged block.
      const flagged = Math.floor(fraction * n);
      const cut = flagged >= n ? Number.NEGATIVE_INFINITY : (sorted[n - flagged - 1] as number);
      let hits = 0;
      for (let i = 0; i < positives.length; i++) if ((positives[i] as number) > cut) hits++;
      return hits / positives.length;
    },
    auroc(positives) {
      if (!plain || !finite(positives)) {
        const j = joined(positives);
        return auroc(j.values, j.truth);
      }
      const p = positives.length;
      if (p === 0 || n === 0) return Number.NaN;
      // Twice Mann-Whitney's U: each positive counts 2 per negative below it and 1 per negative tied with it. The
      // rank sum of auroc.ts minus p(p+1)/2 is the same whole or half number, divided by the same product.
      let twiceU = 0;
      for (let i = 0; i < p; i++) {
        const x = positives[i] as number;
        const below = count(x, false);
        twiceU += below + count(x, true);
      }
      return twiceU / 2 / (p * n);
    },
    averagePrecision(positives) {
      if (!plain || !finite(positives)) {
        const j = joined(positives);
        return averagePrecision(j.values, j.truth);
      }
      const p = positives.length;
      if (p === 0) return Number.NaN;
      // ranking.ts walks the joined list from the top in groups of tied values, adding groupHits × hits / seen; a
      // group without positives adds 0. Only the positives' values need visiting, from the highest.
      const desc = Float64Array.from(positives).sort().reverse();
      let hits = 0;
      let sum = 0;
      let start = 0;
      while (start < p) {
        const v = desc[start] as number;
        let end = start + 1;
        while (end < p && desc[end] === v) end++;
        const groupHits = end - start;
        hits += groupHits;
        const seen = n - count(v, false) + hits;
        sum += groupHits * (hits / seen);
        start = end;
      }
      return sum / p;
    },
  };
}
