/**
 * Detection quality on the development sets (issue 4): train with the settings that ship (`trainSettingsFor(rows)`,
 * as the app's form and the headless scan; fixed seed), 5-fold cross-validated probabilities with folds of
 * `crossValEpochsFor` the run's epochs, every score, and AUROC against the shipped truth files, with floors on the
 * best single score and on the default suspicion. AUROC is over every row: the trainer records dynamics for the
 * stratified validation fifth it holds out too (never trained on: a flipped held-out row's margin stays negative).
 *
 * Runs on the tfjs WASM backend (a test may pick a backend; core never does): in Node it is several times faster
 * than the CPU backend for these matrix products. Timings per set are printed with the AUROC table.
 *
 * Measured (training seed 1, the default; 2-core machine, the whole file 27 s at load average ~1; synth20k trains
 * at batch 512, the others at 64):
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
import { ingestCsv } from '../ingest/ingest';
import { auroc } from '../metrics/auroc';
import { crossValidatedProbabilities } from '../train/crossval';
import { crossValEpochsFor, DEFAULT_CROSS_VAL_FOLDS, trainSettingsFor } from '../train/defaults';
import { trainModel } from '../train/trainer';
import { scoreAll } from './score-all';
import { FAMILY_NAMES, SCORE_NAMES } from './types';

const DATASETS = new URL('../../../../shared/datasets/', import.meta.url);

/**
 * AUROC floors from issue 4, and a floor on the precision of the default suspicion's top 10 (what an analyst reads
 * first): set under the lowest measured over training seeds 1-3 (header), breast cancer lower since it measured 0.6.
 */
const SETS = [
  { name: 'digits_flip5', best: 0.98, suspicion: 0.95, top10: 0.6 },
  { name: 'digits_backdoor3', best: 0.9, suspicion: 0.88, top10: 0.6 },
  { name: 'breast_cancer_flip10', best: 0.96, suspicion: 0.93, top10: 0.5 },
  { name: 'synth20k_flip', best: 0.97, suspicion: 0.95, top10: 0.6 },
] as const;

/** Fraction of poisoned samples among the k most suspicious (ties in score broken by sample order). */
function precisionAtK(score: ArrayLike<number>, truth: Uint8Array, k: number): number {
  const order = Array.from({ length: score.length }, (_, i) => i).sort(
    (a, b) => score[b] - score[a] || a - b,
  );
  let hits = 0;
  for (const i of order.slice(0, k)) hits += truth[i];
  return hits / Math.min(k, order.length);
}

const table = new Map<string, Record<string, number>>();

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

afterAll(() => {
  if (table.size === 0) return;
  const names = [...table.keys()];
  const keys = Object.keys(table.get(names[0]) ?? {});
  const lines = [`${'AUROC (p@k: precision)'.padEnd(22)}${names.map((n) => n.padStart(22)).join('')}`];
  for (const k of keys) {
    const cells = names.map((n) => {
      const v = table.get(n)?.[k] ?? Number.NaN;
      return (k.endsWith('Ms') ? v.toFixed(0) : v.toFixed(4)).padStart(22);
    });
    lines.push(`${k.padEnd(22)}${cells.join('')}`);
  }
  console.log(`Detection on the development sets (backend ${tf.getBackend()}):\n${lines.join('\n')}`);
});

describe('detection quality on the development sets', () => {
  for (const set of SETS) {
    it(`${set.name}: best score ≥ ${set.best}, default suspicion ≥ ${set.suspicion}, p@10 ≥ ${set.top10}`, async () => {
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
      const s = await scoreAll(dyn, { oofProbs: oof, params: { seed: settings.seed } });
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

      const best = Math.max(...SCORE_NAMES.map((name) => row[name]));
      expect(best).toBeGreaterThanOrEqual(set.best);
      expect(row.suspicion).toBeGreaterThanOrEqual(set.suspicion);
      expect(row['suspicion p@10']).toBeGreaterThanOrEqual(set.top10);
    }, 600_000);
  }
});
