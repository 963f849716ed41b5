/**
 * Row-hash worker: the SHA-256 side of a CSV import (issue 15), started by the ingest worker for each import so
 * that hashing the file and every kept row runs on another core while that worker parses. One import per worker.
 */
import * as Comlink from 'comlink';
import { RangeHasher } from './core/ingest/range-hasher';
import { holdLifeLock } from './life';

// First, so the ingest worker can tell this worker's death from its silence (workers/life.ts).
holdLifeLock();

const hasher = new RangeHasher();

const api = {
  /** Hashes the next bytes and rows; returns, by transfer, the buffers of chunks it no longer holds. */
  add(bytes: Uint8Array, starts: Float64Array, ends: Float64Array): ArrayBuffer[] {
    hasher.pushBytes(bytes);
    hasher.hashRows(starts, ends);
    const released = hasher.takeReleased();
    return Comlink.transfer(released, released);
  },
  finish() {
    const hashes = hasher.finish();
    return Comlink.transfer(hashes, [hashes.rowSha256.buffer]);
  },
};

/** What the ingest worker calls. */
export type RowHashApi = typeof api;

Comlink.expose(api);
