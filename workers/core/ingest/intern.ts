/**
 * Hash tables for the per-row lookups of ingestion, built on typed arrays: in the 200k-row profile a `Map` of
 * fresh strings (the id check) and a decode per label were ~20% of the time. The id check is in id-column.ts.
 */

/** FNV-1a over `bytes[start..end)`. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

/**
 * Interns byte strings (labels, one-hot values: few distinct, repeated on every row) into dense codes 0, 1, …
 * in order of first appearance, decoding each distinct value once. Keys are UTF-8 bytes; distinct valid UTF-8
 * byte strings are distinct texts, so codes and texts correspond one to one.
 */
export class ByteInterner {
  /** The decoded text of each code. */
  readonly values: string[] = [];
  private readonly keys: Uint8Array[] = [];
  private readonly hashes: number[] = [];
  /** Open addressing: code + 1 per slot, 0 when empty. */
  private table = new Int32Array(64);
  private readonly decoder = new TextDecoder();

  get size(): number {
    return this.values.length;
  }

  /** The code of `bytes[start..end)`, or -1 when it has not been added. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const mask = this.table.length - 1;
    const length = end - start;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i];
      if (entry === 0) return -1;
      const code = entry - 1;
      if (this.hashes[code] !== hash) continue;
      const key = this.keys[code];
      if (key.length !== length) continue;
      let same = true;
      for (let k = 0; k < length; k++) {
        if (key[k] !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return code;
    }
  }

  /** Adds `bytes[start..end)` (not present yet) and returns its new code. */
  add(bytes: Uint8Array, start: number, end: number): number {
    const code = this.values.length;
    const key = bytes.slice(start, end);
    this.keys.push(key);
    this.hashes.push(hashBytes(bytes, start, end));
    this.values.push(this.decoder.decode(key));
    if (this.values.length * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(code);
    return code;
  }

  private place(code: number): void {
    const mask = this.table.length - 1;
    let i = this.hashes[code] & mask;
    while (this.table[i] !== 0) i = (i + 1) & mask;
    this.table[i] = code + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let code = 0; code < this.values.length; code++) this.place(code);
  }
}
