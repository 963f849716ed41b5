/**
 * What the calibration measured, on the reporting draw of canaries (never used to fit anything): per kind, how well
 * each score, each family, the kind's learned detector and the fused suspicion find its canaries among the analyst's
 * rows (recall at 1% and 5% of the rows flagged, AUROC, average precision), which family carries it, and a sentence.
 */
import {
  CANARY_KIND_TEXT,
  CANARY_KINDS,
  CANARY_ROLE,
  type CanaryKind,
  type CanaryPlan,
} from '../canary/types';
import type { JsonValue } from '../manifest/types';
import { againstNegatives } from '../metrics/against';
import { FAMILY_NAMES, type FamilyName, SCORE_NAMES, type ScoreName } from '../scores/types';
import { appendedRows } from './detectors';
import type { FusionInput, FusionResult } from './fuse';
import type { CalibrationReport, DetectionMetrics, KindReport, LiftedCluster, PoisonEstimate } from './types';

/** Metrics of `values` for the canary rows `canaries` against the analyst rows 0..rows-1. */
export function detectionMetrics(
  values: ArrayLike<number>,
  rows: number,
  canaries: readonly number[],
): DetectionMetrics {
  return metricsAgainstRows(values, rows)(canaries);
}

/** detectionMetrics of `values` for any canary rows, the analyst rows ranked once. */
function metricsAgainstRows(
  values: ArrayLike<number>,
  rows: number,
): (canaries: readonly number[]) => DetectionMetrics {
  const against = againstNegatives(Float64Array.from({ length: rows }, (_, i) => values[i] as number));
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(4)) : 0);
  return (canaries) => {
    const positives = Float64Array.from(canaries, (p) => values[p] as number);
    return {
      canaries: canaries.length,
      recallAt1: round(against.recallAt(positives, 0.01)),
      recallAt5: round(against.recallAt(positives, 0.05)),
      auroc: round(against.auroc(positives)),
      ap: round(against.averagePrecision(positives)),
    };
  };
}

/** Which group a kind belongs to in the sentence. */
const GROUP: Readonly<Record<CanaryKind, string>> = {
  'random-flip': 'mislabelled rows',
  'pair-flip': 'mislabelled rows',
  'near-duplicate': 'mislabelled rows',
  'feature-trigger': 'triggers',
  'patch-trigger': 'triggers',
  'blend-trigger': 'triggers',
  outlier: 'outliers',
};

/** "a", "a and b", "a, b and c" (or with `or`). */
function listOf(items: readonly string[], word: 'and' | 'or' = 'and'): string {
  return items.length > 1
    ? `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`
    : (items[0] ?? '');
}

function percent(v: number): string {
  return `${Math.round(100 * v)}%`;
}

/**
 * "On this dataset, Sift found 94% of injected mislabelled rows (random label flips and near-duplicates with
 * another label together) and 81% of injected triggers among its top 5%." Each group's figure pools its kinds' reporting
 * canaries under the fused suspicion (a group of several kinds names them); then the estimate.
 */
export function calibrationSentence(
  kinds: readonly KindReport[],
  estimate: PoisonEstimate,
  rows: number,
  clusters: readonly LiftedCluster[] = [],
  crowded = 0,
): string {
  const groups = new Map<string, { found: number; total: number; kinds: string[] }>();
  for (const k of kinds) {
    const g = groups.get(GROUP[k.kind]) ?? { found: 0, total: 0, kinds: [] };
    g.found += k.fused.recallAt5 * k.fused.canaries;
    g.total += k.fused.canaries;
    if (k.fused.canaries > 0) g.kinds.push(CANARY_KIND_TEXT[k.kind]);
    groups.set(GROUP[k.kind], g);
  }
  // A group of several kinds names them, so that its pooled figure can be read against the table's rows.
  const parts = [...groups.entries()]
    .filter(([, g]) => g.total > 0)
    .map(
      ([name, g]) =>
        `${percent(g.found / g.total)} of injected ${name}${g.kinds.length > 1 ? ` (${listOf(g.kinds)} together)` : ''}`,
    );
  const found =
    parts.length > 0
      ? `On this dataset, Sift found ${listOf(parts)} among its top 5%.`
      : 'On this dataset, no injected row could be measured.';
  const kindsSeen = Object.entries(estimate.byKind)
    .filter(([, v]) => (v ?? 0) > 0)
    .map(([k]) => CANARY_KIND_TEXT[k as CanaryKind]);
  const what = [
    kindsSeen.length > 0 ? `look like ${listOf(kindsSeen, 'or')}` : '',
    clusterText(clusters),
    crowded > 0
      ? `sit packed far closer together than the other rows (${crowded === 1 ? '1 row' : `${crowded} rows`}, as an injected cluster does)`
      : '',
  ].filter((t) => t !== '');
  const guess =
    estimate.rows === 0
      ? ' No group of rows stands out as the injected rows do: Sift estimates that none is poisoned. Poison that the' +
        ' model half learns (such as a rare class relabelled as a common one) stands out less and is not counted;' +
        ' the ranking still lists the most suspicious rows first.'
      : ` About ${estimate.rows} of the ${rows} rows (${(100 * estimate.fraction).toFixed(1)}%) ${what.join(' or ')}: Sift estimates that many are poisoned.`;
  const unlearned = kinds.filter((k) => !k.learned).map((k) => CANARY_KIND_TEXT[k.kind]);
  const note =
    unlearned.length === 0
      ? ''
      : ` The model did not learn the injected ${listOf(unlearned, 'or')} at this rate, so they say nothing about backdoors here.`;
  return found + guess + note;
}

