/**
 * Detection quality on the development sets (issue 4): train with the settings that ship (`trainSettingsFor(rows)`,
 * as the app's form and the headless scan; fixed seed), 5-fold cross-validated probabilities with folds of
 * `crossValEpochsFor` the run's epochs, every score, and AUROC against the shipped truth files, with floors a few
 * points under what is measured for every score and family that carries the set's attack, and for the uncalibrated
 * suspicion (issue 10: 0.02 under, 0.03 on the 569-row breast cancer set). AUROC is over every row: the trainer
 * records dynamics for the stratified validation fifth it holds out too (never trained on: a flipped held-out row's
 * margin stays negative).
 * Then the calibrated suspicion (issue 10, workers/core/calibration) on two variants of kinds the development sets do
 * not have, built here from digits' clean rows: rows whose pixels are shuffled across columns (outliers) and clean
 * rows duplicated with another label; floors on AUROC, average precision and precision among the top k (k = poisoned).
 *
 * Runs on the tfjs WASM backend (a test may pick a backend; core never does): in Node it is several times faster
 * than the CPU backend for these matrix products. Timings per set are printed with the AUROC table.
 *
 * Measured (training seed 1, the default; 2-core machine; synth20k trains at batch 512, the others at 64; the whole
 * file, with the two calibrated variants, 132 s at load average 6-9 on 2026-12-05):
 *   AUROC                digits_flip5  digits_backdoor3  breast_cancer_flip10  synth20k_flip
 *   aum                        0.9988            0.5224                0.9783         0.9820
 *   knnDistance                0.5245            0.9734                0.5559         0.5168
 *   knnDisagreement            0.9989            0.5933                0.9808         0.9858
 *   spectral                   0.5973            0.9829                0.8631         0.4168
 *   mahalanobis                0.9788            0.9619                0.8347         0.8182
 *   selfConfidence             0.9965            0.4546                0.9904         0.9795
 *   family:label               0.9994            0.5250                0.9921         0.9889   (probability scale)
 *   family:embedding           0.7749            0.9962                0.8168         0.6152
 *   suspicion (default)        0.9920            0.9954                0.9614         0.9744
 * With the shared-values score in the embedding family (2026-12-05, same settings): sharedValues 0.4852 / 1.0000 /
 * 0.4729 / 0.4936, family:embedding 0.7444 / 0.9998 / 0.8038 / 0.6075, suspicion 0.9975 / 0.9991 / 0.9747 / 0.9786,
 * p@10 1.0 / 0.9 / 1.0 / 1.0.
 *   p@10 / p@50 / p@poisoned   1.0/.98/.77       .90/.82/.78           .60/.70/.70    1.0/1.0/.79
 * With the training core's fixed defaults (batch 64 everywhere) and full-length folds, seed 1: suspicion AUROC
 * 0.9935 / 0.9953 / 0.9627 / 0.9707, p@10 1.0 / 0.9 / 0.7 / 1.0 (the figures below were measured that way).
 * The default before (every family on ranks, all weights 1): AUROC 0.9957 / 0.9471 / 0.9765 / 0.9813, p@10 0.9 /
 * 0.1 / 0.9 / 1.0, p@poisoned 0.84 / 0.07 / 0.79 / 0.78: on the clean-labelled backdoor set the ranked label,
 * trajectory and influence families put hard clean digits at ~1, above the backdoor rows' ~0.97 embedding value.
 * Default suspicion with training seeds 2 and 3 (scratch harness, same code path): AUROC 0.9981 / 0.9974 / 0.9606 /
 * 0.9777 and 0.9976 / 0.9961 / 0.9603 / 0.9715; p@10 1.0 / 0.9 / 0.7 / 1.0 and 1.0 / 0.8 / 0.6 / 1.0 (the old
 * default: p@10 0.8 / 0.1 / 0.9 / 1.0 and 0.9 / 0.2 / 0.9 / 1.0).
 * Breast cancer's top ten mix flips with a few clean embedding outliers (569 rows: the embedding family's top 1% is
 * five samples), hence its lower p@10 floor.
 * Rules tried and rejected (seeds 1-2, same arrays): robust z-scores per score (median/MAD) averaged per family then
 * maxed (backdoor AUROC 0.80: the label scores' MAD is tiny on a clean set, so every hard digit gets z ~ 200);
 * family values standardised by their own spread, on ranks or probits, or an empirical-null FDR per family (the
 * backdoor top fixed, the flips' broken: p@10 0.0-0.2 on digits_flip5); re-ranking each family before the max
 * (p@10 0.7 / 0.3 / 0.8 / 0.7); power means and max + mean of families (backdoor p@10 ≤ 0.2). Ranks cannot tell a
 * group that stands far out from the hardest few samples every run has, hence the probability scale. Earlier, with
 * kNN disagreement still in the embedding family and the earlier tied-Mahalanobis / normalised-spectral defaults:
 * the max over families of the re-ranked max member rank (0.979 / 0.821 / 0.966 / 0.951), the mean of the top two
 * families (0.995 / 0.754 / 0.983 / 0.983), the mean of all families (0.999 / 0.680 / 0.983 / 0.987).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
// biome-ignore lint/style/noRestrictedImports: a test may choose a backend (core code never does); WASM is several times faster than CPU in Node.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibratedScores } from '../calibration/calibrate';
import { ingestCsv } from '../ingest/ingest';
import { auroc } from '../metrics/auroc';
import { averagePrecision, precisionAtK } from '../metrics/ranking';
import { createRng } from '../random';
import { crossValidatedProbabilities } from '../train/crossval';
import { crossValEpochsFor, DEFAULT_CROSS_VAL_FOLDS, trainSettingsFor } from '../train/defaults';
import { trainModel } from '../train/trainer';
import type { TrainingData } from '../train/types';
import { defaultScoreParams } from './defaults';
import { scoreAll } from './score-all';
import { suspicionFromScores } from './suspicion';
import { FAMILY_NAMES, SCORE_NAMES } from './types';

const DATASETS = new URL('../../../../shared/datasets/', import.meta.url);

/**
 * Floors: per set, the scores and families that carry its attack (measured AUROC above 0.8 in the table above) and the
 * uncalibrated suspicion, each 0.02 under the measured value (0.03 on breast cancer, 569 rows), and the precision of
 * the suspicion's top 10 (what an analyst reads first), under the lowest measured over training seeds 1-3.
 */
