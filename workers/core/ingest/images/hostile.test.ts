/**
 * Every hostile archive of scripts/make-hostile-archives.ts is refused with its problem code, naming the entry,
 * before anything is kept; the consent options let the skippable ones through. Limits are small so the bombs are.
 */
import { describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../../../../scripts/image-decoder';
import { hostileArchives } from '../../../../scripts/make-hostile-archives';
import { emptyEntriesSource } from '../../../../scripts/zip-craft';
import { ingestImages, previewImages } from './ingest-images';
import { DEFAULT_IMAGE_LIMITS, ImageIngestError, type ImageLimits, type ImagePlan } from './types';
import { memorySource, zipSource } from './zip';

const LIMITS: ImageLimits = {
  ...DEFAULT_IMAGE_LIMITS,
  maxEntryBytes: 2 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
};
const PLAN: ImagePlan = {
  shape: { height: 8, width: 8, channels: 1 },
  skipNonImages: false,
  skipCorrupt: false,
};
const decoder = nodeImageDecoder();

async function refusal(bytes: Uint8Array, name: string, plan = PLAN) {
  try {
    const source = await zipSource(memorySource(bytes), name, LIMITS.maxEntries);
    await ingestImages(source, plan, LIMITS, decoder);
  } catch (error) {
    if (error instanceof ImageIngestError) return error.problems;
    throw error;
  }
  return [];
}

describe('hostile archives', () => {
  for (const archive of hostileArchives(LIMITS)) {
    it(`refuses ${archive.name} (${archive.code})`, async () => {
      const problems = await refusal(archive.bytes, archive.name);
      expect(problems.map((p) => p.code)).toContain(archive.code);
      const p = problems.find((q) => q.code === archive.code);
      expect(p?.severity).toBe('error');
      expect(p?.message).toContain(archive.name);
      if (archive.entry) {
        expect(p?.entry).toBe(archive.entry);
        expect(p?.message).toContain(`"${archive.entry}"`);
      }
    });
  }

  it('the preview reports the same refusal without throwing', async () => {
    for (const archive of hostileArchives(LIMITS).filter((a) => a.code !== 'not-an-archive')) {
      const source = await zipSource(memorySource(archive.bytes), archive.name, LIMITS.maxEntries).catch(
        (error: unknown) => error,
      );
      if (source instanceof ImageIngestError) {
        // Refused while reading the directory (overlap, encryption, methods): the same code.
        expect(source.problems.map((p) => p.code)).toContain(archive.code);
        continue;
      }
      if (source instanceof Error) throw source;
      const preview = await previewImages(source as Awaited<ReturnType<typeof zipSource>>, LIMITS);
      // The preview reads heads only: bombs, lying sizes and damaged bodies show when the import reads them in full.
      if (archive.name.startsWith('bomb-') || archive.code === 'corrupt-image') continue;
      expect(
        preview?.problems.map((p) => p.code),
        archive.name,
      ).toContain(archive.code);
    }
  });

  it('imports the non-image and corrupt-image archives with consent, listing what was left out', async () => {
    const byName = new Map(hostileArchives(LIMITS).map((a) => [a.name, a]));
    const plan: ImagePlan = { ...PLAN, skipNonImages: true, skipCorrupt: true };
    for (const name of ['non-image.zip', 'corrupt-image.zip', 'bomb-lying-size.zip']) {
      const archive = byName.get(name);
      if (!archive) throw new Error(name);
      const source = await zipSource(memorySource(archive.bytes), name, LIMITS.maxEntries);
      const ds = await ingestImages(source, plan, LIMITS, decoder);
      expect(ds?.rows).toBe(4);
      expect(ds?.skipped.map((s) => s.path)).toEqual([archive.entry]);
      expect(ds?.warnings.some((w) => w.entry === archive.entry && w.severity === 'warning')).toBe(true);
    }
  });

  it('stops reading a zip of a million empty entries at the entry limit, reading a bounded part of it', async () => {
    const inner = emptyEntriesSource(1_000_000);
    let bytesRead = 0;
    const counted = {
      size: inner.size,
      read: async (offset: number, length: number) => {
        const b = await inner.read(offset, length);
        bytesRead += b.length;
        return b;
      },
    };
    expect(inner.size).toBeGreaterThan(90_000_000);
    const error = await zipSource(counted, 'million.zip', DEFAULT_IMAGE_LIMITS.maxEntries).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageIngestError);
    expect((error as ImageIngestError).problems[0]?.code).toBe('too-many-entries');
    expect((error as ImageIngestError).message).toContain('250,000 entries');
    // The directory up to the limit (62 bytes a record) and the end records; never the whole file.
    expect(bytesRead).toBeLessThan(DEFAULT_IMAGE_LIMITS.maxEntries * 62 + 4 * 1024 * 1024);
  });
});
