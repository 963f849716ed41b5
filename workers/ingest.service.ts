/**
 * The ingest service: what the ingest worker exposes, as a plain object that also runs in-process (Node tests).
 * Streams a File through the core's CsvIngestor, reports progress, obeys cancel, returns errors as data.
 */

import { packIds } from './core/ingest/ids';
import { CsvIngestor, IngestError } from './core/ingest/ingest';
import { previewCsv } from './core/ingest/preview';
import { hashingStopped } from './core/ingest/problems';
import type { FileAndRowHashes } from './core/ingest/range-hasher';
import type { IngestApi, IngestJobId, IngestOutcome } from './ingest.api';

const CHUNK_BYTES = 1 << 20;
const PREVIEW_BYTES = 1 << 20;
const PROGRESS_EVERY_MS = 100;
/** Chunks handed to the hasher and not yet hashed before the parse waits for it (bounds the memory they hold). */
const HASH_AHEAD = 4;
const now = () => performance.now();

/**
 * The file in chunks of up to 1 MiB, read by a BYOB stream reader into one reused buffer. Measured in this
 * Chromium: 45 MB in 0.07–0.15 s, against 1.1–1.8 s for 1 MiB `slice().arrayBuffer()` reads (a fresh buffer and
 * an IPC round trip each). A chunk is valid only until the next is asked for (CsvIngestor copies what it keeps),
 * unless `nextBuffer` is given: then each chunk has a buffer of its own, which the caller may keep or transfer,
 * and the next chunk is read into the buffer `nextBuffer` gives (a fresh one unless it is a spare of the same
 * size).
 */
export async function* chunks(
  file: Blob,
  nextBuffer?: () => ArrayBuffer | undefined,
): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader({ mode: 'byob' });
  let buffer = new ArrayBuffer(CHUNK_BYTES);
  let filled = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
      // The read moved the buffer into the stream and back: its bytes live on in `value.buffer`.
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done) break;
      filled += value.byteLength;
      if (filled === buffer.byteLength) {
        yield new Uint8Array(buffer, 0, filled);
        if (nextBuffer) {
          const spare = nextBuffer();
          buffer = spare?.byteLength === CHUNK_BYTES ? spare : new ArrayBuffer(CHUNK_BYTES);
        }
        filled = 0;
      }
    }
    if (filled > 0) yield new Uint8Array(buffer, 0, filled);
  } finally {
    await reader.cancel();
  }
}

/** The buffers of a finished import's typed arrays, each once (two views may share one). */
export function outcomeTransferables(outcome: IngestOutcome): ArrayBuffer[] {
  if (outcome.kind !== 'done') return [];
  const { features, labels, lines, rowStart, rowEnd, rowSha256, stats } = outcome.dataset;
  const views = [
    features,
    labels,
    lines,
    rowStart,
    rowEnd,
    rowSha256,
    stats.min,
    stats.max,
    stats.mean,
    stats.missing,
  ];
  return [...new Set(views.map((view) => view.buffer as ArrayBuffer))];
}

/**
 * Hashes an import's file and kept rows beside the parse: in the browser a `RangeHasher` in a second worker
 * (row-hash.worker.ts), so that SHA-256 runs on another core. `add` takes the file's next bytes (the hasher
 * keeps them) and the byte ranges of the rows kept while parsing them.
 */
export interface ImportHasher {
  add(bytes: Uint8Array, starts: Float64Array, ends: Float64Array): Promise<void>;
  /**
   * A buffer the hasher has handed back (it no longer holds the chunk read into it), for the next chunk; none
   * when it has none to spare. Reusing them spares the parse a 1 MiB allocation or copy per chunk.
   */
  spare?(): ArrayBuffer | undefined;
  finish(): Promise<FileAndRowHashes>;
  close(): void;
  /**
   * Settles with why (words for the analyst) if the hasher stops on its own: its worker crashed, ran out of memory,
   * was closed or failed. A call to a dead worker never settles, so the import races every call against this.
   */
  stopped: Promise<string>;
}

/** The hasher stopped or failed mid-import; `message` says why. */
class HashingStoppedError extends Error {}
/** The import was cancelled while it waited for the hasher. */
class CancelledWhileHashing extends Error {}

