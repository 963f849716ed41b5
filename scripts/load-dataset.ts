/**
 * The scan's one way to load a dataset from a path: a CSV, an image zip (told by its first bytes) or a folder of
 * class folders, each through the same core as the browser (CSV ingest; image catalog, caps and decode, with the
 * Node decoders of image-decoder.ts). Returns what training, scoring, scores.csv and the manifest need, whatever
 * the kind; bad input comes back as messages naming the file (and the line, column or entry).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { imageTrainingData } from '../workers/core/ingest/images/dataset';
import { type FolderFile, folderSource } from '../workers/core/ingest/images/folder';
import { ingestImages, previewImages } from '../workers/core/ingest/images/ingest-images';
import {
  type ByteSource,
  DEFAULT_IMAGE_LIMITS,
  type ImageDataset,
  ImageIngestError,
  type ImagePlan,
  type ImageSource,
} from '../workers/core/ingest/images/types';
import { zipSource } from '../workers/core/ingest/images/zip';
import { IngestError, ingestCsv } from '../workers/core/ingest/ingest';
import type { ColumnPlan, IngestedDataset, Problem } from '../workers/core/ingest/types';
import type { ManifestInput } from '../workers/core/manifest/build';
import { sha256Hex } from '../workers/core/manifest/hash';
import type { TrainingData } from '../workers/core/train/types';
import { nodeImageDecoder } from './image-decoder';

/** A loaded dataset, CSV or images, as the scan uses it. */
export interface LoadedDataset {
  kind: 'csv' | 'images';
  fileName: string;
  rows: number;
  /** Row ids: the id column (or `row-<n>`) of a CSV, each image's path inside the zip or folder. */
  ids: string[];
  labels: Int32Array;
  classes: string[];
  /** Hex SHA-256 of the file (a folder: of its listing). */
  sha256: string;
  labelColumn: string;
  idColumn: string | null;
  /** rows × 32 bytes: each row's (CSV) or file's (images) SHA-256. */
  rowSha256: Uint8Array;
  training: TrainingData;
  /** The manifest's dataset block. */
  manifest: ManifestInput['dataset'];
  /** Warnings as sentences for the analyst. */
  warnings: string[];
  /** One line describing what was read. */
  summary: string;
  csv?: IngestedDataset;
  images?: ImageDataset;
}

/** What a scan may choose about loading. */
export interface LoadOptions {
  label: string | null;
  id: string | null;
  /** CSV columns to leave out (neither label, id nor feature). */
  exclude?: string[];
  /** Non-numeric CSV columns to one-hot encode. */
  oneHot?: string[];
  /** Image datasets: skip files that are not images and images that do not decode (listed as warnings). */
  skipBadImages?: boolean;
}

export type LoadResult = { ok: true; dataset: LoadedDataset } | { ok: false; problems: string[] };

function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
}

/** A file on disk as a ByteSource (random access, never read whole). */
async function fileSource(path: string): Promise<{ src: ByteSource; close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const size = (await handle.stat()).size;
  return {
    src: {
      size,
      async read(offset, length) {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = new Uint8Array(n);
        await handle.read(buf, 0, n, offset);
        return buf;
      },
    },
    close: () => handle.close(),
  };
}

function folderFiles(dir: string): FolderFile[] {
  const out: FolderFile[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const size = statSync(full).size;
        out.push({
          path: relative(dir, full).split(sep).join('/'),
          size,
          read: async (offset, length) =>
            new Uint8Array(readFileSync(full).subarray(offset, offset + length)),
        });
      }
    }
  };
  walk(dir);
  return out;
}

