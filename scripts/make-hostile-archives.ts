/**
 * Hostile image archives, each built to trip one guard of the image import (workers/core/ingest/images/), with the
 * problem code and entry the import must name. Deterministic. The unit tests build them in memory with small
 * limits (`hostileArchives(limits)`); run directly (`npx tsx scripts/make-hostile-archives.ts`) it writes them,
 * sized for the default limits, into e2e/.generated/hostile-archives/ (git-ignored) for the hostile e2e corpus,
 * the million-entry zip (100 MB) included.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { crc32 } from '../workers/core/ingest/images/crc32';
import {
  DEFAULT_IMAGE_LIMITS,
  type ImageLimits,
  type ImageProblemCode,
} from '../workers/core/ingest/images/types';
import { encodePng, pattern } from './image-fixtures';
import { GENERATED_DIR } from './make-hostile-fixtures';
import { type CraftEntry, craftZip, emptyEntriesSource } from './zip-craft';

export interface HostileArchive {
  name: string;
  bytes: Uint8Array;
  /** The code the import must refuse it with. */
  code: ImageProblemCode;
  /** The entry the message must name, when there is one. */
  entry?: string;
}

const png = (seed: number) => encodePng(pattern(8, 8, seed, true), true);
/** Two honest classes, so each archive fails for its own reason only. */
const base = (): CraftEntry[] => [
  { name: 'Coat/a.png', data: png(1) },
  { name: 'Coat/b.png', data: png(2) },
  { name: 'Shirt/c.png', data: png(3) },
  { name: 'Shirt/d.png', data: png(4) },
];

