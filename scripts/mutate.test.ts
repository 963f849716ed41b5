import { describe, expect, it } from 'vitest';
import { strykerArgs } from './mutate';

describe('npm run mutate arguments', () => {
  it('turns folders and files into a --mutate list without tests or test helpers', () => {
    expect(strykerArgs(['workers/core/manifest/', 'scripts/verify.ts'])).toEqual([
      'run',
      '--mutate',
      'workers/core/manifest/**/*.ts,scripts/verify.ts,!**/*.test.ts,!**/test-*.ts,!**/*-helpers.ts,!**/corpus/**',
    ]);
  });
  it('passes everything from the first option on through, and keeps the config’s list when no path is given', () => {
    expect(strykerArgs([])).toEqual(['run']);
    expect(strykerArgs(['--concurrency', '1', '--checkers', ''])).toEqual([
      'run',
      '--concurrency',
      '1',
      '--checkers',
      '',
    ]);
    expect(strykerArgs(['workers/core/metrics', '--incremental', '--logLevel', 'debug'])).toEqual([
      'run',
      '--mutate',
      'workers/core/metrics/**/*.ts,!**/*.test.ts,!**/test-*.ts,!**/*-helpers.ts,!**/corpus/**',
      '--incremental',
      '--logLevel',
      'debug',
    ]);
  });
});
