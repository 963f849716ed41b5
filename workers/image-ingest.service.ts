/**
 * The image import of the ingest worker (issue 11), as a plain object that also runs in-process: turns the page's
 * File (a zip) or Files (a folder) into the core's ImageSource, runs the preview or the import with progress and
 * cancel, and returns errors as data. The decoder is injected: the browser's in the worker, Node's in tests.
 */

import { packIds } from './core/ingest/ids';
import { folderSource } from './core/ingest/images/folder';
import { ingestImages, previewImages } from './core/ingest/images/ingest-images';
import { type ImageDecoder, ImageIngestError, type ImageSource } from './core/ingest/images/types';
import { zipSource } from './core/ingest/images/zip';
import { Sha256, toHex } from './core/ingest/sha256';
import type { ImageIngestApi, ImageIngestOutcome, ImageInput } from './image-ingest.api';
import type { IngestJobId } from './ingest.api';
import { chunks } from './ingest.service';

const PROGRESS_EVERY_MS = 100;

async function fileBytes(file: Blob, offset: number, length: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
}

/** SHA-256 of a whole Blob, streamed. */
async function blobSha256(file: Blob): Promise<string> {
  const hash = new Sha256();
  for await (const chunk of chunks(file)) hash.update(chunk);
  const out = new Uint8Array(32);
  hash.digestInto(out, 0);
  return toHex(out);
}

async function sourceOf(input: ImageInput, maxEntries: number): Promise<ImageSource> {
  if (input.kind === 'zip') {
    const { file } = input;
    return zipSource({ size: file.size, read: (o, n) => fileBytes(file, o, n) }, file.name, maxEntries, () =>
      blobSha256(file),
    );
  }
  return folderSource(
    input.name,
    input.files.map((file, i) => ({
      path: input.paths[i] ?? file.name,
      size: file.size,
      read: (o, n) => fileBytes(file, o, n),
    })),
  );
}

/** The buffers of a finished import's typed arrays. */
export function imageOutcomeTransferables(outcome: ImageIngestOutcome): ArrayBuffer[] {
  if (outcome.kind !== 'done') return [];
  const d = outcome.dataset;
  const views = [d.pixels, d.labels, d.fileSha256, d.fileBytes, d.nativeWidth, d.nativeHeight];
  return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

/** A fresh image service with `decoder`; `cancel(jobId)` stops a running preview or import at its next entry. */
export function createImageIngestService(
  decoder: ImageDecoder,
): ImageIngestApi & { cancel(jobId: IngestJobId): Promise<void> } {
  const jobs = new Map<IngestJobId, { cancelled: boolean }>();
  const throttle = (onProgress: Parameters<ImageIngestApi['previewImages']>[3]) => {
    let last = 0;
    return (p: Parameters<typeof onProgress>[0]) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS && p.done < p.total) return;
      last = now;
      onProgress(p);
    };
  };
  const run = async <T>(
    jobId: IngestJobId,
    work: (job: { cancelled: boolean }) => Promise<T>,
  ): Promise<T> => {
    const job = { cancelled: false };
    jobs.set(jobId, job);
    try {
      return await work(job);
    } finally {
      jobs.delete(jobId);
    }
  };
  return {
    previewImages: (jobId, input, limits, onProgress) =>
      run(jobId, async (job) => {
        let source: ImageSource;
        try {
          source = await sourceOf(input, limits.maxEntries);
        } catch (error) {
          if (!(error instanceof ImageIngestError)) throw error;
          const name = input.kind === 'zip' ? input.file.name : input.name;
          const preview = await previewImages({ name, bytes: 0, entries: [] }, limits);
          return preview
            ? { kind: 'done', preview: { ...preview, problems: error.problems } }
            : { kind: 'cancelled' };
        }
        const report = throttle(onProgress);
        const t0 = performance.now();
        const preview = await previewImages(source, limits, {
          onProgress: (done, total) =>
            report({ phase: 'scan', done, total, elapsedMs: performance.now() - t0 }),
          shouldStop: () => job.cancelled,
        });
        return preview ? { kind: 'done', preview } : { kind: 'cancelled' };
      }),

    ingestImages: (jobId, input, plan, limits, onProgress) =>
      run(jobId, async (job): Promise<ImageIngestOutcome> => {
        const t0 = performance.now();
        try {
          const source = await sourceOf(input, limits.maxEntries);
          const ds = await ingestImages(
            source,
            plan,
            limits,
            decoder,
            throttle(onProgress),
            () => job.cancelled,
          );
          if (!ds) return { kind: 'cancelled' };
          const { ids, ...rest } = ds;
          // Counting images per class here keeps the page's main thread free of loops over samples.
          const classCounts = ds.classes.map(() => 0);
          for (const code of ds.labels) classCounts[code] = (classCounts[code] ?? 0) + 1;
          return {
            kind: 'done',
            dataset: { ...rest, idText: packIds(ids) },
            classCounts,
            timings: {
              totalMs: performance.now() - t0,
              postedAt: performance.timeOrigin + performance.now(),
            },
          };
        } catch (error) {
          if (error instanceof ImageIngestError) return { kind: 'failed', problems: error.problems };
          throw error;
        }
      }),

    async cancel(jobId) {
      const job = jobs.get(jobId);
      if (job) job.cancelled = true;
    },
  };
}