const SETS: ReadonlyArray<{ name: string; floors: Record<string, number>; top10: number }> = [
  {
    name: 'digits_flip5',
    floors: {
      aum: 0.97,
      meanLoss: 0.97,
      forgetting: 0.96,
      cartography: 0.97,
      selfInfluence: 0.97,
      knnDisagreement: 0.97,
      mahalanobis: 0.95,
      selfConfidence: 0.97,
      normalizedMargin: 0.97,
      'family:trajectory': 0.97,
      'family:influence': 0.97,
      'family:label': 0.97,
      suspicion: 0.97,
    },
    top10: 0.6,
  },
  {
    name: 'digits_backdoor3',
    floors: {
      knnDistance: 0.95,
      spectral: 0.96,
      activationClustering: 0.94,
      mahalanobis: 0.94,
      sharedValues: 0.98,
      'family:embedding': 0.98,
      suspicion: 0.97,
    },
    top10: 0.6,
  },
  {
    name: 'breast_cancer_flip10',
    floors: {
      aum: 0.95,
      meanLoss: 0.95,
      forgetting: 0.9,
      cartography: 0.95,
      selfInfluence: 0.95,
      knnDisagreement: 0.95,
      spectral: 0.83,
      mahalanobis: 0.8,
      selfConfidence: 0.96,
      normalizedMargin: 0.96,
      'family:trajectory': 0.94,
      'family:influence': 0.95,
      'family:embedding': 0.78,
      'family:label': 0.96,
      suspicion: 0.93,
    },
    top10: 0.5,
  },
  {
    name: 'synth20k_flip',
    floors: {
      aum: 0.96,
      meanLoss: 0.96,
      forgetting: 0.93,
      cartography: 0.96,
      selfInfluence: 0.94,
      knnDisagreement: 0.96,
      mahalanobis: 0.79,
      selfConfidence: 0.95,
      normalizedMargin: 0.95,
      'family:trajectory': 0.96,
      'family:influence': 0.94,
      'family:label': 0.96,
      suspicion: 0.95,
    },
    top10: 0.6,
  },
];

