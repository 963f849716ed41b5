/**
 * Image ingestion (issue 11): preview (the catalog pass and a proposed plan) and import (every image read in full
 * under the caps, hashed, decoded by the given decoder, brought to the plan's shape). Source-agnostic: a zip and a
 * dropped folder arrive as the same entry list (`ImageSource`), and the decoder is the browser's or Node's.
 */
import { errorText } from '../../error-text';
import { macrotask } from '../../macrotask';
import { sha256Into, toHex } from '../sha256';
import { ByteBudget, type Catalog, catalogSource, type PassHooks, readCapped } from './catalog';
import { sniff } from './header';
import { toShape } from './pixels';
import { imageProblems } from './problems';
import { StageClock } from './stages';
import {
  EntryReadError,
  type ImageDataset,
  type ImageDecoder,
  ImageIngestError,
  type ImageIngestProgress,
  type ImageLimits,
  type ImagePlan,
  type ImagePreview,
  type ImageProblem,
  type ImageShape,
  type ImageSource,
  type RawImage,
} from './types';

/** Largest side of the default shape, and the side images are brought to when any is larger. */
export const DEFAULT_IMAGE_SIDE = 64;

/**
 * The default shape: the most common native size when every image is at most 64 × 64, else 64 × 64; one channel
 * when every image's header declares grey levels only, else three.
 */
export function suggestShape(sizes: ImagePreview['sizes'], allGray: boolean): ImageShape {
  const small = sizes.every((s) => s.width <= DEFAULT_IMAGE_SIDE && s.height <= DEFAULT_IMAGE_SIDE);
  const common = sizes[0];
  return {
    height: small && common ? common.height : DEFAULT_IMAGE_SIDE,
    width: small && common ? common.width : DEFAULT_IMAGE_SIDE,
    channels: allGray ? 1 : 3,
  };
}

function sizeCounts(catalog: Catalog): ImagePreview['sizes'] {
  const counts = new Map<string, { width: number; height: number; count: number }>();
  for (const im of catalog.images) {
    const key = `${im.width}x${im.height}`;
    const c = counts.get(key) ?? { width: im.width, height: im.height, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || b.width * b.height - a.width * a.height);
}

/** Errors that stop an import of this catalog under `plan` (null plan: as the preview sees it, nothing skipped). */
function planProblems(name: string, catalog: Catalog, plan: ImagePlan | null): ImageProblem[] {
  const problems: ImageProblem[] = [];
  const skipNon = plan?.skipNonImages ?? false;
  const skipCorrupt = plan?.skipCorrupt ?? false;
  if (catalog.nonImages.length) problems.push(imageProblems.notImages(name, catalog.nonImages, skipNon));
  for (const c of catalog.corrupt.slice(0, 20)) {
    problems.push(imageProblems.corruptImage(name, c.path, c.why, skipCorrupt));
  }
  if (catalog.images.length === 0) problems.push(imageProblems.noImages(name));
  else if (catalog.classes.length === 1) problems.push(imageProblems.singleClass(name, catalog.classes[0]));
  return problems;
}

/** Reads the source's catalog and proposes a plan; never rejects for a bad source (problems are in the result). */
export async function previewImages(
  source: ImageSource,
  limits: ImageLimits,
  hooks: PassHooks & { onCatalog?(catalog: Catalog): void } = {},
): Promise<ImagePreview | null> {
  let catalog: Catalog | null;
  try {
    catalog = await catalogSource(source, limits, hooks);
  } catch (error) {
    if (!(error instanceof ImageIngestError)) throw error;
    return {
      name: source.name,
      bytes: source.bytes,
      layout: 'class-folders',
      labelsCsv: null,
      images: 0,
      classes: [],
      classCounts: [],
      sizes: [],
      allGray: false,
      colourImages: 0,
      nonImages: [],
      corrupt: [],
      suggested: { shape: suggestShape([], false), skipNonImages: false, skipCorrupt: false },
      problems: error.problems,
    };
  }
  if (!catalog) return null;
  hooks.onCatalog?.(catalog);
  const sizes = sizeCounts(catalog);
  const colourImages = catalog.images.filter((im) => !im.gray).length;
  const allGray = catalog.images.length > 0 && colourImages === 0;
  const classCounts = catalog.classes.map(() => 0);
  const code = new Map(catalog.classes.map((c, k) => [c, k]));
  for (const im of catalog.images) classCounts[code.get(im.label) ?? 0]++;
  return {
    name: source.name,
    bytes: source.bytes,
    layout: catalog.layout,
    labelsCsv: catalog.labelsCsv,
    images: catalog.images.length,
    classes: catalog.classes,
    classCounts,
    sizes,
    allGray,
    colourImages,
    nonImages: catalog.nonImages,
    corrupt: catalog.corrupt.map((c) => c.path),
    suggested: { shape: suggestShape(sizes, allGray), skipNonImages: false, skipCorrupt: false },
    problems: planProblems(source.name, catalog, null).filter((p) => p.severity === 'error'),
  };
}

/** SHA-256 of a folder: over its listing, one `<hex sha256>  <path>\n` line per image in row order (as sha256sum). */
export function listingDigest(ids: readonly string[], fileSha256: Uint8Array): string {
  const text = ids.map((id, r) => `${toHex(fileSha256, r * 32, r * 32 + 32)}  ${id}\n`).join('');
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(32);
  sha256Into(bytes, 0, bytes.length, out, 0);
  return toHex(out);
}

function checkShape(shape: ImageShape): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1024;
  if (!ok(shape.width) || !ok(shape.height) || (shape.channels !== 1 && shape.channels !== 3)) {
    throw new RangeError(
      `The image shape must be 1–1024 pixels a side with 1 or 3 channels, got ${shape.width} × ${shape.height} × ${shape.channels}.`,
    );
  }
}

