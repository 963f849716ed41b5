/**
 * Test-only helpers (imported by *.test.ts, never by app code): load a development CSV of ../shared/datasets as
 * TrainingData. A few lines of parsing on purpose: these files are plain `id,label,<numbers>` with no quoting,
 * and the real ingestion core is tested on its own.
 */
import { readFileSync } from 'node:fs';
import type { TrainingData } from './types';

/** Where the shared development datasets live, relative to this file. */
export const DATASETS = new URL('../../../../shared/datasets/', import.meta.url);

/** Loads `<name>/<name>.csv` (header `id,label,features...`; labels are 0-based integer codes). */
export function loadDevCsv(name: string): TrainingData & { ids: string[] } {
  const text = readFileSync(new URL(`${name}/${name}.csv`, DATASETS), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const featureCount = lines[0].split(',').length - 2;
  const rows = lines.length - 1;
  const features = new Float32Array(rows * featureCount);
  const labels = new Int32Array(rows);
  const ids: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    ids.push(cells[0]);
    labels[r] = Number(cells[1]);
    for (let f = 0; f < featureCount; f++) features[r * featureCount + f] = Number(cells[f + 2]);
  }
  const classCount = Math.max(...labels) + 1;
  return { features, featureCount, labels, classCount, ids };
}
