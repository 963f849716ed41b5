/**
 * Writes bench/detect's poisoned variants as CSV files with their truth (`id,poisoned,attack`), so that a variant can
 * be dumped (dump.ts) and fused again offline (refuse.ts):
 *
 *   npx tsx bench/detect/write-variants.ts <out-dir> [SUBSTRING]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseSet, cleanBase, variantSpecs, writeCsv } from './variants';

const [dir, only = ''] = process.argv.slice(2);
if (!dir) throw new Error('usage: tsx bench/detect/write-variants.ts <out-dir> [SUBSTRING]');
mkdirSync(dir, { recursive: true });
for (const spec of variantSpecs()) {
  if (!spec.name.includes(only)) continue;
  const v = spec.build(cleanBase(baseSet(spec.base)));
  const name = spec.name.replaceAll('/', '__');
  writeCsv(path.join(dir, `${name}.csv`), v);
  const truth = [
    'id,poisoned,attack',
    ...Array.from(v.labels, (_, i) => `r${i},${v.poisoned[i]},${v.attack[i]}`),
  ];
  writeFileSync(path.join(dir, `${name}.truth.csv`), `${truth.join('\n')}\n`);
  console.log(`wrote ${name} (${v.labels.length} rows, ${v.poisoned.reduce((s, p) => s + p, 0)} poisoned)`);
}