/**
 * Decodes in flight at once: the browser's decoders (ImageDecoder, createImageBitmap) answer asynchronously, so a
 * sliding window of decodes keeps their threads busy while this one reads, inflates and hashes the next entries.
 */
export const DECODE_WINDOW = 32;

/** Whether a catalog made earlier (the preview's) still describes `source`: the same entries at the same places. */
export function catalogFits(source: ImageSource, catalog: Catalog): boolean {
  return catalog.images.every((im) => source.entries[im.entry]?.path === im.path);
}

/** One image read and checked, waiting for its decode. */
interface Pending {
  r: number;
  bytes: Uint8Array | null;
  why: string | null;
  decoded?: Promise<RawImage>;
}

/**
 * Imports every image of `source` under `plan`: read in full (capped), hashed, decoded, brought to the plan's shape.
 * `known`: the preview's catalog of the same source, reused when it still fits (else the catalog pass runs again).
 * Resolves null when cancelled; throws ImageIngestError with every problem that refuses the import (nothing is kept).
 * `clock`: where each stage's time is added (catalog, inflate, header, decode, shape, sha256).
 */
export async function ingestImages(
  source: ImageSource,
  plan: ImagePlan,
  limits: ImageLimits,
  decoder: ImageDecoder,
  onProgress: (p: ImageIngestProgress) => void = () => {},
  shouldStop: () => boolean = () => false,
  known?: Catalog,
  clock: StageClock = new StageClock(),
): Promise<ImageDataset | null> {
  checkShape(plan.shape);
  const t0 = performance.now();
  const name = source.name;
  const progress = (phase: ImageIngestProgress['phase']) => (done: number, total: number) =>
    onProgress({ phase, done, total, elapsedMs: performance.now() - t0 });
  const catalog =
    known && catalogFits(source, known)
      ? known
      : await clock.time('catalog', () =>
          catalogSource(source, limits, { onProgress: progress('scan'), shouldStop }),
        );
  if (!catalog) return null;
  const refusals = planProblems(name, catalog, plan);
  if (refusals.some((p) => p.severity === 'error'))
    throw new ImageIngestError(refusals.filter((p) => p.severity === 'error'));
  const warnings = refusals;
  const skipped: ImageDataset['skipped'] = [
    ...catalog.nonImages.map((path) => ({ path, reason: 'not an image' })),
    ...catalog.corrupt.map((c) => ({ path: c.path, reason: c.why })),
  ];

  const { shape } = plan;
  const per = shape.height * shape.width * shape.channels;
  const n = catalog.images.length;
  const pixels = new Uint8Array(n * per);
  const fileSha256 = new Uint8Array(n * 32);
  const fileBytes = new Float64Array(n);
  const nativeWidth = new Uint32Array(n);
  const nativeHeight = new Uint32Array(n);
  const keep: number[] = [];
  const budget = new ByteBudget(limits.maxTotalBytes);
  const report = progress('decode');
  let lastYield = performance.now();

  const refuse = (path: string, why: string) => {
    if (!plan.skipCorrupt) throw new ImageIngestError([imageProblems.corruptImage(name, path, why, false)]);
    warnings.push(imageProblems.corruptImage(name, path, why, true));
    skipped.push({ path, reason: why });
  };
  const failure = (error: unknown, format: string) => {
    if (error instanceof ImageIngestError) throw error;
    return error instanceof EntryReadError
      ? error.message
      : `it does not decode as ${format.toUpperCase()}: ${errorText(error)}`;
  };

  /** Reads and checks row `r`'s image and hands it to the decoder, which works on it while the next are read. */
  const begin = async (r: number): Promise<Pending> => {
    const im = catalog.images[r];
    const pending: Pending = { r, bytes: null, why: null };
    try {
      const bytes = await clock.time('inflate', () => readCapped(source, im.entry, limits, budget));
      const header = clock.timeSync('header', () => sniff(bytes, im.path));
      if (header.kind !== 'image' || header.width !== im.width || header.height !== im.height) {
        pending.why = 'its header changed between reads';
      } else {
        pending.bytes = bytes;
        pending.decoded = clock.timeSync('decode', () => decoder.decode(bytes, im.format));
        // Settled here too, so a rejection waiting behind an earlier refusal is never unhandled.
        pending.decoded.catch(() => undefined);
      }
    } catch (error) {
      pending.why = failure(error, im.format);
    }
    return pending;
  };
  /** Waits for a decode and keeps the image (hash, pixels, sizes), or refuses it. */
  const finish = async (pending: Pending): Promise<void> => {
    const im = catalog.images[pending.r];
    let why = pending.why;
    if (why === null && pending.bytes && pending.decoded) {
      try {
        const decoded = pending.decoded;
        const raw = await clock.time('decode', () => decoded);
        if (raw.width !== im.width || raw.height !== im.height) {
          why = `it decodes to ${raw.width} × ${raw.height} pixels where its header says ${im.width} × ${im.height}`;
        } else {
          const bytes = pending.bytes;
          const at = keep.length;
          clock.timeSync('sha256', () => sha256Into(bytes, 0, bytes.length, fileSha256, at * 32));
          clock.timeSync('shape', () => toShape(raw, shape, pixels, at * per));
          fileBytes[at] = bytes.length;
          nativeWidth[at] = im.width;
          nativeHeight[at] = im.height;
          keep.push(pending.r);
        }
      } catch (error) {
        why = failure(error, im.format);
      }
    }
    if (why !== null) refuse(im.path, why);
  };

  // A sliding window: DECODE_WINDOW decodes in flight at all times, results taken in row order, so rows stay in
  // path order whatever order the decodes finish in.
  const inFlight: Pending[] = [];
  for (let next = 0, done = 0; done < n; done++) {
    if (performance.now() - lastYield > 50) {
      await macrotask();
      lastYield = performance.now();
      report(done, n);
    }
    if (shouldStop()) return null;
    while (next < n && inFlight.length < DECODE_WINDOW) inFlight.push(await begin(next++));
    const head = inFlight.shift();
    if (head) await finish(head);
  }
  report(n, n);
  const rows = keep.length;
  const kept = keep.map((r) => catalog.images[r]);
  const present = new Set(kept.map((im) => im.label));
  const classes = catalog.classes.filter((c) => present.has(c));
  if (rows === 0) throw new ImageIngestError([imageProblems.noImages(name)]);
  if (classes.length < 2) throw new ImageIngestError([imageProblems.singleClass(name, classes[0])]);
  const code = new Map(classes.map((c, k) => [c, k]));
  const ids = kept.map((im) => im.path);
  const trimmedSha = fileSha256.slice(0, rows * 32);
  return {
    kind: 'images',
    name,
    bytes: source.bytes,
    sha256: await clock.time('archiveSha256', async () =>
      source.sha256 ? await source.sha256() : listingDigest(ids, trimmedSha),
    ),
    layout: catalog.layout,
    labelsCsv: catalog.labelsCsv,
    sizes: sizeCounts({ ...catalog, images: kept }),
    shape: { ...shape },
    rows,
    pixels: rows === n ? pixels : pixels.slice(0, rows * per),
    labels: Int32Array.from(kept, (im) => code.get(im.label) ?? -1),
    classes,
    ids,
    fileSha256: trimmedSha,
    fileBytes: fileBytes.slice(0, rows),
    nativeWidth: nativeWidth.slice(0, rows),
    nativeHeight: nativeHeight.slice(0, rows),
    skipped,
    warnings,
  };
}
