import { defineConfig } from 'vitest/config';

/**
 * The unit tests StrykerJS runs against each mutant (`npm run mutate`, stryker.config.json): the tests beside the
 * code in workers/core and the verifier's (a clean CSV's and a clean image zip's). Left out because they train real
 * models for minutes and cover none of the mutated folders beyond what the fast tests do: the detection table, the
 * digits training run and the headless scan. The verifier's command test runs it in a child process, where Stryker
 * never switches a mutant on, so it could kill none. They all stay in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['workers/core/**/*.test.ts', 'scripts/verify.test.ts', 'scripts/verify-zip.test.ts'],
    exclude: [
      'workers/core/scores/detection.test.ts',
      'workers/core/train/digits.test.ts',
      'scripts/scan.test.ts',
      'scripts/verify.cli.test.ts',
      '**/node_modules/**',
    ],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    // Stryker runs each mutant's tests in one reused worker; without isolation tfjs and the test files are imported
    // once per run rather than once per mutant (mutants are switched on at run time; static ones are left out).
    isolate: false,
  },
});