async function loadImages(source: ImageSource, options: LoadOptions): Promise<LoadResult> {
  const named = [...(options.exclude ?? []), ...(options.oneHot ?? [])];
  if (named.length) {
    return {
      ok: false,
      problems: [
        `${source.name} is a set of images, which has no columns: --exclude and --one-hot apply to CSV files ` +
          `(got ${named.map((c) => `"${c}"`).join(', ')}).`,
      ],
    };
  }
  const limits = DEFAULT_IMAGE_LIMITS;
  const preview = await previewImages(source, limits);
  if (!preview) return { ok: false, problems: ['cancelled'] };
  const skip = options.skipBadImages ?? false;
  const stopping = preview.problems.filter(
    (p) => !(skip && (p.code === 'not-an-image' || p.code === 'corrupt-image')),
  );
  if (stopping.length) return { ok: false, problems: stopping.map((p) => p.message) };
  const plan: ImagePlan = { ...preview.suggested, skipNonImages: skip, skipCorrupt: skip };
  let ds: ImageDataset | null;
  try {
    ds = await ingestImages(source, plan, limits, nodeImageDecoder());
  } catch (error) {
    if (error instanceof ImageIngestError)
      return { ok: false, problems: error.problems.map((p) => p.message) };
    throw error;
  }
  if (!ds) return { ok: false, problems: ['cancelled'] };
  const { height, width, channels } = ds.shape;
  const labelColumn = ds.layout === 'class-folders' ? 'class folder' : 'label';
  return {
    ok: true,
    dataset: {
      kind: 'images',
      fileName: source.name,
      rows: ds.rows,
      ids: ds.ids,
      labels: ds.labels,
      classes: ds.classes,
      sha256: ds.sha256,
      labelColumn,
      idColumn: 'path',
      rowSha256: ds.fileSha256,
      training: imageTrainingData(ds),
      manifest: {
        name: source.name.replace(/\.zip$/i, ''),
        sha256: ds.sha256,
        labelColumn,
        idColumn: 'path',
        images: { layout: ds.layout, height, width, channels },
        classes: ds.classes,
      },
      warnings: ds.warnings.map((w) => w.message),
      summary:
        `${source.name}: ${ds.rows} images of ${ds.classes.length} classes (${ds.layout === 'class-folders' ? 'class folders' : 'labels CSV'}), ` +
        `decoded to ${height} × ${width} × ${channels}`,
      images: ds,
    },
  };
}

/** A column name as the shell takes it: bare when plain, else in single quotes. */
function shellWord(name: string): string {
  return /^[\w.-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The ingest core's message, with the scan's options for a non-numeric column (the app has its import form). */
function withScanHint(p: Problem): string {
  if (p.code !== 'non-numeric' || p.column === undefined) return p.message;
  const column = shellWord(p.column);
  return `${p.message} In the scan: --one-hot ${column} (one 0/1 feature per value) or --exclude ${column}.`;
}

function loadCsv(bytes: Uint8Array, fileName: string, options: LoadOptions): LoadResult {
  const plan: Partial<ColumnPlan> = {};
  if (options.label !== null) plan.labelColumn = options.label;
  if (options.id !== null) plan.idColumn = options.id;
  if (options.exclude?.length) plan.excluded = options.exclude;
  if (options.oneHot?.length) plan.oneHot = options.oneHot;
  let ds: IngestedDataset;
  try {
    ds = ingestCsv(bytes, fileName, plan);
  } catch (error) {
    if (!(error instanceof IngestError)) throw error;
    return { ok: false, problems: error.problems.map(withScanHint) };
  }
  return {
    ok: true,
    dataset: {
      kind: 'csv',
      fileName,
      rows: ds.rows,
      ids: ds.ids,
      labels: ds.labels,
      classes: ds.classes,
      sha256: ds.sha256,
      labelColumn: ds.labelColumn,
      idColumn: ds.idColumn,
      rowSha256: ds.rowSha256,
      training: {
        features: ds.features,
        featureCount: ds.featureNames.length,
        labels: ds.labels,
        classCount: ds.classes.length,
      },
      manifest: {
        name: fileName.replace(/\.csv$/i, ''),
        sha256: ds.sha256,
        labelColumn: ds.labelColumn,
        idColumn: ds.idColumn,
        headerSha256: sha256Hex(bytes.subarray(0, ds.headerEnd)),
        classes: ds.classes,
      },
      warnings: ds.warnings.map((w) => w.message),
      summary:
        `${fileName}: ${ds.rows} rows × ${ds.featureNames.length} features, ${ds.classes.length} classes ` +
        `(label "${ds.labelColumn}", id ${ds.idColumn ? `"${ds.idColumn}"` : 'row-<n>'})`,
      csv: ds,
    },
  };
}

/** Loads the CSV, image zip or image folder at `path`. */
export async function loadDataset(path: string, options: LoadOptions): Promise<LoadResult> {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    return {
      ok: false,
      problems: [`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  const fileName = basename(path);
  if (isDir) return loadImages(folderSource(fileName, folderFiles(path)), options);
  const file = await fileSource(path);
  try {
    const head = await file.src.read(0, 4);
    if (isZip(head)) {
      let source: ImageSource;
      try {
        source = await zipSource(file.src, fileName, DEFAULT_IMAGE_LIMITS.maxEntries, async () =>
          sha256Hex(new Uint8Array(readFileSync(path))),
        );
      } catch (error) {
        if (error instanceof ImageIngestError)
          return { ok: false, problems: error.problems.map((p) => p.message) };
        throw error;
      }
      return await loadImages(source, options);
    }
  } finally {
    await file.close();
  }
  return loadCsv(new Uint8Array(readFileSync(path)), fileName, options);
}
