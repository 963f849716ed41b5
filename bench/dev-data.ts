/**
 * The development datasets (`id,label,features...`, plain numbers, no quoting) as flat arrays for the benchmarks.
 * `SIFT_DATASETS` overrides where they are (default ../shared/datasets beside the checkout).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the development datasets are. */
export const DATASETS = process.env.SIFT_DATASETS ?? path.resolve(ROOT, '../shared/datasets');

/** A development CSV as flat arrays (features row-major). */
export interface DevData {
  rows: number;
  featureCount: number;
  classCount: number;
  features: number[];
  labels: number[];
}

/** Reads `<DATASETS>/<name>/<name>.csv`. */
export function loadCsv(name: string): DevData {
  const lines = readFileSync(path.join(DATASETS, name, `${name}.csv`), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const featureCount = (lines[0]?.split(',').length ?? 2) - 2;
  const features: number[] = [];
  const labels: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    labels.push(Number(cells[1]));
    for (let f = 0; f < featureCount; f++) features.push(Number(cells[f + 2]));
  }
  return { rows: labels.length, featureCount, classCount: Math.max(...labels) + 1, features, labels };
}
