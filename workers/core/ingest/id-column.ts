/**
 * The id column of a streaming import, kept as bytes (issue 15): each row's id is checked (empty, seen before) by
 * its UTF-8 bytes in a hash table over one growing byte arena, and the kept rows' ids are appended to a second
 * arena, NUL-separated, which `texts` decodes once at the end. No string per row: in the 200k-row profile the
 * per-row id strings, their hash table and the garbage they made were about a tenth of the ingest worker's time.
 *
 * The ids are the strings a per-id `TextDecoder('utf-8').decode` gives: the file is valid UTF-8 (the byte
 * stream checks every chunk before it is tokenized), so decoding the arena at once gives each id's text joined by
 * NULs (the byte stream refuses files holding NUL); and that decoder drops one leading byte-order mark of each id,
 * which `check` drops from the bytes.
 */
import { CellKey } from './csv-bytes';
import { hashBytes } from './intern';

const BOM = [0xef, 0xbb, 0xbf];

/** A growable byte arena. */
class Arena {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  append(from: Uint8Array, start: number, end: number): void {
    const need = this.length + (end - start) + 1;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    // A loop, not `set(subarray)`: ids are short, and a view per call was most of this worker's garbage.
    const bytes = this.bytes;
    let at = this.length;
    for (let i = start; i < end; i++) bytes[at++] = from[i];
    this.length = at;
  }
}

/** The id column's checks and kept ids. */
export class IdColumn {
  private readonly key = new CellKey();
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Every id seen (kept rows or not), back to back; entry k is `[starts[k], starts[k + 1])`. */
  private readonly seen = new Arena();
  private starts: Int32Array = new Int32Array(1024);
  private lines: Int32Array = new Int32Array(1024);
  private count = 0;
  /** Open addressing: (hash, entry + 1) pairs. */
  private table = new Int32Array(2 * 2048);
  /** Kept rows' ids, each followed by a NUL. */
  private readonly kept = new Arena();
  /** The bytes of the id `check` read last, in `key`. */
  private lastStart = 0;
  private lastEnd = 0;

  /**
   * Reads the id cell `bytes[s..e)` (unquoted, trimmed, one leading byte-order mark dropped) and records it as
   * seen on `line`. Returns -1 when it is new, else the line it was first seen on; `empty` when it is empty.
   */
  check(bytes: Uint8Array, s: number, e: number, line: number): number | 'empty' {
    this.key.read(bytes, s, e);
    const key = this.key.bytes;
    let start = this.key.start;
    const end = this.key.end;
    if (end - start >= 3 && key[start] === BOM[0] && key[start + 1] === BOM[1] && key[start + 2] === BOM[2]) {
      start += 3;
    }
    this.lastStart = start;
    this.lastEnd = end;
    if (start === end) return 'empty';
    const hash = hashBytes(key, start, end);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const length = end - start;
    const seen = this.seen.bytes;
    let i = hash & mask;
    for (;;) {
      const entry = table[2 * i + 1];
      if (entry === 0) break;
      if (table[2 * i] === hash) {
        const from = this.starts[entry - 1];
        if (this.starts[entry] - from === length) {
          let same = true;
          for (let k = 0; k < length; k++) {
            if (seen[from + k] !== key[start + k]) {
              same = false;
              break;
            }
          }
          if (same) return this.lines[entry - 1];
        }
      }
      i = (i + 1) & mask;
    }
    this.record(key, start, end, line, hash, i);
    return -1;
  }

  /**
   * Makes room for `rows` ids at once (the row arrays' estimate from the file size), so that the table is not
   * rebuilt again and again as it fills: those rebuilds were 0.12 s of the 200k import.
   */
  reserve(rows: number): void {
    let size = this.table.length >> 1;
    while (size < 2 * rows) size *= 2;
    if (size > this.table.length >> 1) this.rebuild(size);
  }

  /** The text of the id `check` read last (for a message). */
  lastText(): string {
    return this.decoder.decode(this.key.bytes.subarray(this.lastStart, this.lastEnd));
  }

  /** Keeps the id `check` read last as the next kept row's id. */
  keep(): void {
    const kept = this.kept;
    kept.append(this.key.bytes, this.lastStart, this.lastEnd);
    kept.bytes[kept.length++] = 0;
  }

  /** The kept rows' ids, in order. */
  texts(): string[] {
    if (this.kept.length === 0) return [];
    return this.decoder.decode(this.kept.bytes.subarray(0, this.kept.length - 1)).split('\u0000');
  }

  private record(
    key: Uint8Array,
    start: number,
    end: number,
    line: number,
    hash: number,
    slot: number,
  ): void {
    const k = this.count;
    if (k + 2 > this.starts.length) {
      const starts = new Int32Array(2 * this.starts.length);
      starts.set(this.starts);
      this.starts = starts;
      const lines = new Int32Array(2 * this.lines.length);
      lines.set(this.lines);
      this.lines = lines;
    }
    this.starts[k] = this.seen.length;
    this.seen.append(key, start, end);
    this.starts[k + 1] = this.seen.length;
    this.lines[k] = line;
    this.count = k + 1;
    this.table[2 * slot] = hash;
    this.table[2 * slot + 1] = k + 1;
    if (this.count * 2 > this.table.length >> 1) this.rebuild(this.table.length);
  }

  /** Moves the table's entries into one of `slots` slots. */
  private rebuild(slots: number): void {
    const old = this.table;
    const table = new Int32Array(2 * slots);
    const mask = slots - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j] & mask;
      while (table[2 * i + 1] !== 0) i = (i + 1) & mask;
      table[2 * i] = old[j];
      table[2 * i + 1] = old[j + 1];
    }
    this.table = table;
  }
}