const table = new Map<string, Record<string, number>>();
const variants = new Map<string, Record<string, number>>();

function loadSet(name: string) {
  const bytes = readFileSync(new URL(`${name}/${name}.csv`, DATASETS));
  const ds = ingestCsv(new Uint8Array(bytes), `${name}.csv`, { labelColumn: 'label', idColumn: 'id' });
  const poisoned = new Map<string, number>();
  const truthText = readFileSync(new URL(`${name}/${name}.truth.csv`, DATASETS), 'utf8');
  for (const line of truthText.split('\n').slice(1)) {
    const [id, flag] = line.split(',');
    if (id) poisoned.set(id, Number(flag));
  }
  const truth = Uint8Array.from(ds.ids, (id) => {
    const v = poisoned.get(id);
    if (v === undefined) throw new Error(`${name}: id ${id} is missing from the truth file.`);
    return v;
  });
  return { ds, truth };
}

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

function printTable(title: string, rows: Map<string, Record<string, number>>, width: number): void {
  if (rows.size === 0) return;
  const names = [...rows.keys()];
  const keys = Object.keys(rows.get(names[0]) ?? {});
  const lines = [`${'AUROC (p@k: precision)'.padEnd(22)}${names.map((n) => n.padStart(width)).join('')}`];
  for (const k of keys) {
    const cells = names.map((n) => {
      const v = rows.get(n)?.[k] ?? Number.NaN;
      return (k.endsWith('Ms') || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(4)).padStart(width);
    });
    lines.push(`${k.padEnd(22)}${cells.join('')}`);
  }
  console.log(`${title} (backend ${tf.getBackend()}):\n${lines.join('\n')}`);
}

afterAll(() => {
  printTable('Detection on the development sets', table, 22);
  printTable('Calibrated suspicion on generated variants', variants, 36);
});

