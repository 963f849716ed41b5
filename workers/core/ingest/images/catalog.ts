/**
 * The first pass over an image source: every entry's path checked, every file's head read and sniffed, the layout
 * found (class folders or a labels CSV), each image labelled. Hostile entries stop the pass at once with the entry
 * named (links, unsafe or duplicate paths, nested archives, images declaring more pixels than the limit, more bytes
 * or classes than the limits); files that are not images and images whose header is damaged are collected, for the
 * plan to skip with consent. Reads only heads: a few kB per entry.
 */
import { macrotask } from '../../macrotask';
import { naturalOrder } from '../feature-matrix';
import { HEAD_BYTES, JPEG_HEAD_BYTES, sniff } from './header';
import { labelKey, parseLabelsCsv } from './labels-csv';
import { collisionKey, segments, unsafePath, wrapperDepth } from './paths';
import { imageProblems } from './problems';
import {
  EntryReadError,
  type ImageFormat,
  ImageIngestError,
  type ImageLayout,
  type ImageLimits,
  type ImageSource,
} from './types';

/** One image the catalog found, labelled. */
export interface CatalogImage {
  /** Index into `source.entries`. */
  entry: number;
  path: string;
  label: string;
  format: ImageFormat;
  width: number;
  height: number;
  gray: boolean;
}

export interface Catalog {
  layout: ImageLayout;
  /** Sorted by path (UTF-16 code units): the dataset's row order. */
  images: CatalogImage[];
  /** Labels in natural order. */
  classes: string[];
  labelsCsv: string | null;
  nonImages: string[];
  corrupt: Array<{ path: string; why: string }>;
}

/** Counts real inflated bytes against a limit over a whole pass. */
export class ByteBudget {
  used = 0;
  constructor(private readonly limit: number) {}
  get left(): number {
    return Math.max(0, this.limit - this.used);
  }
  add(n: number): void {
    this.used += n;
  }
}

/** Hooks into a long pass: progress and cancel, polled between entries. */
export interface PassHooks {
  onProgress?(done: number, total: number): void;
  shouldStop?(): boolean;
}

/** Reads an entry with the per-entry and whole-pass caps; a cap reached is an ImageIngestError naming the entry. */
export async function readCapped(
  source: ImageSource,
  index: number,
  limits: ImageLimits,
  budget: ByteBudget,
  head?: number,
): Promise<Uint8Array> {
  const entry = source.entries[index];
  const cap = Math.min(limits.maxEntryBytes, budget.left);
  try {
    const bytes = await entry.read(cap, head);
    budget.add(bytes.length);
    return bytes;
  } catch (error) {
    if (error instanceof EntryReadError && error.code === 'over-cap') {
      throw new ImageIngestError([
        cap < limits.maxEntryBytes
          ? imageProblems.tooManyBytes(source.name, entry.path, limits.maxTotalBytes)
          : imageProblems.entryTooLarge(source.name, entry.path, limits.maxEntryBytes),
      ]);
    }
    throw error;
  }
}

function checkEntries(source: ImageSource, limits: ImageLimits): void {
  const file = source.name;
  if (source.entries.length > limits.maxEntries) {
    throw new ImageIngestError([imageProblems.tooManyEntries(file, limits.maxEntries)]);
  }
  const seen = new Map<string, string>();
  for (const e of source.entries) {
    if (e.kind === 'symlink') throw new ImageIngestError([imageProblems.symlink(file, e.path)]);
    const why = unsafePath(e.path);
    if (why) throw new ImageIngestError([imageProblems.unsafePath(file, e.path, why)]);
    if (e.kind === 'directory') continue;
    const key = collisionKey(e.path);
    const before = seen.get(key);
    if (before !== undefined) throw new ImageIngestError([imageProblems.duplicatePath(file, before, e.path)]);
    seen.set(key, e.path);
  }
}

interface Sniffs {
  images: Array<Omit<CatalogImage, 'label'>>;
  others: number[];
  corrupt: Array<{ path: string; why: string }>;
}

