/**
 * Writes the large hostile CSVs (too big to commit) into e2e/.generated/ (git-ignored).
 * Deterministic, so a failure seen once is seen again. Run directly (`npx tsx scripts/make-hostile-fixtures.ts`)
 * or through `makeHostileFixtures()`, which the hostile e2e calls in its beforeAll.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Where the generated files go. */
export const GENERATED_DIR = path.resolve(HERE, '../e2e/.generated');

/** A 10 MB file with no newline at all: one header "line" that never ends. */
function singleLine(): string {
  const cell = 'abcdefghij,';
  return cell.repeat(Math.ceil((10 * 1024 * 1024) / cell.length));
}

/** 20,000 columns (the default limit is 5,000) and a few rows. */
function manyColumns(): string {
  const columns = 20_000;
  const header = ['id', 'label', ...Array.from({ length: columns - 2 }, (_, i) => `f${i}`)].join(',');
  const rows = [header];
  for (let r = 0; r < 4; r++) {
    rows.push(
      [`r${r}`, String(r % 2), ...Array.from({ length: columns - 2 }, (_, i) => String((i + r) % 10))].join(
        ',',
      ),
    );
  }
  return `${rows.join('\n')}\n`;
}

/** 10,000 distinct labels (the default limit is 1,000), one row each. */
function manyClasses(): string {
  const rows = ['id,label,a,b'];
  for (let r = 0; r < 10_000; r++) rows.push(`r${r},class${r},${r % 7},${r % 13}`);
  return `${rows.join('\n')}\n`;
}

const FILES: Record<string, () => string> = {
  'single-line-10mb.csv': singleLine,
  'columns-20000.csv': manyColumns,
  'classes-10000.csv': manyClasses,
};

/** Writes any generated file that is missing; returns name → absolute path. */
export function makeHostileFixtures(): Record<string, string> {
  mkdirSync(GENERATED_DIR, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [name, make] of Object.entries(FILES)) {
    const file = path.join(GENERATED_DIR, name);
    if (!existsSync(file) || statSync(file).size === 0) writeFileSync(file, make());
    paths[name] = file;
  }
  return paths;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of Object.values(makeHostileFixtures()))
    console.log(`${file} (${statSync(file).size} bytes)`);
}