/** `call`, unless the hasher fails, stops or the job is cancelled first (`interrupt` rejects then). */
function guarded<T>(call: Promise<T>, interrupt: Promise<never>): Promise<T> {
  const failed = call.catch((error: unknown) => {
    throw new HashingStoppedError(`it failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return Promise.race([failed, interrupt]);
}

/**
 * A fresh service; each running job is tracked by its id until it ends. Without `hasher` the parse hashes
 * inline (Node, tests); with it each import gets its own hasher, fed as the chunks are parsed.
 */
export function createIngestService(hasher?: () => ImportHasher): IngestApi {
  const jobs = new Map<IngestJobId, { cancelled: boolean; onCancel: () => void }>();
  return {
    async preview(file, limits, plan) {
      const head = new Uint8Array(await file.slice(0, PREVIEW_BYTES).arrayBuffer());
      return previewCsv(head, file.name, file.size, limits, plan);
    },

    async ingest(jobId, file, plan, limits, onProgress) {
      const t0 = now();
      let readMs = 0;
      let parseMs = 0;
      let lastProgress = t0;
      const job = { cancelled: false, onCancel: () => {} };
      jobs.set(jobId, job);
      const hashing = hasher?.();
      // Rejects when the hasher stops or the job is cancelled: a wait on a dead (or hung) hasher ends then.
      const interrupt = new Promise<never>((_, reject) => {
        job.onCancel = () => reject(new CancelledWhileHashing());
        void hashing?.stopped.then((why) => reject(new HashingStoppedError(why)));
      });
      interrupt.catch(() => undefined);
      const hashed: Promise<void>[] = [];
      /** Hands the hasher the chunk just parsed and the rows kept from `before` on. */
      const hashAfter = async (ingestor: CsvIngestor, before: number, chunk: Uint8Array) => {
        if (hashing === undefined) return;
        const { starts, ends } = ingestor.keptRanges(before);
        // The chunk's buffer is its own (chunks' `nextBuffer`): the hasher takes it as it is, with no copy.
        const added = guarded(hashing.add(chunk, starts, ends), interrupt);
        added.catch(() => undefined); // awaited below; this only keeps a failed job's rejection handled
        hashed.push(added);
        if (hashed.length > HASH_AHEAD) await hashed.shift();
      };
      try {
        const ingestor = new CsvIngestor({
          fileName: file.name,
          totalBytes: file.size,
          plan,
          limits,
          validateOnly: hashing !== undefined,
        });
        let bytesRead = 0;
        let t1 = now();
        const nextBuffer = hashing === undefined ? undefined : () => hashing.spare?.();
        for await (const chunk of chunks(file, nextBuffer)) {
          // Awaiting the read also lets a pending cancel() run before the next chunk is parsed.
          const t2 = now();
          readMs += t2 - t1;
          if (job.cancelled) return { kind: 'cancelled' };
          const before = ingestor.rowsKept;
          ingestor.push(chunk);
          bytesRead += chunk.length; // before the hasher takes the chunk (a transfer empties this view)
          await hashAfter(ingestor, before, chunk);
          t1 = now();
          parseMs += t1 - t2;
          if (t1 - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = t1;
            onProgress({ bytesRead, totalBytes: file.size, rows: ingestor.rowsParsed, elapsedMs: t1 - t0 });
          }
        }
        if (job.cancelled) return { kind: 'cancelled' };
        const t3 = now();
        const before = ingestor.rowsKept;
        const { ids, ...parsed } = ingestor.finish();
        await hashAfter(ingestor, before, new Uint8Array(0));
        const idText = packIds(ids);
        await Promise.all(hashed);
        const dataset =
          hashing === undefined ? parsed : { ...parsed, ...(await guarded(hashing.finish(), interrupt)) };
        parseMs += now() - t3;
        // Counting rows per class here keeps the app's main thread free of loops over samples.
        const classCounts = new Array<number>(dataset.classes.length).fill(0);
        for (const code of dataset.labels) classCounts[code] = (classCounts[code] ?? 0) + 1;
        const timings = { readMs, parseMs, totalMs: now() - t0, postedAt: performance.timeOrigin + now() };
        return { kind: 'done', dataset: { ...dataset, idText }, classCounts, timings };
      } catch (error) {
        if (error instanceof IngestError) return { kind: 'failed', problems: error.problems };
        // Nothing of this import was handed on: the page stores only a 'done' outcome.
        if (error instanceof CancelledWhileHashing) return { kind: 'cancelled' };
        if (error instanceof HashingStoppedError)
          return { kind: 'failed', problems: [hashingStopped(file.name, error.message)] };
        throw error;
      } finally {
        hashing?.close();
        jobs.delete(jobId);
      }
    },

    async cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job) return;
      job.cancelled = true;
      job.onCancel();
    },
  };
}
