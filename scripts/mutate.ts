/**
 * `npm run mutate -- [FOLDER|FILE ...] [stryker options]` (paths first): StrykerJS mutation testing (stryker.config.json), a
 * measure of the unit tests, not part of `npm test`. Folders and files given become Stryker's `--mutate` list, with
 * test files and test helpers left out; with none, the config's list is used. Other arguments go to Stryker as they
 * are (e.g. `--checkers ''` to skip the TypeScript checker, `--concurrency 1`).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Never mutated: tests, their helpers and the generated test corpora (`corpus/`: fixtures for tests, e2e and bench). */
const NOT_MUTATED = ['!**/*.test.ts', '!**/test-*.ts', '!**/*-helpers.ts', '!**/corpus/**'];

/** Stryker's arguments: the leading paths become its `--mutate` list; everything from the first option on passes. */
export function strykerArgs(argv: readonly string[]): string[] {
  const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
  const paths = firstOption < 0 ? argv : argv.slice(0, firstOption);
  const rest = firstOption < 0 ? [] : argv.slice(firstOption);
  if (paths.length === 0) return ['run', ...rest];
  const globs = paths.map((p) => {
    const path = p.replace(/\/+$/, '');
    return /\.[cm]?[jt]sx?$/.test(path) ? path : `${path}/**/*.ts`;
  });
  return ['run', '--mutate', [...globs, ...NOT_MUTATED].join(','), ...rest];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = spawnSync('stryker', strykerArgs(process.argv.slice(2)), { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}
