/**
 * The verifier as a command, in a child process (tsx). Left out of mutation runs (vitest.mutate.config.ts): Stryker
 * switches mutants on in its own test process, never in a child, so this test cannot kill one.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { files } from './test-verify-files';

describe('npm run verify, as a command', () => {
  it('runs as a command: npm run verify prints OK and exits 0, or the mismatch and exits 1', async () => {
    const { paths, manifestText } = await files();
    const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
    const script = fileURLToPath(new URL('./verify.ts', import.meta.url));
    const ok = spawnSync(tsx, [script, paths.manifest, paths.clean], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /^OK: signature verifies .* 3 kept, 2 quarantined; clean CSV: header and 3 rows match\n$/,
    );
    await writeFile(paths.manifest, manifestText.replace('"kept": 3', '"kept": 4'));
    const bad = spawnSync(tsx, [script, paths.manifest], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('MISMATCH manifest field "summary.kept" changed: signature does not verify');
  });
});
