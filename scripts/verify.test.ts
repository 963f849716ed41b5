import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { files } from './test-verify-files';
import { runVerify } from './verify';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('npm run verify', () => {
  it('exits 0 when the manifest and the clean CSV match', async () => {
    const { paths } = await files();
    const result = await run([paths.manifest, paths.clean]);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(
      /^OK: signature verifies .* 3 kept, 2 quarantined; clean CSV: header and 3 rows/,
    );
  });
  it('exits 1 naming the field when one byte of the manifest changes', async () => {
    const { paths, manifestText } = await files();
    await writeFile(paths.manifest, manifestText.replace('"kept": 3', '"kept": 4'));
    const result = await run([paths.manifest]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('MISMATCH manifest field "summary.kept" changed: signature does not verify');
  });
  it('exits 1 naming the row when one byte of the CSV changes', async () => {
    const { paths, clean } = await files();
    const edited = clean.slice();
    edited[edited.length - 1] = '1'.charCodeAt(0); // last byte of r4's row "…,9,10" becomes "…,9,11"
    await writeFile(paths.clean, edited);
    const result = await run([paths.manifest, paths.clean]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual(['MISMATCH row 3 (id r4): sha256 differs from the manifest']);
  });
  it('exits 0 on the manifest alone, naming the key, with nothing said about a CSV', async () => {
    const { paths, manifestText } = await files();
    const keyId = (JSON.parse(manifestText) as { signature: { keyId: string } }).signature.keyId;
    const result = await run([paths.manifest]);
    expect(result).toEqual({
      code: 0,
      out: [`OK: signature verifies (key ${keyId}); 3 kept, 2 quarantined`],
      err: [],
    });
  });
  it('exits 1 with the schema’s reasons when the manifest is not a valid manifest', async () => {
    const { paths, manifestText } = await files();
    await writeFile(paths.manifest, manifestText.replace('"format": "sift-manifest/1"', '"format": "other"'));
    const result = await run([paths.manifest]);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([expect.stringMatching(/^MISMATCH manifest field "format": /)]);
  });
  it('exits 2 on usage errors and unreadable files', async () => {
    const usage =
      'usage: npm run verify -- manifest.json [clean.csv | clean.zip]  |  npm run verify -- report.json [model files…]';
    expect(await run([])).toEqual({ code: 2, out: [], err: [usage] });
    const { paths } = await files();
    expect(await run([paths.manifest, paths.clean, 'third'])).toEqual({ code: 2, out: [], err: [usage] });
    const missing = await run(['/nonexistent/m.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toEqual([
      expect.stringMatching(/^cannot read input: ENOENT.*\/nonexistent\/m\.json/),
    ]);
    const missingCsv = await run([paths.manifest, '/nonexistent/clean.csv']);
    expect(missingCsv.code).toBe(2);
    expect(missingCsv.err).toEqual([expect.stringMatching(/^cannot read input: .*clean\.csv/)]);
  });
});
