/**
 * Activation clusters another score corroborates (issue 10). Canaries cannot stand in for an attack that works by mass:
 * a few dozen injected rows never form the cluster that hundreds of flipped or triggered rows of one class form, so
 * the canary-chosen detectors miss what activation clustering sees there (on 5 of 19 poisoned sets, two pair flips, a
 * blend and a patch trigger and injected outliers, activation clustering was the best single score). A cluster is
 * rows sharing one non-zero activation
 * clustering value (one class's minority cluster). It is lifted when another score agrees that it stands out: half of
 * its rows sit in that score's top `reach` of the analyst's rows. Natural sub-groups of a class split off as well, and
 * most sit near the middle of every other score. Measured on the 22 poisoned sets of the README's held-out check: 21
 * clusters were lifted, 12 of them 95-100% poison, 3 mixed (6 of 15, 12 of 28, 10 of 15 poisoned) and 6 clean (3 to 58
 * rows); mean average precision of the calibrated suspicion rose from 0.58 to 0.70, with two sets down (0.79 to 0.60
 * and 0.92 to 0.50). A lifted cluster's rows whose features explain their label (explainedClusterRows) are not
 * lifted: on small sets the mixed clusters were natural sub-groups holding some flipped rows. The embedding outlier
 * scores corroborate only a cluster whose rows' labels are nearly all unexplained (corroboratedClusters): on
 * fashion_flip three clean sub-groups of 130-186 rows were lifted by them (docs/heldout.md).
 */
import { columnScales, disagrees, type NeighbourSpace, stride } from '../scores/neighbour-labels';
import { DEFAULT_SPIKE_LABELS, type SpikeLabelParams } from '../scores/spike-labels';
import { SCORE_NAMES, type ScoreName } from '../scores/types';

/** A corroborated cluster: its analyst rows, the score that corroborates it and that score's median significance. */
export interface Corroborated {
  /** The activation clustering value its rows share. */
  value: number;
  /** Analyst row indices. */
  rows: number[];
  /** Index into SCORE_NAMES of the corroborating score. */
  score: number;
  /** Median tail significance of its rows under that score (−ln of the median row's upper-tail share). */
  significance: number;
}

/** Scores that read the embedding activation clustering splits: a natural sub-group stands out under them too. */
const EMBEDDING_OUTLIER_SCORES: readonly ScoreName[] = ['spectral', 'knnDistance', 'mahalanobis'];

/** Median of `values` over `rows`. */
export function medianOver(values: ArrayLike<number>, rows: readonly number[]): number {
  const v = Float64Array.from(rows, (p) => values[p]).sort();
  return v.length ? v[(v.length - 1) >> 1] : Number.NaN;
}

/**
 * Clusters of at least 3 analyst rows (the first `rows` of `clusterValues`) whose median tail significance under
 * some other score reaches −ln(reach), most corroborated first. `features[k]` is score k's tail significance of every
 * row against the analyst's rows (tails.ts). Shared values and the embedding outlier scores (spectral, k-NN distance,
 * Mahalanobis) count only together with the rows' labels: when at least `labels` of the cluster's rows carry a label
 * their features do not explain (`explained` 0, explainedClusterRows). A blend trigger's rows share the pattern's pixel
 * values, and a patch trigger's rows stand apart in the embedding, while both keep their source class's look; a
 * natural sub-group shares pixel values and stands apart in the embedding too (those scores read the embedding that
 * activation clustering splits), but its rows' labels are the ones their nearest rows carry. (Either sign alone
 * lifted clean clusters: see docs/heldout.md.) Without `explained` nothing is known of the labels, so neither counts.
 */
export function corroboratedClusters(
  clusterValues: Float32Array,
  features: readonly Float32Array[],
  rows: number,
  reach: number,
  explained?: Uint8Array,
  labels = Number.POSITIVE_INFINITY,
): Corroborated[] {
  const shared = SCORE_NAMES.indexOf('sharedValues');
  // Not activation clustering itself, nor shared values: an embedding cluster's rows look alike, so on image-like
  // data they share pixel values, and shared values would corroborate any natural sub-group of a class.
  const without = [SCORE_NAMES.indexOf('activationClustering'), SCORE_NAMES.indexOf('sharedValues')];
  const embedding = EMBEDDING_OUTLIER_SCORES.map((s) => SCORE_NAMES.indexOf(s));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const v = clusterValues[i];
    if (!(v > 0)) continue;
    const g = groups.get(v);
    if (g) g.push(i);
    else groups.set(v, [i]);
  }
  const out: Corroborated[] = [];
  for (const [value, members] of groups) {
    if (members.length < 3) continue;
    let score = -1;
    let significance = Number.NEGATIVE_INFINITY;
    const unexplained = explained ? members.filter((r) => explained[r] !== 1).length / members.length : 0;
    features.forEach((f, k) => {
      if (without.includes(k)) return;
      if (embedding.includes(k) && unexplained < labels) return;
      const m = medianOver(f, members);
      if (m > significance) {
        significance = m;
        score = k;
      }
    });
    if (score >= 0 && significance >= -Math.log(reach)) {
      out.push({ value, rows: members, score, significance });
      continue;
    }
    // Shared values, named as the corroborating score, when most rows' labels are not explained too.
    const byShared = medianOver(features[shared] as Float32Array, members);
    if (unexplained >= labels && byShared >= -Math.log(reach))
      out.push({ value, rows: members, score: shared, significance: byShared });
  }
  return out.sort((a, b) => b.significance - a.significance || a.value - b.value);
}

