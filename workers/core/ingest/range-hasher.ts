/**
 * The SHA-256 side of an import, apart from parsing so that it can run beside it (issue 15): the file's bytes go
 * in, in order and in chunks of any size, with the byte ranges of the rows kept so far; out come the file's
 * digest and one digest per kept row, the same bytes and the same hashes `CsvIngestor` computes inline. The
 * ingest worker feeds one of these in a second worker while it parses (workers/row-hash.worker.ts).
 */
import { Sha256, sha256Into } from './sha256';

/** What a finished `RangeHasher` gives: the file's hex digest and 32 bytes per row, in the order given. */
export interface FileAndRowHashes {
  sha256: string;
  rowSha256: Uint8Array;
}

/** Hashes a file and byte ranges of it (rows), holding only the chunks that rows still to come may need. */
export class RangeHasher {
  private readonly fileHash = new Sha256();
  private readonly rowHash = new Sha256();
  /** Chunks still needed, and the file offset of each one's first byte. */
  private held: Uint8Array[] = [];
  private heldStart: number[] = [];
  private bytesSeen = 0;
  private rowSha = new Uint8Array(32 * 1024);
  private rows = 0;
  /** Rows must come in file order: the end of the last one hashed. */
  private lastEnd = 0;
  /** Buffers of chunks let go of, that no held chunk shares: see `takeReleased`. */
  private released: ArrayBuffer[] = [];

  /**
   * Adds the file's next bytes; the hasher keeps `bytes` (the caller must not reuse its buffer until
   * `takeReleased` hands it back).
   */
  pushBytes(bytes: Uint8Array): void {
    this.fileHash.update(bytes);
    this.held.push(bytes);
    this.heldStart.push(this.bytesSeen);
    this.bytesSeen += bytes.length;
  }

  /**
   * Hashes rows `[starts[i], ends[i])` (file offsets, in file order, not overlapping) for i < count; their bytes
   * must all have been pushed.
   */
  hashRows(starts: Float64Array, ends: Float64Array, count = starts.length): void {
    if (this.rowSha.length < (this.rows + count) * 32) {
      const grown = new Uint8Array(Math.max(2 * this.rowSha.length, (this.rows + count) * 32));
      grown.set(this.rowSha);
      this.rowSha = grown;
    }
    for (let i = 0; i < count; i++) {
      const start = starts[i];
      const end = ends[i];
      if (start < this.lastEnd || end < start || end > this.bytesSeen) {
        throw new RangeError(`row ${this.rows} spans bytes ${start}..${end}, outside what is held`);
      }
      this.dropBefore(start);
      const first = this.held[0];
      const firstStart = this.heldStart[0];
      if (end <= firstStart + first.length) {
        sha256Into(first, start - firstStart, end - firstStart, this.rowSha, this.rows * 32);
      } else {
        this.hashAcrossChunks(start, end);
      }
      this.rows++;
      this.lastEnd = end;
    }
  }

  /** The digests; call once, after the last bytes and rows. */
  finish(): FileAndRowHashes {
    const held = this.held;
    this.held = [];
    this.heldStart = [];
    this.release(held);
    return { sha256: this.fileHash.hex(), rowSha256: this.rowSha.slice(0, this.rows * 32) };
  }

  /** A row whose bytes lie in more than one held chunk. */
  private hashAcrossChunks(start: number, end: number): void {
    const hash = this.rowHash;
    hash.reset();
    for (let k = 0; k < this.held.length && this.heldStart[k] < end; k++) {
      const chunkStart = this.heldStart[k];
      const from = Math.max(start, chunkStart) - chunkStart;
      const to = Math.min(end, chunkStart + this.held[k].length) - chunkStart;
      if (to > from) hash.update(this.held[k], from, to);
    }
    hash.digestInto(this.rowSha, this.rows * 32);
  }

  /** Lets go of chunks that end at or before `offset` (rows come in file order, so none will need them). */
  private dropBefore(offset: number): void {
    let k = 0;
    while (k < this.held.length - 1 && this.heldStart[k] + this.held[k].length <= offset) k++;
    if (k > 0) {
      this.release(this.held.splice(0, k));
      this.heldStart.splice(0, k);
    }
  }

  /**
   * The buffers of the chunks let go of since the last call, each once, none shared with a chunk still held: the
   * caller may read the file's next bytes into them (the ingest worker reuses them rather than allocating or
   * copying a buffer per chunk).
   */
  takeReleased(): ArrayBuffer[] {
    const buffers = this.released;
    this.released = [];
    return buffers;
  }

  private release(chunks: Uint8Array[]): void {
    const inUse = new Set(this.held.map((chunk) => chunk.buffer));
    for (const chunk of chunks) {
      const buffer = chunk.buffer as ArrayBuffer;
      if (!inUse.has(buffer) && !this.released.includes(buffer)) this.released.push(buffer);
    }
  }
}
