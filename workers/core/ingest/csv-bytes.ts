/** Byte-level reading of CSV cells shared by the streaming ingestor's parts: blanks, quotes, keys and cell text. */

/** How many bytes are held to sniff the delimiter when none is given; also what the preview reads. */
export const SNIFF_BYTES = 64 * 1024;
export const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;

/** True when `bytes[start..end)` holds only spaces and tabs. */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== SPACE && bytes[i] !== TAB) return false;
  return true;
}

/** The end of a quoted field's content: the closing quote, before any spaces that follow it. */
export function closingQuote(bytes: Uint8Array, end: number): number {
  let q = end - 1;
  while (bytes[q] === SPACE || bytes[q] === TAB) q--;
  return q;
}

/** A cell's text: the bytes decoded, or for a quoted field its content with `""` read as `"`. */
export function cellText(decoder: TextDecoder, bytes: Uint8Array, s: number, e: number): string {
  if (s < e && bytes[s] === QUOTE) {
    return decoder.decode(bytes.subarray(s + 1, closingQuote(bytes, e))).replaceAll('""', '"');
  }
  return decoder.decode(bytes.subarray(s, e));
}

/**
 * Finds the key of a label, id or one-hot cell without making a string: after `read`, its bytes are
 * `bytes[start..end)` (unquoted, doubled quotes undone, surrounding spaces and tabs trimmed).
 */
export class CellKey {
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Scratch for a quoted key with doubled quotes, unescaped. */
  private unescaped: Uint8Array = new Uint8Array(256);

  /** Locates the key of the cell `bytes[s..e)`. */
  read(bytes: Uint8Array, s: number, e: number): void {
    let key = bytes;
    let ks = s;
    let ke = e;
    if (s < e && bytes[s] === QUOTE) {
      ks = s + 1;
      ke = closingQuote(bytes, e);
      if (bytes.subarray(ks, ke).includes(QUOTE)) {
        if (this.unescaped.length < ke - ks) this.unescaped = new Uint8Array(2 * (ke - ks));
        let n = 0;
        for (let i = ks; i < ke; i++) {
          this.unescaped[n++] = bytes[i];
          if (bytes[i] === QUOTE && bytes[i + 1] === QUOTE) i++;
        }
        key = this.unescaped;
        ks = 0;
        ke = n;
      }
    }
    while (ks < ke && (key[ks] === SPACE || key[ks] === TAB)) ks++;
    while (ke > ks && (key[ke - 1] === SPACE || key[ke - 1] === TAB)) ke--;
    this.bytes = key;
    this.start = ks;
    this.end = ke;
  }
}