/**
 * Rows lifted with a corroborated cluster although activation clustering left them outside it: rows that carry the
 * cluster's label (the label most of its rows carry), sit in no lifted cluster, and stand out under the cluster's
 * corroborating score at least as much as the cluster's median row does. Activation clustering splits a class in two
 * by the embedding, and an attack's rows that the model embeds among the class's own rows stay behind, while they
 * still carry the attack's label and its sign (a blend's shared pixel values, a flip's loss): on ho_fashion_blend4, 16
 * of the 120 blended images sat outside the 105-row cluster, at the median share of 3% under the shared values that
 * corroborated it. Only a cluster at least `share` of whose rows carry a label their features do not explain
 * (`explained` 0, explainedClusterRows) looks for them: a cluster that is partly a natural sub-group would draw in its
 * class's other hard rows. Each such row maps to the first (most corroborated) cluster it looks like; none does
 * without `labels` and `explained`.
 */
export function lookalikeRows(
  clusters: readonly Corroborated[],
  clusterValues: Float32Array,
  features: readonly Float32Array[],
  rows: number,
  share: number,
  labels?: Int32Array,
  explained?: Uint8Array,
): Map<number, Corroborated> {
  const out = new Map<number, Corroborated>();
  // Without the labels, or without knowing which labels are explained, no row is known to look like a cluster.
  if (!labels || !explained) return out;
  const lifted = new Set(clusters.map((c) => c.value));
  const embedding = EMBEDDING_OUTLIER_SCORES.map((s) => SCORE_NAMES.indexOf(s));
  const sure = clusters.filter(
    (c) =>
      !embedding.includes(c.score) &&
      c.rows.filter((r) => explained[r] !== 1).length >= share * c.rows.length,
  );
  const label = sure.map((c) => {
    const count = new Map<number, number>();
    for (const r of c.rows) count.set(labels[r] as number, (count.get(labels[r] as number) ?? 0) + 1);
    return [...count].reduce((a, b) => (b[1] > a[1] || (b[1] === a[1] && b[0] < a[0]) ? b : a))[0];
  });
  for (let i = 0; i < rows; i++) {
    if (lifted.has(clusterValues[i] as number)) continue;
    const c = sure.findIndex(
      (c, k) => labels[i] === label[k] && (features[c.score] as Float32Array)[i] >= c.significance,
    );
    if (c >= 0) out.set(i, sure[c] as Corroborated);
  }
  return out;
}

/**
 * Analyst rows of activation clusters whose label their feature values explain: 1 where the row's label is the
 * majority label of its `k` nearest rows outside its cluster (standardised features), else 0. A backdoor or a flip
 * moves rows into a cluster of their new label while their features still look like their source class, so their
 * nearest rows outside the cluster carry another label; a natural sub-group's rows carry the label of the rows
 * nearest them (ART's exclusionary reclassification asks a retrained model the same question). Rows outside every
 * cluster get 0, and so does every row when the budget leaves under 5k reference rows (nothing is explained away).
 */
export function explainedClusterRows(
  features: Float32Array,
  cols: number,
  labels: Int32Array,
  clusterValues: Float32Array,
  rows: number,
  params: Pick<SpikeLabelParams, 'k' | 'reference' | 'budget'> = DEFAULT_SPIKE_LABELS,
): Uint8Array {
  const out = new Uint8Array(rows);
  const groups = new Map<number, Set<number>>();
  for (let i = 0; i < rows; i++) {
    const v = clusterValues[i] as number;
    if (!(v > 0)) continue;
    const g = groups.get(v);
    if (g) g.add(i);
    else groups.set(v, new Set([i]));
  }
  const members = [...groups.values()].reduce((s, g) => s + g.size, 0);
  const size = Math.min(params.reference, Math.floor(params.budget / Math.max(1, members * cols)));
  if (members === 0 || size < 5 * params.k) return out;
  const local = Int32Array.from({ length: rows }, (_, i) => i);
  const space: NeighbourSpace = {
    features,
    cols,
    local,
    labels,
    scale: columnScales(features, cols, local),
    reference: stride(Array.from(local), size),
    k: params.k,
  };
  for (const group of groups.values()) for (const i of group) out[i] = 1 - disagrees(space, i, group);
  return out;
}
