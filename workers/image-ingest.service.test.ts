/**
 * The image side of the ingest worker, in-process with Node's decoder over a real IndexedDB implementation
 * (fake-indexeddb): the same contract the worker exposes, storing through the app's own stores.
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSiftDb } from '../app/db/open';
import type { DatasetId } from '../app/db/schema';
import { storesOf } from '../app/db/stores';
import { nodeImageDecoder } from '../scripts/image-decoder';
import { encodePng, pattern } from '../scripts/image-fixtures';
import { craftZip } from '../scripts/zip-craft';
import { unpackIds } from './core/ingest/ids';
import { DEFAULT_IMAGE_LIMITS, type ImagePlan } from './core/ingest/images/types';
import { createImageIngestService } from './image-ingest.service';

const NAMES = ['Coat/a.png', 'Coat/b.png', 'Shirt/c.png'];
const data = NAMES.map((_, i) => encodePng(pattern(5, 4, i, true), true));
const PLAN: ImagePlan = {
  shape: { height: 4, width: 5, channels: 1 },
  skipNonImages: false,
  skipCorrupt: false,
};

let nextDb = 0;
/** A fresh database and a target in it. */
function target(id = 'ds-1') {
  const dbName = `image-ingest-${nextDb++}`;
  return { dbName, datasetId: id, createdAt: 7 };
}

async function counts(dbName: string): Promise<number[]> {
  const db = await openSiftDb(dbName);
  const names = ['datasets', 'datasetArrays', 'datasetFiles', 'datasetImages'] as const;
  const out = await Promise.all(names.map((n) => db.count(n)));
  db.close();
  return out;
}

