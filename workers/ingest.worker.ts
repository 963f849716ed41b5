/** Ingest worker: a comlink adapter over `workers/core/ingest`. Reads the file in slices, reports progress, obeys cancel. */
import * as Comlink from 'comlink';
import { CsvIngestor, IngestError } from './core/ingest/ingest';
import { previewCsv } from './core/ingest/preview';
import type { IngestApi, IngestJobId } from './ingest.api';

const SLICE_BYTES = 1 << 20;
const PREVIEW_BYTES = 1 << 20;
const PROGRESS_EVERY_MS = 100;
const now = () => performance.now();
/** Running jobs and whether cancel() was asked for each. */
const jobs = new Map<IngestJobId, { cancelled: boolean }>();

const api: IngestApi = {
  async preview(file, limits) {
    const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
    return previewCsv(head, file.name, file.size, limits);
  },
  async ingest(jobId, file, plan, limits, onProgress) {
    const t0 = now();
    let readMs = 0;
    let parseMs = 0;
    let lastProgress = t0;
    const job = { cancelled: false };
    jobs.set(jobId, job);
    try {
      const ingestor = new CsvIngestor({ fileName: file.name, totalBytes: file.size, plan, limits });
      for (let offset = 0; offset < file.size; offset += SLICE_BYTES) {
        const t1 = now();
        // Awaiting the read also lets a pending cancel() message run before the next chunk.
        const chunk = new Uint8Array(await file.slice(offset, offset + SLICE_BYTES).arrayBuffer());
        const t2 = now();
        readMs += t2 - t1;
        if (job.cancelled) return { kind: 'cancelled' };
        ingestor.push(chunk);
        parseMs += now() - t2;
        if (now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now();
          const bytesRead = Math.min(offset + SLICE_BYTES, file.size);
          onProgress({
            bytesRead,
            totalBytes: file.size,
            rows: ingestor.rowsParsed,
            elapsedMs: lastProgress - t0,
          });
        }
      }
      const t3 = now();
      const dataset = ingestor.finish();
      parseMs += now() - t3;
      // Counting rows per class here keeps the app's main thread free of loops over samples.
      const classCounts = new Array<number>(dataset.classes.length).fill(0);
      for (const code of dataset.labels) classCounts[code] = (classCounts[code] ?? 0) + 1;
      const { features, labels, lines, rowStart, rowEnd, rowSha256, stats } = dataset;
      const arrays = [features, labels, lines, rowStart, rowEnd, rowSha256, stats.min, stats.max, stats.mean];
      const buffers = new Set<ArrayBuffer>([...arrays, stats.missing].map((a) => a.buffer as ArrayBuffer));
      const timings = { readMs, parseMs, totalMs: now() - t0, postedAt: performance.timeOrigin + now() };
      return Comlink.transfer({ kind: 'done', dataset, classCounts, timings }, [...buffers]);
    } catch (error) {
      if (error instanceof IngestError) return { kind: 'failed', problems: error.problems };
      throw error;
    } finally {
      jobs.delete(jobId);
    }
  },
  async cancel(jobId) {
    const job = jobs.get(jobId);
    if (job) job.cancelled = true;
  },
};

Comlink.expose(api);
