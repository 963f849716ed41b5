/**
 * `npm run typecheck`'s second pass: TypeScript with `noUncheckedIndexedAccess` over app/, the worker modules
 * (workers/*.ts) and scripts/. workers/core/ stays out for now (tight typed-array loops, where `arr[i]` is in range by
 * construction and a check per access would cost; ARCHITECTURE.md says so), and so do e2e/ and bench/. Every file in
 * scope is clean under the flag, so any error in one fails the check.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const inScope = (file: string) =>
  file.startsWith('app/') || /^workers\/[^/]+\.tsx?$/.test(file) || file.startsWith('scripts/');

const run = spawnSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', ROOT, '--noUncheckedIndexedAccess'],
  { cwd: ROOT, encoding: 'utf8' },
);
const problems = run.stdout.split('\n').filter((line) => {
  const file = /^([^(\s]+)\(\d+,\d+\): error TS/.exec(line)?.[1];
  return file !== undefined && inScope(file);
});
for (const line of problems) console.error(line);
console.log(
  `strict typecheck (noUncheckedIndexedAccess): ${problems.length} problem(s) in app/, workers/*.ts, scripts/`,
);
if (problems.length > 0) process.exitCode = 1;
