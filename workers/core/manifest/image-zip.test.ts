/**
 * writeImageZip / imageZipBytes (the clean and quarantine exports of an image dataset): a file gone from the source
 * or changed since import stops the export, naming the file, and so does a zip writer's error; nothing after it is
 * read. SHA-256 values come from node:crypto; the written zip is read back with the import's zip reader.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../ingest/images/catalog';
import { DEFAULT_IMAGE_LIMITS, type ImageSource } from '../ingest/images/types';
import { memorySource, zipSource } from '../ingest/images/zip';
import { ExportMismatchError, imageZipBytes } from './image-zip';

const bytesOf = (i: number) => Uint8Array.from({ length: 12 }, (_, j) => (i * 31 + j) & 255);
const digest = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** A source of `paths` (file i holds bytesOf(i)) that records which paths were read. */
function sourceOf(paths: string[]): { source: ImageSource; reads: string[] } {
  const reads: string[] = [];
  const entries = paths.map((path, i) => ({
    path,
    kind: 'file' as const,
    declaredBytes: 12,
    read: async () => {
      reads.push(path);
      return bytesOf(i);
    },
  }));
  return { source: { name: 'shirts.zip', bytes: 0, entries }, reads };
}

const budget = () => new ByteBudget(DEFAULT_IMAGE_LIMITS.maxTotalBytes);
const exportOf = (source: ImageSource, files: { path: string; sha256: Uint8Array }[]) =>
  imageZipBytes(source, files, DEFAULT_IMAGE_LIMITS, budget());

describe('imageZipBytes', () => {
  it('writes each file byte for byte under its path', async () => {
    const { source } = sourceOf(['Coat/a.png', 'Shirt/b.png']);
    const zip = await exportOf(source, [
      { path: 'Shirt/b.png', sha256: digest(bytesOf(1)) },
      { path: 'Coat/a.png', sha256: digest(bytesOf(0)) },
    ]);
    const back = await zipSource(memorySource(zip), 'out.zip', 10);
    expect(back.entries.map((e) => e.path)).toEqual(['Shirt/b.png', 'Coat/a.png']);
    expect(await back.entries[0]?.read(100)).toEqual(bytesOf(1));
    expect(await back.entries[1]?.read(100)).toEqual(bytesOf(0));
  });

  it('stops at a file no longer in the source, naming it and the source', async () => {
    const { source, reads } = sourceOf(['Coat/a.png', 'Shirt/c.png']);
    const files = [
      { path: 'Coat/gone.png', sha256: digest(bytesOf(0)) },
      { path: 'Shirt/c.png', sha256: digest(bytesOf(1)) },
    ];
    const error = await exportOf(source, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportMismatchError);
    expect((error as ExportMismatchError).name).toBe('ExportMismatchError');
    expect((error as ExportMismatchError).path).toBe('Coat/gone.png');
    expect((error as Error).message).toBe('"Coat/gone.png" is no longer in shirts.zip.');
    expect(reads).toEqual([]);
  });

  it('stops at a file whose bytes changed since import, naming it', async () => {
    const { source, reads } = sourceOf(['Coat/a.png', 'Shirt/c.png']);
    const files = [
      { path: 'Coat/a.png', sha256: digest(bytesOf(7)) },
      { path: 'Shirt/c.png', sha256: digest(bytesOf(1)) },
    ];
    const error = await exportOf(source, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportMismatchError);
    expect((error as Error).message).toBe(
      '"Coat/a.png" in shirts.zip no longer has the SHA-256 it had when it was imported; nothing was exported.',
    );
    expect(reads).toEqual(['Coat/a.png']);
  });

  it("stops at the zip writer's error (a name too long for a zip) before reading the next file", async () => {
    const long = `Coat/${'a'.repeat(65_536)}.png`;
    const { source, reads } = sourceOf([long, 'Shirt/c.png']);
    const files = [
      { path: long, sha256: digest(bytesOf(0)) },
      // Not in the source: reaching it would throw ExportMismatchError instead.
      { path: 'Shirt/gone.png', sha256: digest(bytesOf(1)) },
    ];
    const error = await exportOf(source, files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ExportMismatchError);
    expect((error as Error).message).toMatch(/too long/);
    expect(reads).toEqual([long]);
  });
});
