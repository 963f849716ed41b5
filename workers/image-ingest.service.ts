/**
 * The image import of the ingest worker (issue 11), as a plain object that also runs in-process: turns the page's
 * File (a zip) or Files (a folder) into the core's ImageSource, runs the preview or the import with progress and
 * cancel, stores the imported dataset in IndexedDB itself (one transaction: metadata, pixels, the original zip or
 * the folder's files, the overview record) and returns errors as data. The decoder is injected: the browser's in
 * the worker, Node's in tests. The preview's catalog of a source is kept for the import of the same source, so the
 * entries are not all read twice.
 */

import { type ImageRecordContext, imageRecords } from '../app/db/image-records';
import type { DatasetId } from '../app/db/schema';
import type { Stores } from '../app/db/stores';
import type { Catalog } from './core/ingest/images/catalog';
import { folderSource } from './core/ingest/images/folder';
import { ingestImages, previewImages } from './core/ingest/images/ingest-images';
import { StageClock } from './core/ingest/images/stages';
import {
  type ImageDataset,
  type ImageDecoder,
  ImageIngestError,
  type ImageLimits,
  type ImageSource,
} from './core/ingest/images/types';
import { zipSource } from './core/ingest/images/zip';
import { Sha256, toHex } from './core/ingest/sha256';
import { storesFor } from './db';
import type { ImageIngestApi, ImageIngestOutcome, ImageInput, ImageStoreTarget } from './image-ingest.api';
import type { IngestJobId } from './ingest.api';
import { chunks } from './ingest.service';

const PROGRESS_EVERY_MS = 100;

async function fileBytes(file: Blob, offset: number, length: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(offset, offset + length).arrayBuffer());
}

/** Blobs up to this size are hashed by the browser's own SHA-256 in one call (read whole); larger ones streamed. */
const NATIVE_DIGEST_BYTES = 256 * 1024 * 1024;

/**
 * SHA-256 of a whole Blob: WebCrypto's digest where the Blob fits in memory comfortably (3.9 MB: ~0.4 s streamed
 * through the JS SHA-256 at load 15, a few ms native), else streamed through the JS one, which has no size limit.
 */
async function blobSha256(file: Blob): Promise<string> {
  if (file.size <= NATIVE_DIGEST_BYTES && globalThis.crypto?.subtle) {
    return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer())));
  }
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

/** What tells one source from another between a preview and an import: names, sizes, dates, and the limits. */
function sourceKey(input: ImageInput, limits: ImageLimits): string {
  const files =
    input.kind === 'zip'
      ? [[input.file.name, input.file.size, input.file.lastModified]]
      : input.files.map((f, i) => [input.paths[i], f.size, f.lastModified]);
  return JSON.stringify([input.kind, input.kind === 'zip' ? input.file.name : input.name, files, limits]);
}

/**
 * What is stored as the dataset's file: the zip itself, or a folder's image files back to back in row order (a
 * Blob of Blobs: no copy here), so every kept file can be read back byte for byte at export.
 */
function storedFile(input: ImageInput, ds: ImageDataset): Blob {
  if (input.kind === 'zip') return input.file;
  const byPath = new Map(input.files.map((f, i) => [input.paths[i] ?? f.name, f]));
  return new Blob(ds.ids.map((id) => byPath.get(id) ?? new Blob([])));
}

/** A fresh image service with `decoder`; `cancel(jobId)` stops a running preview or import at its next entry. */
export function createImageIngestService(
  decoder: ImageDecoder,
  openStores: (dbName: string) => Promise<Stores> = storesFor,
): ImageIngestApi & { cancel(jobId: IngestJobId): Promise<void> } {
  const jobs = new Map<IngestJobId, { cancelled: boolean }>();
  /** The last preview's catalog, for the import of the same source. */
  let lastCatalog: { key: string; catalog: Catalog } | null = null;
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

  const store = async (
    input: ImageInput,
    ds: ImageDataset,
    target: ImageStoreTarget,
    context: Pick<ImageRecordContext, 'limits' | 'timings'>,
    clock: StageClock,
  ) => {
    const { meta, arrays, idText, overview } = clock.timeSync('records', () =>
      imageRecords(ds, {
        ...context,
        id: target.datasetId as DatasetId,
        createdAt: target.createdAt,
        source: input.kind,
      }),
    );
    await clock.time('indexedDb', async () => {
      const stores = await openStores(target.dbName);
      await stores.datasets.saveImages(meta, arrays, idText, storedFile(input, ds), overview);
    });
    return meta;
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
        const key = sourceKey(input, limits);
        const preview = await previewImages(source, limits, {
          onProgress: (done, total) =>
            report({ phase: 'scan', done, total, elapsedMs: performance.now() - t0 }),
          shouldStop: () => job.cancelled,
          onCatalog: (catalog) => {
            lastCatalog = { key, catalog };
          },
        });
        return preview ? { kind: 'done', preview } : { kind: 'cancelled' };
      }),

    ingestImages: (jobId, input, plan, limits, target, onProgress) =>
      run(jobId, async (job): Promise<ImageIngestOutcome> => {
        const t0 = performance.now();
        const report = throttle(onProgress);
        try {
          const source = await sourceOf(input, limits.maxEntries);
          const key = sourceKey(input, limits);
          const known = lastCatalog?.key === key ? lastCatalog.catalog : undefined;
          let scanned = t0;
          const clock = new StageClock();
          const ds = await ingestImages(
            source,
            plan,
            limits,
            decoder,
            (p) => {
              if (p.phase === 'scan') scanned = performance.now();
              report(p);
            },
            () => job.cancelled,
            known,
            clock,
          );
          // Cancelled: nothing was written, and nothing will be.
          if (!ds || job.cancelled) return { kind: 'cancelled' };
          const decoded = performance.now();
          onProgress({ phase: 'store', done: 0, total: 1, elapsedMs: decoded - t0 });
          // The store's own time is known only after the write: the page records it (updateMeta), as for a CSV.
          const meta = await store(
            input,
            ds,
            target,
            {
              limits,
              timings: {
                readMs: scanned - t0,
                parseMs: decoded - scanned,
                workerMs: decoded - t0,
                transferMs: 0,
                storeMs: 0,
                totalMs: 0,
              },
            },
            clock,
          );
          const end = performance.now();
          lastCatalog = null;
          return {
            kind: 'done',
            meta,
            timings: {
              scanMs: scanned - t0,
              decodeMs: decoded - scanned,
              storeMs: end - decoded,
              totalMs: end - t0,
              stages: clock.totals(),
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
