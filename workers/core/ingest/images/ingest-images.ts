/**
 * Image ingestion (issue 11): preview (the catalog pass and a proposed plan) and import (every image read in full
 * under the caps, hashed, decoded by the given decoder, brought to the plan's shape). Source-agnostic: a zip and a
 * dropped folder arrive as the same entry list (`ImageSource`), and the decoder is the browser's or Node's.
 */
import { macrotask } from '../../macrotask';
import { sha256Into, toHex } from '../sha256';
import { ByteBudget, type Catalog, catalogSource, type PassHooks, readCapped } from './catalog';
import { sniff } from './header';
import { toShape } from './pixels';
import { imageProblems } from './problems';
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
  hooks: PassHooks = {},
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
      images: 0,
      classes: [],
      classCounts: [],
      sizes: [],
      allGray: false,
      nonImages: [],
      corrupt: [],
      suggested: { shape: suggestShape([], false), skipNonImages: false, skipCorrupt: false },
      problems: error.problems,
    };
  }
  if (!catalog) return null;
  const sizes = sizeCounts(catalog);
  const allGray = catalog.images.length > 0 && catalog.images.every((im) => im.gray);
  const classCounts = catalog.classes.map(() => 0);
  const code = new Map(catalog.classes.map((c, k) => [c, k]));
  for (const im of catalog.images) classCounts[code.get(im.label) ?? 0]++;
  return {
    name: source.name,
    bytes: source.bytes,
    layout: catalog.layout,
    images: catalog.images.length,
    classes: catalog.classes,
    classCounts,
    sizes,
    allGray,
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
 * Imports every image of `source` under `plan`: read in full (capped), hashed, decoded, brought to the plan's shape.
 * Resolves null when cancelled; throws ImageIngestError with every problem that refuses the import (nothing is kept).
 */
export async function ingestImages(
  source: ImageSource,
  plan: ImagePlan,
  limits: ImageLimits,
  decoder: ImageDecoder,
  onProgress: (p: ImageIngestProgress) => void = () => {},
  shouldStop: () => boolean = () => false,
): Promise<ImageDataset | null> {
  checkShape(plan.shape);
  const t0 = performance.now();
  const name = source.name;
  const progress = (phase: ImageIngestProgress['phase']) => (done: number, total: number) =>
    onProgress({ phase, done, total, elapsedMs: performance.now() - t0 });
  const catalog = await catalogSource(source, limits, { onProgress: progress('scan'), shouldStop });
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
  for (let r = 0; r < n; r++) {
    const im = catalog.images[r];
    if (performance.now() - lastYield > 50) {
      await macrotask();
      lastYield = performance.now();
      report(r, n);
    }
    if (shouldStop()) return null;
    let why: string | null = null;
    try {
      const bytes = await readCapped(source, im.entry, limits, budget);
      const header = sniff(bytes, im.path);
      if (header.kind !== 'image' || header.width !== im.width || header.height !== im.height) {
        why = 'its header changed between reads';
      } else {
        const raw = await decoder.decode(bytes, im.format);
        if (raw.width !== im.width || raw.height !== im.height) {
          why = `it decodes to ${raw.width} × ${raw.height} pixels where its header says ${im.width} × ${im.height}`;
        } else {
          sha256Into(bytes, 0, bytes.length, fileSha256, keep.length * 32);
          toShape(raw, shape, pixels, keep.length * per);
          fileBytes[keep.length] = bytes.length;
          nativeWidth[keep.length] = im.width;
          nativeHeight[keep.length] = im.height;
          keep.push(r);
        }
      }
    } catch (error) {
      if (error instanceof ImageIngestError) throw error;
      why =
        error instanceof EntryReadError
          ? error.message
          : `it does not decode as ${im.format.toUpperCase()}: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (why !== null) {
      if (!plan.skipCorrupt)
        throw new ImageIngestError([imageProblems.corruptImage(name, im.path, why, false)]);
      warnings.push(imageProblems.corruptImage(name, im.path, why, true));
      skipped.push({ path: im.path, reason: why });
    }
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
    sha256: source.sha256 ? await source.sha256() : listingDigest(ids, trimmedSha),
    layout: catalog.layout,
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
