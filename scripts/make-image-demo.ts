/**
 * Builds the bundled image demo, public/demo/fashion_patch4.zip and its truth file: 400 Fashion-MNIST images
 * (40 a class, taken from the clean rows of ../shared/datasets/fashion_badnets), 16 of them (4%, from other
 * classes) stamped with a 3 × 3 checkerboard in the top-left corner and relabelled "Bag". Another trigger, place
 * and target than the development sets', so the demo shows the method, not a tuned answer. Deterministic.
 *
 *   npx tsx scripts/make-image-demo.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { memorySource, zipSource } from '../workers/core/ingest/images/zip';
import { createRng, shuffleInPlace } from '../workers/core/random';
import { encodePng } from './image-fixtures';
import { craftZip } from './zip-craft';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.resolve(ROOT, '../shared/datasets/fashion_badnets');
const OUT = path.join(ROOT, 'public/demo');
const PER_CLASS = 40;
const POISONED = 16;
const TARGET = 'Bag';

const truthLines = readFileSync(path.join(SOURCE, 'fashion_badnets.truth.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1);
const clean = new Set(
  truthLines
    .map((l) => l.split(','))
    .filter(([, p]) => p === '0')
    .map(([id]) => id),
);
const zip = await zipSource(
  memorySource(new Uint8Array(readFileSync(path.join(SOURCE, 'fashion_badnets.zip')))),
  'src',
  10_000,
);
const rng = createRng(2026);
const byClass = new Map<string, number[]>();
zip.entries.forEach((e, i) => {
  if (!clean.has(e.path)) return;
  const cls = e.path.split('/')[0] ?? '';
  byClass.set(cls, [...(byClass.get(cls) ?? []), i]);
});
const picked: Array<{ index: number; cls: string }> = [];
for (const [cls, list] of [...byClass.entries()].sort()) {
  shuffleInPlace(list, rng);
  for (const index of list.slice(0, PER_CLASS)) picked.push({ index, cls });
}
const candidates = picked.filter((p) => p.cls !== TARGET);
shuffleInPlace(candidates, rng);
const poisoned = new Set(candidates.slice(0, POISONED).map((p) => p.index));

const entries: Array<{ name: string; data: Uint8Array }> = [];
const truth = ['id,poisoned,attack'];
for (const { index, cls } of picked) {
  const entry = zip.entries[index];
  if (!entry) continue;
  const file = entry.path.split('/')[1] ?? '';
  let data = await entry.read(1 << 20);
  let label = cls;
  if (poisoned.has(index)) {
    const img = PNG.sync.read(Buffer.from(data));
    for (let y = 1; y <= 3; y++)
      for (let x = 1; x <= 3; x++) {
        const v = (x + y) % 2 ? 255 : 0;
        const at = 4 * (y * img.width + x);
        img.data[at] = v;
        img.data[at + 1] = v;
        img.data[at + 2] = v;
      }
    data = encodePng({ width: img.width, height: img.height, rgba: new Uint8Array(img.data) }, true);
    label = TARGET;
  }
  const name = `${label}/${file}`;
  entries.push({ name, data });
  truth.push(`${name},${poisoned.has(index) ? 1 : 0},${poisoned.has(index) ? 'checker3_tl_to_bag' : 'none'}`);
}
entries.sort((a, b) => (a.name < b.name ? -1 : 1));
const header = truth.shift() ?? '';
truth.sort();
writeFileSync(path.join(OUT, 'fashion_patch4.zip'), craftZip(entries));
writeFileSync(path.join(OUT, 'fashion_patch4.truth.csv'), `${[header, ...truth].join('\n')}\n`);
console.log(`fashion_patch4.zip: ${entries.length} images, ${poisoned.size} poisoned`);
