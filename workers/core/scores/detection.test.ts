/**
 * Detection quality on the development sets (issue 4): train with the training core's defaults (fixed seed),
 * 5-fold cross-validated probabilities, every score, and AUROC against the shipped truth files, with floors on the
 * best single score and on the default suspicion. AUROC is over every row: the trainer records dynamics for the
 * stratified validation fifth it holds out too (never trained on: a flipped held-out row's margin stays negative).
 *
 * Runs on the tfjs WASM backend (a test may pick a backend; core never does): in Node it is several times faster
 * than the CPU backend for these matrix products. Timings per set are printed with the AUROC table.
 *
 * Measured (training seed 1, the default; 2-core machine under load; the whole file ~80 s, synth20k ~63 s of it):
 *   AUROC                digits_flip5  digits_backdoor3  breast_cancer_flip10  synth20k_flip
 *   aum                        0.9988            0.5263                0.9731         0.9826
 *   knnDistance                0.5278            0.9804                0.5527         0.5106
 *   knnDisagreement            0.9981            0.5487                0.9798         0.9849
 *   spectral                   0.5809            0.9860                0.8328         0.4226
 *   mahalanobis                0.9761            0.9782                0.8186         0.8162
 *   selfConfidence             0.9963            0.4495                0.9848         0.9837
 *   family:label               0.9989            0.4753                0.9880         0.9900
 *   family:embedding           0.7722            0.9979                0.7898         0.5932
 *   suspicion (default)        0.9956            0.9572                0.9750         0.9805
 * Since every row is recorded (validation rows too), AUROC over all rows, seed 1: best single score 0.9993 (family
 * label) / 0.9829 / 0.9871 / 0.9862, default suspicion 0.9957 / 0.9471 / 0.9765 / 0.9813.
 * Default suspicion with training seeds 2 and 3: 0.9974 / 0.9602 / 0.9783 / 0.9825 and
 * 0.9959 / 0.9443 / 0.9775 / 0.9786. Rules tried and rejected (seed 1, with kNN disagreement still in the
 * embedding family and the earlier tied-Mahalanobis / normalised-spectral defaults): the max over families of the re-ranked
 * max member rank (0.979 / 0.821 / 0.966 / 0.951), the mean of the top two families (0.995 / 0.754 / 0.983 /
 * 0.983), the mean of all families (0.999 / 0.680 / 0.983 / 0.987): every averaging rule drowns the backdoor.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
// biome-ignore lint/style/noRestrictedImports: a test may choose a backend (core code never does); WASM is several times faster than CPU in Node.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestCsv } from '../ingest/ingest';
import { auroc } from '../metrics/auroc';
import { crossValidatedProbabilities } from '../train/crossval';
import { DEFAULT_TRAIN_SETTINGS, trainModel } from '../train/trainer';
import { scoreAll } from './score-all';
import { FAMILY_NAMES, SCORE_NAMES } from './types';

const DATASETS = new URL('../../../../shared/datasets/', import.meta.url);

/** Floors from issue 4. */
const SETS = [
  { name: 'digits_flip5', best: 0.98, suspicion: 0.95 },
  { name: 'digits_backdoor3', best: 0.9, suspicion: 0.88 },
  { name: 'breast_cancer_flip10', best: 0.96, suspicion: 0.93 },
  { name: 'synth20k_flip', best: 0.97, suspicion: 0.95 },
] as const;

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
  const lines = [`${'AUROC'.padEnd(22)}${names.map((n) => n.padStart(22)).join('')}`];
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
    it(`${set.name}: best score ≥ ${set.best}, default suspicion ≥ ${set.suspicion}`, async () => {
      const { ds, truth } = loadSet(set.name);
      const data = {
        features: ds.features,
        featureCount: ds.featureNames.length,
        labels: ds.labels,
        classCount: ds.classes.length,
      };
      const t0 = performance.now();
      const run = await trainModel(data, DEFAULT_TRAIN_SETTINGS);
      const t1 = performance.now();
      const cv = await crossValidatedProbabilities(data, DEFAULT_TRAIN_SETTINGS, 5);
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
      const s = await scoreAll(dyn, { oofProbs: oof, params: { seed: DEFAULT_TRAIN_SETTINGS.seed } });
      const t3 = performance.now();
      expect(tf.memory().numTensors).toBe(before);
      const y = Uint8Array.from(dyn.sampleRows, (row) => truth[row]);
      expect(dyn.samples).toBe(ds.labels.length);

      const row: Record<string, number> = {};
      for (const name of SCORE_NAMES) row[name] = auroc(s.scores[name], y);
      for (const f of FAMILY_NAMES) row[`family:${f}`] = auroc(s.families[f], y);
      row.labelIssueFlag = auroc(s.labelIssue, y);
      row.suspicion = auroc(s.suspicion, y);
      row.trainMs = t1 - t0;
      row.crossValMs = t2 - t1;
      row.scoreMs = t3 - t2;
      table.set(set.name, row);

      const best = Math.max(...SCORE_NAMES.map((name) => row[name]));
      expect(best).toBeGreaterThanOrEqual(set.best);
      expect(row.suspicion).toBeGreaterThanOrEqual(set.suspicion);
    }, 600_000);
  }
});