/** A small real PNG whose IHDR is rewritten to declare `width` × `height` (a small file, a huge image). */
function pngHeader(width: number, height: number): Uint8Array {
  const real = encodePng(pattern(2, 2, 9, true), true);
  const out = Uint8Array.from(real);
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

/**
 * A valid 8 × 8 PNG padded to `size` bytes by a private ancillary chunk of zeros (decoders skip it): a real image
 * that inflates to `size` bytes from a few kB, deflated once here so the big bodies are cheap to repeat.
 */
function paddedPng(size: number): { body: Uint8Array; size: number; crc: number } {
  const real = png(20);
  const pad = size - real.length - 12;
  const data = new Uint8Array(size);
  data.set(real.subarray(0, 33));
  const view = new DataView(data.buffer);
  view.setUint32(33, pad);
  data.set(new TextEncoder().encode('prVt'), 37);
  view.setUint32(41 + pad, crc32(data.subarray(37, 41 + pad)));
  data.set(real.subarray(33), 45 + pad);
  return { body: new Uint8Array(deflateRawSync(data, { level: 9 })), size, crc: crc32(data) };
}

/** Every hostile archive, sized against `limits` (bombs just over the per-entry and total caps). */
export function hostileArchives(limits: ImageLimits = DEFAULT_IMAGE_LIMITS): HostileArchive[] {
  const bomb = paddedPng(limits.maxEntryBytes + 1024 * 1024);
  const part = paddedPng(Math.floor(limits.maxEntryBytes * 0.9));
  const parts = Math.ceil(limits.maxTotalBytes / part.size) + 1;
  const inner = craftZip([{ name: 'x.png', data: png(5) }]);
  const nfc = 'Coat/\u00e9t\u00e9.png';
  const nfd = nfc.normalize('NFD');
  const zip = (entries: CraftEntry[]) => craftZip([...base(), ...entries]);
  return [
    {
      name: 'bomb-entry.zip',
      code: 'entry-too-large',
      entry: 'Coat/bomb.png',
      bytes: zip([{ name: 'Coat/bomb.png', deflated: bomb }]),
    },
    {
      name: 'bomb-lying-size.zip',
      code: 'corrupt-image',
      entry: 'Coat/bomb.png',
      bytes: zip([{ name: 'Coat/bomb.png', deflated: bomb, declaredSize: 1000 }]),
    },
    {
      name: 'bomb-total.zip',
      code: 'too-many-bytes',
      bytes: zip(
        Array.from({ length: parts }, (_, i) => ({
          name: `Shirt/part${String(i).padStart(4, '0')}.png`,
          deflated: part,
        })),
      ),
    },
    {
      name: 'overlapping-entries.zip',
      code: 'overlapping-entries',
      entry: 'Shirt/again.png',
      bytes: zip([{ name: 'Shirt/again.png', sameOffsetAs: 2 }]),
    },
    {
      name: 'nested-zip.zip',
      code: 'nested-archive',
      entry: 'Coat/inner.zip',
      bytes: zip([{ name: 'Coat/inner.zip', data: inner }]),
    },
    {
      name: 'nested-disguised.zip',
      code: 'nested-archive',
      entry: 'Coat/e.png',
      bytes: zip([{ name: 'Coat/e.png', data: new Uint8Array(gzipSync(png(6))) }]),
    },
    {
      name: 'absolute-path.zip',
      code: 'unsafe-path',
      entry: '/etc/passwd.png',
      bytes: zip([{ name: '/etc/passwd.png', data: png(7) }]),
    },
    {
      name: 'dot-dot.zip',
      code: 'unsafe-path',
      entry: 'Coat/../../evil.png',
      bytes: zip([{ name: 'Coat/../../evil.png', data: png(7) }]),
    },
    {
      name: 'drive-letter.zip',
      code: 'unsafe-path',
      entry: 'C:\\evil.png',
      bytes: zip([{ name: 'C:\\evil.png', data: png(7) }]),
    },
    {
      name: 'symlink.zip',
      code: 'symlink',
      entry: 'Coat/link.png',
      bytes: zip([
        { name: 'Coat/link.png', data: new TextEncoder().encode('/etc/passwd'), unixMode: 0o120777 },
      ]),
    },
    {
      name: 'duplicate-path.zip',
      code: 'duplicate-path',
      entry: 'Coat/a.png',
      bytes: zip([{ name: 'Coat/a.png', data: png(8) }]),
    },
    {
      name: 'duplicate-case.zip',
      code: 'duplicate-path',
      entry: 'coat/A.png',
      bytes: zip([{ name: 'coat/A.png', data: png(8) }]),
    },
    {
      name: 'duplicate-unicode.zip',
      code: 'duplicate-path',
      entry: nfd,
      bytes: zip([
        { name: nfc, data: png(8) },
        { name: nfd, data: png(9) },
      ]),
    },
    {
      name: 'non-image.zip',
      code: 'not-an-image',
      entry: 'Coat/notes.txt',
      bytes: zip([{ name: 'Coat/notes.txt', data: new TextEncoder().encode('hello') }]),
    },
    {
      name: 'corrupt-image.zip',
      code: 'corrupt-image',
      entry: 'Coat/cut.png',
      bytes: zip([{ name: 'Coat/cut.png', data: png(10).subarray(0, 60) }]),
    },
    {
      name: 'pixel-bomb.zip',
      code: 'too-many-pixels',
      entry: 'Coat/huge.png',
      bytes: zip([{ name: 'Coat/huge.png', data: pngHeader(100_000, 100_000) }]),
    },
    { name: 'single-class.zip', code: 'single-class', bytes: craftZip(base().slice(0, 2)) },
    {
      name: 'no-class-folder.zip',
      code: 'no-class-folder',
      entry: 'loose.png',
      bytes: zip([{ name: 'loose.png', data: png(11) }]),
    },
    {
      name: 'encrypted.zip',
      code: 'encrypted-entry',
      entry: 'Coat/secret.png',
      bytes: zip([{ name: 'Coat/secret.png', data: png(12), method: 0, flags: 1 }]),
    },
    {
      name: 'unknown-method.zip',
      code: 'unsupported-compression',
      entry: 'Coat/x.png',
      bytes: zip([{ name: 'Coat/x.png', data: png(13), method: 12 }]),
    },
    { name: 'not-a-zip.zip', code: 'not-an-archive', bytes: png(14) },
    { name: 'truncated.zip', code: 'not-an-archive', bytes: craftZip(base()).subarray(0, 300) },
  ];
}

/** The million-entry archive, as bytes (100 MB): written by the script only. */
export async function millionEmptyEntries(): Promise<Uint8Array> {
  const src = emptyEntriesSource(1_000_000);
  return src.read(0, src.size);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.join(GENERATED_DIR, 'hostile-archives');
  mkdirSync(dir, { recursive: true });
  const all = [
    ...hostileArchives(),
    { name: 'million-empty-entries.zip', code: 'too-many-entries', bytes: await millionEmptyEntries() },
  ];
  for (const a of all) {
    writeFileSync(path.join(dir, a.name), a.bytes);
    console.log(`${a.name}: ${a.bytes.length} bytes, refused as ${a.code}`);
  }
}