describe('detection quality on the development sets', () => {
  for (const set of SETS) {
    it(`${set.name}: every carrying score and family, and the uncalibrated suspicion, at their floors; p@10 ≥ ${set.top10}`, async () => {
      const { ds, truth } = loadSet(set.name);
      const data = {
        features: ds.features,
        featureCount: ds.featureNames.length,
        labels: ds.labels,
        classCount: ds.classes.length,
      };
      // What ships: the app's form and the headless scan both start from these, folds at half the run's epochs.
      const settings = trainSettingsFor(ds.rows);
      const cvSettings = { ...settings, epochs: crossValEpochsFor(settings.epochs) };
      const t0 = performance.now();
      const run = await trainModel(data, settings);
      const t1 = performance.now();
      const cv = await crossValidatedProbabilities(data, cvSettings, DEFAULT_CROSS_VAL_FOLDS);
      const t2 = performance.now();
      expect(run.status).toBe('completed');
      expect(cv.status).toBe('completed');
      const dyn = run.dynamics;
      if (!dyn) throw new Error('Training recorded no dynamics.');
      const c = dyn.classCount;
      // Cross-validation gives dataset-row order; scoring wants the order of the samples (today the same).
      const oof = new Float32Array(dyn.samples * c);
      dyn.sampleRows.forEach((row, i) => {
        oof.set(cv.probabilities.subarray(row * c, row * c + c), i * c);
      });
      const before = tf.memory().numTensors;
      const s = await scoreAll(dyn, {
        oofProbs: oof,
        params: { seed: settings.seed },
        features: { values: data.features, count: data.featureCount, rows: dyn.sampleRows },
      });
      const t3 = performance.now();
      expect(tf.memory().numTensors).toBe(before);
      const y = Uint8Array.from(dyn.sampleRows, (row) => truth[row]);
      expect(dyn.samples).toBe(ds.labels.length);

      const row: Record<string, number> = {};
      for (const name of SCORE_NAMES) row[name] = auroc(s.scores[name], y);
      for (const f of FAMILY_NAMES) row[`family:${f}`] = auroc(s.families[f], y);
      row.labelIssueFlag = auroc(s.labelIssue, y);
      row.suspicion = auroc(s.suspicion, y);
      const poisoned = y.reduce((a, b) => a + b, 0);
      row['suspicion p@10'] = precisionAtK(s.suspicion, y, 10);
      row['suspicion p@50'] = precisionAtK(s.suspicion, y, 50);
      row['suspicion p@poisoned'] = precisionAtK(s.suspicion, y, poisoned);
      for (const f of FAMILY_NAMES) row[`family:${f} p@10`] = precisionAtK(s.families[f], y, 10);
      row.trainMs = t1 - t0;
      row.crossValMs = t2 - t1;
      row.scoreMs = t3 - t2;
      table.set(set.name, row);

      const below = Object.entries(set.floors).filter(([name, floor]) => !(row[name] >= floor));
      expect(below.map(([name, floor]) => `${name} ${row[name].toFixed(4)} < ${floor}`)).toEqual([]);
      expect(row['suspicion p@10']).toBeGreaterThanOrEqual(set.top10);
    }, 600_000);
  }
});

/** Digits' clean rows (truth 0 in digits_flip5) as training data. */
function cleanDigits(): TrainingData {
  const { ds, truth } = loadSet('digits_flip5');
  const keep = Array.from(truth.keys()).filter((i) => truth[i] === 0);
  const f = ds.featureNames.length;
  const features = new Float32Array(keep.length * f);
  keep.forEach((r, k) => {
    features.set(ds.features.subarray(r * f, r * f + f), k * f);
  });
  return { features, featureCount: f, labels: Int32Array.from(keep, (r) => ds.labels[r]), classCount: 10 };
}

/** 3% of the rows with their 64 pixels shuffled across columns and a random label: rows of no class. */
function shuffledOutliers(data: TrainingData): { data: TrainingData; truth: Uint8Array } {
  const rng = createRng(4242);
  const out = { ...data, features: data.features.slice(), labels: data.labels.slice() };
  const truth = new Uint8Array(data.labels.length);
  const f = data.featureCount;
  for (let i = 0; i < data.labels.length; i++) {
    if (rng.next() >= 0.03) continue;
    truth[i] = 1;
    const row = out.features.subarray(i * f, (i + 1) * f);
    for (let j = f - 1; j > 0; j--) {
      const k = rng.int(j + 1);
      [row[j], row[k]] = [row[k], row[j]];
    }
    out.labels[i] = rng.int(data.classCount);
  }
  return { data: out, truth };
}

/** 4% of the rows duplicated (pixels unchanged) with another label; the duplicates are the poison. */
function conflictingDuplicates(data: TrainingData): { data: TrainingData; truth: Uint8Array } {
  const rng = createRng(4343);
  const n = data.labels.length;
  const f = data.featureCount;
  const picked = Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.04);
  const features = new Float32Array((n + picked.length) * f);
  features.set(data.features);
  const labels = new Int32Array(n + picked.length);
  labels.set(data.labels);
  picked.forEach((r, k) => {
    features.set(data.features.subarray(r * f, r * f + f), (n + k) * f);
    labels[n + k] = (data.labels[r] + 1 + rng.int(data.classCount - 1)) % data.classCount;
  });
  const truth = new Uint8Array(n + picked.length).fill(1, n);
  return { data: { ...data, features, labels }, truth };
}

