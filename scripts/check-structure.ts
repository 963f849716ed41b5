/**
 * `npm run lint`'s structure check (scripts/structure/rules.ts): file length, file-name case and import circles over
 * every TypeScript source git knows. Prints each problem and exits non-zero when there is one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importCircles, lengthProblem, nameProblem, relativeImports } from './structure/rules';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function sources(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.ts', '*.tsx'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => f !== '' && !f.startsWith('e2e/fixtures/') && existsSync(path.join(ROOT, f)));
}

function resolve(from: string, spec: string): string | null {
  const base = path.normalize(path.join(path.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (/\.(ts|tsx)$/.test(candidate) && existsSync(path.join(ROOT, candidate))) return candidate;
  }
  return null;
}

const files = sources();
const problems: string[] = [];
const graph = new Map<string, string[]>();
for (const file of files) {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const named = nameProblem(file);
  if (named) problems.push(named);
  const long = lengthProblem(file, source);
  if (long) problems.push(long);
  graph.set(
    file,
    relativeImports(source).flatMap((spec) => resolve(file, spec) ?? []),
  );
}
for (const circle of importCircles(graph)) problems.push(`import circle: ${circle.join(' → ')}`);
for (const problem of problems) console.error(problem);
console.log(
  `structure: ${files.length} files, ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
);
if (problems.length > 0) process.exitCode = 1;
