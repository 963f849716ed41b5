/**
 * Dumps the fusion's input of a calibrated scan (every score of every row of the calibration run, canary kinds and
 * roles, the uncalibrated suspicion, the cluster rows whose features explain their label, and for images the pixel
 * neighbours' label disagreement) as a CSV, so that fusion rules can be compared offline on the same run:
 *
 *   npx tsx bench/detect/dump.ts <file.csv> <out.csv> [--seed N] [--one-hot a,b]
 *
 * Rows: the analyst's rows first (role -1, in file order), then the canaries. Same defaults as the scan.
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../../scripts/load-dataset';
import { calibratedScores } from '../../workers/core/calibration/calibrate';
import type { FusionInput } from '../../workers/core/calibration/fuse';
import { SCORE_NAMES } from '../../workers/core/scores/types';
import { prepareKernels } from '../../workers/core/train/backend-kernels';
import {
  crossValEpochsFor,
  DEFAULT_TRAIN_SETTINGS,
  trainSettingsFor,
} from '../../workers/core/train/defaults';

async function main(): Promise<void> {
  const [file, out] = process.argv.slice(2);
  // --seed N: the training seed (the calibration's canary seed follows it, as in the scan); default the scan's.
  const at = process.argv.indexOf('--seed');
  const seed = at > 0 ? Number(process.argv[at + 1]) : DEFAULT_TRAIN_SETTINGS.seed;
  if (!Number.isInteger(seed)) throw new Error('--seed takes an integer');
  if (!file || !out) throw new Error('usage: tsx bench/detect/dump.ts <file.csv> <out.csv>');
  // --one-hot a,b: text columns to one-hot encode, as the scan's option (a set's scan-flags.txt names them).
  const hot = process.argv.indexOf('--one-hot');
  const oneHot = hot > 0 ? process.argv[hot + 1]?.split(',') : undefined;
  const loaded = await loadDataset(file, { label: null, id: null, ...(oneHot ? { oneHot } : {}) });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  await tf.setBackend('wasm');
  await tf.ready();
  prepareKernels();
  const ds = loaded.dataset;
  const settings = {
    ...trainSettingsFor(ds.rows),
    epochs: DEFAULT_TRAIN_SETTINGS.epochs,
    seed,
    // Images train the small CNN, as the scan does.
    ...(ds.training.image ? { model: 'cnn' as const } : {}),
  };
  let input: FusionInput | null = null;
  const r = await calibratedScores(
    ds.training,
    settings,
    { folds: 5, epochs: crossValEpochsFor(settings.epochs) },
    { seed: settings.seed, knn: { mode: 'auto' } },
    { canary: {}, fusion: {} },
    {
      onFusionInput: (i) => {
        input = i;
      },
    },
  );
  const got = input as FusionInput | null;
  if (!got)
    throw new Error(`${file}: no fusion input (${r.kind}${r.kind === 'skipped' ? `: ${r.reason}` : ''})`);
  // Images add the label kinds' third question (pixel-neighbours.ts) as a last column.
  const pixels = got.pixelNeighbours;
  const head = ['role', 'kind', 'backbone', 'explained', ...SCORE_NAMES, 'grouped', 'label'];
  const lines = [(pixels ? [...head, 'pixelNeighbours'] : head).join(',')];
  const total = got.rows + got.role.length;
  for (let i = 0; i < total; i++) {
    const j = i - got.rows;
    const who = j < 0 ? ['-1', '-1'] : [String(got.role[j]), String(got.kind[j])];
    lines.push(
      [
        ...who,
        String(got.backbone[i]),
        String(got.explained?.[i] ?? 0),
        ...SCORE_NAMES.map((s) => String(got.scores[s][i])),
        String(got.grouped?.[i] ?? 0),
        String(got.labels?.[i] ?? -1),
        ...(pixels ? [String(pixels[i])] : []),
      ].join(','),
    );
  }
  writeFileSync(out, `${lines.join('\n')}\n`);
  console.log(`wrote ${out}: ${got.rows} rows + ${got.role.length} added`);
}

await main();