async function sniffAll(source: ImageSource, limits: ImageLimits, hooks: PassHooks): Promise<Sniffs | null> {
  const file = source.name;
  const budget = new ByteBudget(limits.maxTotalBytes);
  const out: Sniffs = { images: [], others: [], corrupt: [] };
  const total = source.entries.length;
  let lastYield = performance.now();
  for (let i = 0; i < total; i++) {
    const e = source.entries[i];
    if (performance.now() - lastYield > 50) {
      // One macrotask turn lets a cancel message reach the worker; the flag is read on every entry.
      await macrotask();
      lastYield = performance.now();
      hooks.onProgress?.(i, total);
    }
    if (hooks.shouldStop?.()) return null;
    if (e.kind !== 'file') continue;
    let head: Uint8Array;
    try {
      head = await readCapped(source, i, limits, budget, HEAD_BYTES);
      let found = sniff(head, e.path);
      if (found.kind === 'broken-image' && found.format === 'jpeg' && head.length === HEAD_BYTES) {
        head = await readCapped(source, i, limits, budget, JPEG_HEAD_BYTES);
        found = sniff(head, e.path);
      }
      if (found.kind === 'archive')
        throw new ImageIngestError([imageProblems.nestedArchive(file, e.path, found.what)]);
      if (found.kind === 'other') out.others.push(i);
      else if (found.kind === 'broken-image')
        out.corrupt.push({
          path: e.path,
          why: `a damaged ${found.format.toUpperCase()} header: ${found.why}`,
        });
      else {
        if (found.width * found.height > limits.maxPixels) {
          throw new ImageIngestError([
            imageProblems.tooManyPixels(file, e.path, found.width, found.height, limits.maxPixels),
          ]);
        }
        const { width, height, gray, format } = found;
        out.images.push({ entry: i, path: e.path, format, width, height, gray });
      }
    } catch (error) {
      if (!(error instanceof EntryReadError)) throw error;
      out.corrupt.push({ path: e.path, why: error.message });
    }
  }
  hooks.onProgress?.(total, total);
  return out;
}

/** Runs the first pass; null when cancelled. Throws ImageIngestError on anything that refuses the source. */
export async function catalogSource(
  source: ImageSource,
  limits: ImageLimits,
  hooks: PassHooks = {},
): Promise<Catalog | null> {
  const file = source.name;
  checkEntries(source, limits);
  const sniffs = await sniffAll(source, limits, hooks);
  if (!sniffs) return null;
  const csvCandidates = sniffs.others.filter((i) => /\.csv$/i.test(source.entries[i].path));
  const depth = wrapperDepth(
    sniffs.images.map((im) => im.path),
    csvCandidates.map((i) => source.entries[i].path),
  );
  const topCsvs = csvCandidates.filter((i) => segments(source.entries[i].path).length === depth + 1);
  if (topCsvs.length > 1) {
    const names = topCsvs.map((i) => `"${source.entries[i].path}"`).join(' and ');
    throw new ImageIngestError([
      imageProblems.labelsCsv(
        file,
        source.entries[topCsvs[0]].path,
        `is one of several labels CSVs (${names}); keep one`,
      ),
    ]);
  }
  const csvIndex = topCsvs[0];
  const nonImages = sniffs.others.filter((i) => i !== csvIndex).map((i) => source.entries[i].path);
  const relative = (path: string) => segments(path).slice(depth).join('/');

  const images: CatalogImage[] = [];
  let labelsCsv: string | null = null;
  if (csvIndex !== undefined) {
    labelsCsv = source.entries[csvIndex].path;
    const bytes = await readCapped(source, csvIndex, limits, new ByteBudget(limits.maxEntryBytes));
    const labels = parseLabelsCsv(bytes, labelsCsv, file);
    const unlabelled: string[] = [];
    for (const im of sniffs.images) {
      const label = labels.get(labelKey(relative(im.path))) ?? labels.get(labelKey(im.path));
      if (label === undefined) unlabelled.push(im.path);
      else images.push({ ...im, label });
    }
    if (unlabelled.length)
      throw new ImageIngestError([imageProblems.unlabelled(file, labelsCsv, unlabelled)]);
  } else {
    for (const im of sniffs.images) {
      const rel = segments(relative(im.path));
      if (rel.length < 2) throw new ImageIngestError([imageProblems.noClassFolder(file, im.path)]);
      images.push({ ...im, label: rel[0] });
    }
  }
  images.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const distinct = [...new Set(images.map((im) => im.label))];
  const classes = naturalOrder(distinct).map((k) => distinct[k]);
  if (classes.length > limits.maxClasses)
    throw new ImageIngestError([imageProblems.tooManyClasses(file, limits.maxClasses)]);
  return {
    layout: labelsCsv ? 'labels-csv' : 'class-folders',
    images,
    classes,
    labelsCsv,
    nonImages,
    corrupt: sniffs.corrupt,
  };
}
