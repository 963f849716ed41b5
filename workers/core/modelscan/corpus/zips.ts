/** Malformed zips for the corpus: bombs, overlapping entries and duplicate names, patched into real archives. */
import { strToU8, zipSync } from 'fflate';
import { FIXED_TIME } from './time';

/** Byte offsets of the central-directory entries of a zip that fflate wrote. */
function central(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x01 && bytes[i + 3] === 0x02)
      out.push(i);
  }
  return out;
}

function setU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);
}

/** `declared`: config.json declares 512 MiB while storing a few hundred bytes; `inflates`: it inflates (1 MiB of
 * zeros) past the 1,000 bytes it declares. */
export function bombZip(kind: 'declared' | 'inflates'): Uint8Array {
  const zeros = new Uint8Array(1 << 20);
  const zip = zipSync(
    { 'config.json': zeros, 'metadata.json': strToU8('{}') },
    { level: 9, mtime: FIXED_TIME },
  );
  const [entry] = central(zip);
  const size = kind === 'declared' ? 512 * 1024 ** 2 : 1000;
  setU32(zip, (entry as number) + 24, size);
  // The local header repeats the size; keep them equal as a careful bomb would.
  setU32(zip, 22, size);
  return zip;
}

/** Two entries whose central directory records point at the same local data. */
export function overlappingZip(): Uint8Array {
  const zip = zipSync(
    { 'config.json': strToU8('{"class_name":"Sequential","config":{}}'), 'metadata.json': strToU8('{}') },
    { level: 0, mtime: FIXED_TIME },
  );
  const [first, second] = central(zip) as [number, number];
  const firstOffset = new DataView(zip.buffer).getUint32(first + 42, true);
  setU32(zip, second + 42, firstOffset);
  return zip;
}

/** Two entries named config.json (the second's name patched in place). */
export function duplicateZip(): Uint8Array {
  const zip = zipSync(
    { 'config.json': strToU8('{}'), configXjson: strToU8('{"class_name":"Sequential"}') },
    { level: 0, mtime: FIXED_TIME },
  );
  const text = 'configXjson';
  for (let i = 0; i + text.length <= zip.length; i++) {
    if (String.fromCharCode(...zip.subarray(i, i + text.length)) === text) zip[i + 6] = 0x2e;
  }
  return zip;
}