/**
 * Why the card's recalls can read low: when more rows look poisoned than a top share holds, real poison ranked above
 * the injected rows fills it. Null when the estimate fits in the top 1%.
 */
export function crowdedTopNote(estimate: PoisonEstimate): string | null {
  const share = estimate.fraction > 0.05 ? '5%' : estimate.fraction > 0.01 ? '1%' : null;
  if (!share) return null;
  return (
    `About ${(100 * estimate.fraction).toFixed(1)}% of the rows look poisoned, more than the top ${share}: real ` +
    `poison ranked above the injected rows takes places there, so the shares found in the top ${share === '5%' ? '1% and 5%' : '1%'} read lower than ` +
    'on a cleaner dataset.'
  );
}

/** What the lifted activation clusters say, as a clause: "sit in a cluster of 71 rows that …". Empty for none. */
function clusterText(clusters: readonly LiftedCluster[]): string {
  const [first] = clusters;
  if (!first) return '';
  const explained = clusters.reduce((s, c) => s + (c.explained ?? 0), 0);
  const lookalikes = clusters.reduce((s, c) => s + (c.lookalikes ?? 0), 0);
  const [rows, scores, are] =
    lookalikes === 1 ? ['1 row', 'scores', 'is'] : [`${lookalikes} rows`, 'score', 'are'];
  const also =
    lookalikes === 0
      ? ''
      : clusters.length === 1
        ? `; ${rows} of its label outside it ${scores} as high under ${first.score} as its median row and ${are} counted with it`
        : `; ${rows} of their labels outside them ${scores} as high as their median rows and ${are} counted with them`;
  const left =
    (explained > 0
      ? `; ${explained} of their rows are left out, their nearest rows outside the cluster sharing their label`
      : '') + also;
  if (clusters.length === 1) {
    return (
      `sit in a cluster of ${first.rows} rows that activation clustering sets apart and ${first.score} confirms ` +
      `(half of them in its top ${first.medianShare < 0.01 ? `${(100 * first.medianShare).toFixed(1)}%` : percent(first.medianShare)}${left})`
    );
  }
  const sizes = clusters.map((c) => c.rows).join(', ');
  return `sit in ${clusters.length} clusters (${sizes} rows${left}) that activation clustering sets apart and another score confirms`;
}

/** The calibration report from a fusion, its input (scores and families of every run row) and the canary plan. */
export function calibrationReport(
  input: FusionInput & { families: Record<FamilyName, Float32Array> },
  fusion: FusionResult,
  plan: CanaryPlan,
  estimateRows: number,
  timings: Record<string, number>,
): CalibrationReport {
  const n = input.rows;
  // Each array's analyst rows are ranked once for every kind (a detector's values are often one of the scores).
  const ranked = new Map<ArrayLike<number>, (canaries: readonly number[]) => DetectionMetrics>();
  const metrics = (values: ArrayLike<number>, canaries: readonly number[]) => {
    let of = ranked.get(values);
    if (!of) {
      of = metricsAgainstRows(values, n);
      ranked.set(values, of);
    }
    return of(canaries);
  };
  const kinds: KindReport[] = fusion.model.detectors.map((detector, d) => {
    const k = CANARY_KINDS.indexOf(detector.kind);
    const report = appendedRows(input, CANARY_ROLE.report, k);
    const byScore = Object.fromEntries(
      SCORE_NAMES.map((s) => [s, metrics(input.scores[s], report)]),
    ) as Record<ScoreName, DetectionMetrics>;
    const byFamily = Object.fromEntries(
      FAMILY_NAMES.map((f) => [f, metrics(input.families[f], report)]),
    ) as Record<FamilyName, DetectionMetrics>;
    const values = fusion.detectorValues[d];
    const carriedBy = FAMILY_NAMES.reduce((a, b) => (byFamily[b].ap > byFamily[a].ap ? b : a));
    return {
      kind: detector.kind,
      byScore,
      byFamily,
      detector: metrics(values, report),
      fused: metrics(fusion.suspicion, report),
      carriedBy,
      score: detector.score,
      estimatedRows: detector.presentRows,
      learned: detector.learned,
    };
  });
  const byKind: PoisonEstimate['byKind'] = {};
  for (const d of fusion.model.detectors) if (d.presentRows > 0) byKind[d.kind] = d.presentRows;
  const estimate: PoisonEstimate = {
    rows: estimateRows,
    fraction: n > 0 ? Number((estimateRows / n).toFixed(5)) : 0,
    byKind,
  };
  return {
    format: 'sift-calibration/1',
    canary: plan,
    kinds,
    estimate,
    sentence: calibrationSentence(kinds, estimate, n, fusion.model.clusters, fusion.model.crowded),
    model: fusion.model,
    timings,
  };
}

/**
 * The manifest's `calibration`: the canary plan (seed, kinds, rate, counts, each draw's parameters), the fused model
 * (per-kind weights, presence, recall curves, settings), the estimate and, per kind, the measured recalls of its
 * detector and the fused suspicion. Timings are left out: they differ from run to run.
 */
export function manifestCalibration(report: CalibrationReport): JsonValue {
  const { timings: _timings, kinds, ...rest } = report;
  const measured = kinds.map((k) => ({
    kind: k.kind,
    carriedBy: k.carriedBy,
    estimatedRows: k.estimatedRows,
    detector: k.detector,
    fused: k.fused,
  }));
  return JSON.parse(JSON.stringify({ ...rest, recalls: measured })) as JsonValue;
}
