/** Tar bytes written block by block for the tar reader's tests (ustar: name at 0, size in octal at 124, type at 156,
 * link name at 157, "ustar" at 257, prefix at 345). */

/** A ustar header block: `name`, an octal size field written as `size`, type `type`, `prefix`, link target `link`. */
export function header(name: string, size: string, type = '0', prefix = '', link = ''): Uint8Array {
  const h = new Uint8Array(512);
  const enc = new TextEncoder();
  h.set(enc.encode(name), 0);
  h.set(enc.encode(size), 124);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode(link), 157);
  h.set(enc.encode('ustar\u000000'), 257);
  h.set(enc.encode(prefix), 345);
  return h;
}

/** A data block holding `text`, NUL-padded to 512 bytes. */
export const block = (text = '') => {
  const b = new Uint8Array(512);
  b.set(new TextEncoder().encode(text));
  return b;
};

export const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** A member holding `bytes`: its header, then its data padded to whole blocks. */
export function member(name: string, bytes: Uint8Array, type = '0'): Uint8Array {
  const data = new Uint8Array(Math.ceil(bytes.length / 512) * 512);
  data.set(bytes);
  return join(header(name, bytes.length.toString(8), type), data);
}