/**
 * Calibrated floors under what was measured (printed after the development sets; seed 1, WASM): AUROC 0.02 under,
 * average precision and top-k precision 0.05 under. Measured 2026-12-05 with the reach gate and corroborated
 * activation clusters (fuse.ts, clusters.ts): outliers 0.9841 / 0.6749 / 0.4694 (estimate 56 of 49 rows; before
 * them 0.9732 / 0.5719 / 0.4082), duplicates 0.9812 / 0.4956 / 0.5789 (estimate 125 of 76; before them 0.9983 /
 * 0.9225 / 0.9079): a clean activation cluster of 26 rows that the spectral signature also ranks high is lifted
 * above the duplicates. A known regression on this variant, kept because the clusters raise the mean over 21
 * other poisoned sets (README, calibration). Then with the shared-values score, detectors chosen by reach and the
 * surest kind first (same day): outliers 0.9961 / 0.8852 / 0.7755 (estimate 32 of 49), duplicates 0.9821 / 0.5035 /
 * 0.5921 (estimate 119 of 76). Then with shared values tested against chance and labels, sure kinds above clusters
 * and shared values no longer corroborating clusters (same day, load ~3): outliers 0.9997 / 0.9899 / 0.9184
 * (estimate 29 of 49), duplicates 0.9825 / 0.5060 / 0.5921 (estimate 114 of 76). Then with canary values snapped to
 * the table's grid (canary/context.ts; digits are whole numbers) and the shared-values-and-labels cluster rule (the
 * outliers' figures are the same with it off), load ~10: outliers 0.9904 / 0.8413 / 0.7551, duplicates 0.9991 /
 * 0.9689 / 0.9211. A known regression on the outliers, kept because the grid raised the duplicates here and the
 * calibrated mean AP over bench/detect's 20 digits sets from 0.953 to 0.964.
 */
const VARIANTS = [
  { name: 'digits + 3% shuffled outliers', make: shuffledOutliers, auroc: 0.97, ap: 0.79, topK: 0.7 },
  {
    name: 'digits + 4% conflicting duplicates',
    make: conflictingDuplicates,
    auroc: 0.97,
    ap: 0.91,
    topK: 0.87,
  },
] as const;

describe('calibrated suspicion on variants of other kinds', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: AUROC ≥ ${v.auroc}, AP ≥ ${v.ap}, top-k precision ≥ ${v.topK}`, async () => {
      const { data, truth } = v.make(cleanDigits());
      const settings = trainSettingsFor(data.labels.length);
      const crossVal = { folds: DEFAULT_CROSS_VAL_FOLDS, epochs: crossValEpochsFor(settings.epochs) };
      const t0 = performance.now();
      const out = await calibratedScores(
        data,
        settings,
        crossVal,
        { seed: settings.seed },
        { canary: {}, fusion: {} },
      );
      if (out.kind !== 'done') throw new Error(`calibration ${out.kind}`);
      const s = out.scoreSet.suspicion;
      const k = truth.reduce((a, b) => a + b, 0);
      // For reference: the uncalibrated rule on the same run's scores.
      const plain = suspicionFromScores(
        out.scoreSet.scores,
        s.length,
        defaultScoreParams().suspicion,
      ).suspicion;
      const row = {
        'calibrated AUROC': auroc(s, truth),
        'calibrated AP': averagePrecision(s, truth),
        'calibrated top-k': precisionAtK(s, truth, k),
        'uncalibrated AUROC': auroc(plain, truth),
        'uncalibrated AP': averagePrecision(plain, truth),
        estimate: out.report.estimate.rows,
        poisoned: k,
        calibratedMs: performance.now() - t0,
      };
      variants.set(v.name, row);
      expect(row['calibrated AUROC']).toBeGreaterThanOrEqual(v.auroc);
      expect(row['calibrated AP']).toBeGreaterThanOrEqual(v.ap);
      expect(row['calibrated top-k']).toBeGreaterThanOrEqual(v.topK);
    }, 600_000);
  }
});