describe('image ingest service', () => {
  it('previews a zip, imports it with the preview catalog and stores every record in IndexedDB', async () => {
    const service = createImageIngestService(nodeImageDecoder());
    const zip = craftZip(NAMES.map((name, i) => ({ name, data: data[i] })));
    const file = new File([zip], 'coats.zip');
    const progress: string[] = [];
    const preview = await service.previewImages('p1', { kind: 'zip', file }, DEFAULT_IMAGE_LIMITS, (p) =>
      progress.push(p.phase),
    );
    if (preview.kind !== 'done') throw new Error(preview.kind);
    expect(preview.preview.suggested.shape).toEqual({ height: 4, width: 5, channels: 1 });
    expect(progress).toContain('scan');
    const to = target();
    const phases: string[] = [];
    const outcome = await service.ingestImages(
      'i1',
      { kind: 'zip', file },
      preview.preview.suggested,
      DEFAULT_IMAGE_LIMITS,
      to,
      (p) => phases.push(p.phase),
    );
    if (outcome.kind !== 'done') throw new Error(outcome.kind);
    // The preview's catalog was reused: no second scan pass.
    expect(phases).not.toContain('scan');
    expect(phases).toContain('store');
    expect(outcome.meta.classCounts).toEqual([2, 1]);
    expect(outcome.meta.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(outcome.meta.images?.shape).toEqual({ height: 4, width: 5, channels: 1 });
    expect(outcome.meta.featureNames).toHaveLength(20);

    const db = await openSiftDb(to.dbName);
    const stores = storesOf(db);
    const id = 'ds-1' as DatasetId;
    const arrays = await stores.datasets.loadArrays(id);
    expect(unpackIds(arrays?.idText ?? '', 3)).toEqual(NAMES);
    expect(Array.from(arrays?.labels ?? [])).toEqual([0, 0, 1]);
    // Pixels stored as uint8; features are pixels / 255.
    const pixels = arrays?.images?.pixels ?? new Uint8Array();
    expect(pixels).toBeInstanceOf(Uint8Array);
    expect(pixels).toHaveLength(60);
    expect(arrays?.features[7]).toBeCloseTo((pixels[7] ?? 0) / 255, 6);
    expect(Buffer.from(arrays?.rowSha256.subarray(64, 96) ?? new Uint8Array()).toString('hex')).toBe(
      createHash('sha256')
        .update(data[2] ?? new Uint8Array())
        .digest('hex'),
    );
    const stored = new Uint8Array(await ((await stores.datasets.loadFile(id)) ?? new Blob()).arrayBuffer());
    expect(Buffer.from(stored).equals(Buffer.from(zip))).toBe(true);
    const overview = await stores.datasets.loadImageOverview(id);
    expect(overview?.thumbRows).toEqual([[0, 1], [2]]);
    // The class mean of Coat is the rounded mean of its two images, pixel by pixel.
    expect(overview?.classMeans[3]).toBe(Math.round(((pixels[3] ?? 0) + (pixels[23] ?? 0)) / 2));
    const training = await stores.runs.loadTrainingArrays(id);
    expect(training?.features).toEqual(arrays?.features);
    expect((await stores.runs.loadIds(id))?.labels).toEqual(Int32Array.from([0, 0, 1]));
    db.close();
  });

  it('imports a folder of Files by their paths, storing the files back to back in row order', async () => {
    const service = createImageIngestService(nodeImageDecoder());
    // Given out of path order: rows, and the stored files, follow the paths.
    const order = [2, 0, 1];
    const files = order.map((i) => new File([data[i] ?? new Uint8Array()], `f${i}.png`));
    const to = target();
    const outcome = await service.ingestImages(
      'f1',
      { kind: 'folder', name: 'set', files, paths: order.map((i) => NAMES[i] ?? '') },
      PLAN,
      DEFAULT_IMAGE_LIMITS,
      to,
      () => {},
    );
    if (outcome.kind !== 'done') throw new Error(outcome.kind);
    expect(outcome.meta.images?.source).toBe('folder');
    const db = await openSiftDb(to.dbName);
    const stores = storesOf(db);
    const arrays = await stores.datasets.loadArrays('ds-1' as DatasetId);
    expect(unpackIds(arrays?.idText ?? '', 3)).toEqual(NAMES);
    const blob = (await stores.datasets.loadFile('ds-1' as DatasetId)) ?? new Blob();
    const all = new Uint8Array(await blob.arrayBuffer());
    NAMES.forEach((_, r) => {
      const from = arrays?.rowStart[r] ?? 0;
      const to2 = arrays?.rowEnd[r] ?? 0;
      expect(Buffer.from(all.subarray(from, to2)).equals(Buffer.from(data[r] ?? []))).toBe(true);
    });
    db.close();
  });

  it('stores nothing for a hostile zip, and names the entry', async () => {
    const service = createImageIngestService(nodeImageDecoder());
    const evil = craftZip([
      ...NAMES.map((name, i) => ({ name, data: data[i] })),
      { name: 'Coat/link.png', data: new TextEncoder().encode('/etc/passwd'), unixMode: 0o120777 },
    ]);
    const file = new File([evil], 'evil.zip');
    const to = target();
    const refused = await service.ingestImages(
      'h1',
      { kind: 'zip', file },
      PLAN,
      DEFAULT_IMAGE_LIMITS,
      to,
      () => {},
    );
    expect(refused.kind === 'failed' && refused.problems[0]?.code).toBe('symlink');
    expect(refused.kind === 'failed' && refused.problems[0]?.entry).toBe('Coat/link.png');
    expect(await counts(to.dbName)).toEqual([0, 0, 0, 0]);
    const previewed = await service.previewImages(
      'h2',
      { kind: 'zip', file },
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    expect(previewed.kind === 'done' && previewed.preview.problems.map((p) => p.code)).toEqual(['symlink']);
  });

  it('stops a running import on cancel and stores nothing', async () => {
    const service = createImageIngestService({
      // A decoder that lets the test cancel between images.
      decode: async (bytes, format) => {
        await service.cancel('c1');
        return nodeImageDecoder().decode(bytes, format);
      },
    });
    const zip = craftZip(NAMES.map((name, i) => ({ name, data: data[i] })));
    const to = target();
    const outcome = await service.ingestImages(
      'c1',
      { kind: 'zip', file: new File([zip], 'x.zip') },
      PLAN,
      DEFAULT_IMAGE_LIMITS,
      to,
      () => {},
    );
    expect(outcome.kind).toBe('cancelled');
    expect(await counts(to.dbName)).toEqual([0, 0, 0, 0]);
  });
});
