/** `npm run verify -- manifest.json clean.zip`: an image dataset's clean export against its signed manifest. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../workers/core/ingest/images/catalog';
import { ingestImages } from '../workers/core/ingest/images/ingest-images';
import { DEFAULT_IMAGE_LIMITS } from '../workers/core/ingest/images/types';
import { memorySource, zipSource } from '../workers/core/ingest/images/zip';
import { buildManifest } from '../workers/core/manifest/build';
import { exportFiles, imageZipBytes } from '../workers/core/manifest/image-zip';
import { parseManifest } from '../workers/core/manifest/schema';
import { exportPublicJwk, generateSigningKey, signManifest } from '../workers/core/manifest/sign';
import { nodeImageDecoder } from './image-decoder';
import { encodePng, pattern } from './image-fixtures';
import { runVerify } from './verify';
import { craftZip } from './zip-craft';

const NAMES = ['Coat/a.png', 'Coat/b.png', 'Shirt/c.png', 'Shirt/d.png', 'Shirt/e.png'];
/** Row 3 (Shirt/d.png) is quarantined. */
const QUARANTINED = 3;

async function setUp() {
  const archive = craftZip(NAMES.map((name, i) => ({ name, data: encodePng(pattern(6, 6, i, true), true) })));
  const source = await zipSource(memorySource(archive), 'shirts.zip', 100);
  const plan = {
    shape: { height: 6, width: 6, channels: 1 as const },
    skipNonImages: false,
    skipCorrupt: false,
  };
  const ds = await ingestImages(source, plan, DEFAULT_IMAGE_LIMITS, nodeImageDecoder());
  if (!ds) throw new Error('cancelled');
  const keys = await generateSigningKey();
  const manifest = await signManifest(
    buildManifest({
      createdAt: new Date(Date.UTC(2026, 0, 2)),
      tool: { name: 'sift', version: 'test', backend: 'cpu' },
      dataset: {
        name: 'shirts',
        sha256: 'a'.repeat(64),
        labelColumn: 'class folder',
        idColumn: 'path',
        images: { layout: ds.layout, ...ds.shape },
        classes: ds.classes,
      },
      ids: ds.ids,
      labels: ds.labels,
      rowSha256: ds.fileSha256,
      run: null,
      scores: null,
      decisions: new Map([[QUARANTINED, { decision: 'quarantine', reasons: ['patch'], note: '' }]]),
    }),
    keys.privateKey,
    await exportPublicJwk(keys.publicKey),
  );
  const budget = () => new ByteBudget(DEFAULT_IMAGE_LIMITS.maxTotalBytes);
  const keep = [0, 1, 2, 4];
  const clean = await imageZipBytes(
    source,
    exportFiles(ds.ids, ds.fileSha256, keep),
    DEFAULT_IMAGE_LIMITS,
    budget(),
  );
  const quarantine = await imageZipBytes(
    source,
    exportFiles(ds.ids, ds.fileSha256, [QUARANTINED]),
    DEFAULT_IMAGE_LIMITS,
    budget(),
  );
  const dir = await mkdtemp(join(tmpdir(), 'sift-verify-zip-'));
  const paths = {
    manifest: join(dir, 'm.manifest.json'),
    clean: join(dir, 'clean.zip'),
    other: join(dir, 'x.zip'),
  };
  await writeFile(paths.manifest, JSON.stringify(manifest));
  await writeFile(paths.clean, clean);
  return { archive, ds, manifest, clean, quarantine, paths };
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('npm run verify with a clean zip', () => {
  it('exits 0 when every kept file is in the zip under its path with its SHA-256', async () => {
    const { paths, manifest, clean, archive } = await setUp();
    expect(manifest.dataset.images).toEqual({ layout: 'class-folders', height: 6, width: 6, channels: 1 });
    expect(parseManifest(JSON.stringify(manifest)).ok).toBe(true);
    const r = await run([paths.manifest, paths.clean]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toContain('4 kept, 1 quarantined; clean zip: 4 files match');
    // Byte for byte: each exported file is the archive's file.
    const exported = await zipSource(memorySource(clean), 'clean.zip', 100);
    const original = await zipSource(memorySource(archive), 'a.zip', 100);
    expect(exported.entries.map((e) => e.path)).toEqual([
      'Coat/a.png',
      'Coat/b.png',
      'Shirt/c.png',
      'Shirt/e.png',
    ]);
    for (const e of exported.entries) {
      const o = original.entries.find((x) => x.path === e.path);
      expect(await e.read(1e6)).toEqual(await o?.read(1e6));
    }
  });

  it('names a quarantined file in the zip, a changed file, a missing one and a stranger', async () => {
    const { paths, quarantine } = await setUp();
    const quarantinedName = 'Shirt/d.png';
    // The quarantine export holds that one file, byte for byte.
    const [quarantinedFile] = (await zipSource(memorySource(quarantine), 'q.zip', 10)).entries;
    expect(quarantinedFile?.path).toBe(quarantinedName);
    const wrong = craftZip([
      { name: 'Coat/a.png', data: encodePng(pattern(6, 6, 99, true), true) },
      { name: quarantinedName, data: await quarantinedFile?.read(1e6) },
      { name: 'Other/x.png', data: encodePng(pattern(6, 6, 5, true), true) },
    ]);
    await writeFile(paths.other, wrong);
    const r = await run([paths.manifest, paths.other]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MISMATCH clean zip entry "Coat/a.png": sha256 differs from the manifest');
    expect(r.err).toContain(
      `MISMATCH clean zip holds quarantined sample "${quarantinedName}", which must not be in it`,
    );
    expect(r.err).toContain('MISMATCH clean zip entry "Other/x.png" is not a sample of the manifest');
    expect(r.err).toContain(
      'MISMATCH clean zip lacks 3 of the 4 kept files (missing: "Coat/b.png", "Shirt/c.png", "Shirt/e.png")',
    );
  });

  it('refuses a hostile zip as untrusted input, naming the entry', async () => {
    const { paths } = await setUp();
    await writeFile(paths.other, craftZip([{ name: '../escape.png', data: new Uint8Array(4) }]));
    const r = await run([paths.manifest, paths.other]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MISMATCH clean zip entry "../escape.png" climbs out of the archive with ".."');
  });
});
