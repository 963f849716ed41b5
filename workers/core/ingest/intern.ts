/**
 * Hash tables for the per-row lookups of ingestion, built on typed arrays: in the 200k-row profile a `Map` of
 * fresh strings (the id check) and a decode per label were ~20% of the time.
 */

/** FNV-1a over `bytes[start..end)`. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

/** FNV-1a over a string's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
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

/**
 * The ids seen so far, for the duplicate check: an open-addressing table of (hash, entry) pairs in one
 * Int32Array, so a probe touches one cache line and compares strings only when the hashes agree.
 */
export class IdIndex {
  private table = new Int32Array(2 * 1024);
  private readonly ids: string[] = [];
  private readonly lines: number[] = [];

  /** Records `id`, seen on `line`; returns the line where it was seen first, or -1 when it is new. */
  add(id: string, line: number): number {
    const hash = hashString(id);
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let i = hash & mask;
    for (;;) {
      const entry = table[2 * i + 1];
      if (entry === 0) break;
      if (table[2 * i] === hash && this.ids[entry - 1] === id) return this.lines[entry - 1];
      i = (i + 1) & mask;
    }
    this.ids.push(id);
    this.lines.push(line);
    table[2 * i] = hash;
    table[2 * i + 1] = this.ids.length;
    if (this.ids.length * 2 > mask + 1) this.grow();
    return -1;
  }

  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = (table.length >> 1) - 1;
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
