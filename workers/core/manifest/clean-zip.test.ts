/**
 * checkCleanZip (`npm run verify -- manifest.json clean.zip`): each way a clean image zip can differ from its
 * manifest, and each way a hostile one is refused, named by its entry. The zips are written by hand
 * (scripts/zip-craft.ts) and the SHA-256 values by node:crypto, not by the code under test.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CraftEntry, craftZip } from '../../../scripts/zip-craft';
import { DEFAULT_IMAGE_LIMITS } from '../ingest/images/types';
import { checkCleanZip } from './clean-zip';
import type { Manifest } from './types';

const file = (i: number) => Uint8Array.from({ length: 20 + i }, (_, j) => (j * 7 + i) & 255);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A manifest of `kept` files (file(i) under `paths[i]`) and one quarantined, `Shirt/q.png`. */
function manifestOf(paths: string[], images = true): Manifest {
  const samples = paths.map((id, i) => ({ id, decision: 'keep', sha256: sha(file(i)) }));
  samples.push({ id: 'Shirt/q.png', decision: 'quarantine', sha256: sha(file(99)) });
  return {
    dataset: images ? { images: { layout: 'class-folders', height: 2, width: 2, channels: 1 } } : {},
    samples,
  } as unknown as Manifest;
}

const honest = (paths: string[]): CraftEntry[] => paths.map((name, i) => ({ name, data: file(i) }));

describe('checkCleanZip', () => {
  const paths = ['Coat/a.png', 'Coat/b.png', 'Shirt/c.png'];

  it('passes a zip of every kept file, skipping folder entries, and counts the files it checked', async () => {
    const zip = craftZip([{ name: 'Coat/' }, ...honest(paths), { name: 'Shirt/' }]);
    expect(await checkCleanZip(manifestOf(paths), zip)).toEqual({ problems: [], filesChecked: 3 });
  });

  it('says a CSV manifest is checked against its clean CSV, whatever the zip holds', async () => {
    const r = await checkCleanZip(manifestOf(paths, false), craftZip(honest(paths)));
    expect(r.problems).toEqual([
      'the manifest describes a CSV dataset, not images: check it against its clean CSV',
    ]);
  });

  it('names "the clean zip" when the bytes are not a zip, and checks no file', async () => {
    const r = await checkCleanZip(manifestOf(paths), new TextEncoder().encode('not a zip at all'));
    expect(r.filesChecked).toBe(0);
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.every((p) => p.includes('the clean zip'))).toBe(true);
  });

  it('names a symbolic link and a path twice (case aside), checking the first copy only', async () => {
    const zip = craftZip([
      ...honest(paths),
      { name: 'Coat/link.png', data: new TextEncoder().encode('/etc/passwd'), unixMode: 0o120777 },
      { name: 'COAT/A.png', data: file(0) },
    ]);
    const r = await checkCleanZip(manifestOf(paths), zip);
    expect(r.problems).toEqual([
      'clean zip entry "Coat/link.png" is a symbolic link',
      'clean zip holds "COAT/A.png" twice',
    ]);
    expect(r.filesChecked).toBe(3);
  });

  it('lists at most five missing files, with an ellipsis only when more are missing', async () => {
    const six = ['A/1.png', 'A/2.png', 'A/3.png', 'A/4.png', 'A/5.png', 'A/6.png'];
    const none = craftZip([]);
    expect((await checkCleanZip(manifestOf(six), none)).problems).toEqual([
      'clean zip lacks 6 of the 6 kept files (missing: "A/1.png", "A/2.png", "A/3.png", "A/4.png", "A/5.png", …)',
    ]);
    const five = six.slice(0, 5);
    expect((await checkCleanZip(manifestOf(five), none)).problems).toEqual([
      'clean zip lacks 5 of the 5 kept files (missing: "A/1.png", "A/2.png", "A/3.png", "A/4.png", "A/5.png")',
    ]);
  });

  it('names a file over the size limit and a file that cannot be inflated, and goes on to the next', async () => {
    const zip = craftZip([{ name: 'Coat/a.png', data: file(0), crc: 0x12345678 }, ...honest(paths).slice(1)]);
    const r = await checkCleanZip(manifestOf(paths), zip);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^clean zip entry "Coat\/a\.png" cannot be read: \S/);
    expect(r.filesChecked).toBe(3);
    const limits = { ...DEFAULT_IMAGE_LIMITS, maxEntryBytes: 21 };
    const big = await checkCleanZip(manifestOf(paths), craftZip(honest(paths)), limits);
    // file(0) is 20 bytes, file(1) 21, file(2) 22: only the last is over.
    // The import's own message for an entry over the cap, naming the zip and the entry, not a read failure.
    expect(big.problems).toHaveLength(1);
    expect(big.problems[0]).toMatch(
      /^the clean zip: entry "Shirt\/c\.png" inflates to more than 21 bytes \(the per-file limit\)/,
    );
    expect(big.problems[0]).not.toContain('cannot be read');
  });
});
