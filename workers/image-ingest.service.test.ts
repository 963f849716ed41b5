/** The image side of the ingest worker, in-process with Node's decoder: the same contract the worker exposes. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../scripts/image-decoder';
import { encodePng, pattern } from '../scripts/image-fixtures';
import { craftZip } from '../scripts/zip-craft';
import { unpackIds } from './core/ingest/ids';
import { DEFAULT_IMAGE_LIMITS } from './core/ingest/images/types';
import { createImageIngestService, imageOutcomeTransferables } from './image-ingest.service';

const NAMES = ['Coat/a.png', 'Coat/b.png', 'Shirt/c.png'];
const data = NAMES.map((_, i) => encodePng(pattern(5, 4, i, true), true));

describe('image ingest service', () => {
  it('previews and imports a zip File, reporting progress, hashing the file, moving arrays', async () => {
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
    const outcome = await service.ingestImages(
      'i1',
      { kind: 'zip', file },
      preview.preview.suggested,
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    if (outcome.kind !== 'done') throw new Error(outcome.kind);
    expect(unpackIds(outcome.dataset.idText, outcome.dataset.rows)).toEqual(NAMES);
    expect(outcome.classCounts).toEqual([2, 1]);
    expect(outcome.dataset.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(imageOutcomeTransferables(outcome)).toContain(outcome.dataset.pixels.buffer);
  });

  it('imports a folder of Files by their paths, and answers a hostile zip with its problems', async () => {
    const service = createImageIngestService(nodeImageDecoder());
    const files = NAMES.map((name, i) => new File([data[i] ?? new Uint8Array()], name.split('/')[1] ?? name));
    const plan = {
      shape: { height: 4, width: 5, channels: 1 as const },
      skipNonImages: false,
      skipCorrupt: false,
    };
    const outcome = await service.ingestImages(
      'f1',
      { kind: 'folder', name: 'set', files, paths: NAMES },
      plan,
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    expect(outcome.kind === 'done' && unpackIds(outcome.dataset.idText, 3)).toEqual(NAMES);
    const evil = craftZip([
      ...NAMES.map((name, i) => ({ name, data: data[i] })),
      { name: 'Coat/link.png', data: new TextEncoder().encode('/etc/passwd'), unixMode: 0o120777 },
    ]);
    const file = new File([evil], 'evil.zip');
    const refused = await service.ingestImages(
      'h1',
      { kind: 'zip', file },
      plan,
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    expect(refused.kind === 'failed' && refused.problems[0]?.code).toBe('symlink');
    const previewed = await service.previewImages(
      'h2',
      { kind: 'zip', file },
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    expect(previewed.kind === 'done' && previewed.preview.problems.map((p) => p.code)).toEqual(['symlink']);
  });

  it('stops a running import on cancel', async () => {
    const service = createImageIngestService({
      // A decoder that lets the test cancel between images.
      decode: async (bytes, format) => {
        await service.cancel('c1');
        return nodeImageDecoder().decode(bytes, format);
      },
    });
    const zip = craftZip(NAMES.map((name, i) => ({ name, data: data[i] })));
    const plan = {
      shape: { height: 4, width: 5, channels: 1 as const },
      skipNonImages: false,
      skipCorrupt: false,
    };
    const outcome = await service.ingestImages(
      'c1',
      { kind: 'zip', file: new File([zip], 'x.zip') },
      plan,
      DEFAULT_IMAGE_LIMITS,
      () => {},
    );
    expect(outcome.kind).toBe('cancelled');
  });
});
