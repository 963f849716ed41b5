/**
 * The contract of image ingestion (issue 11): where the bytes come from (a zip or a folder, behind one entry list),
 * the limits enforced while they stream, the analyst's plan, and the image dataset the rest of Sift sees.
 * Pure data: typed arrays and plain objects that cross a worker boundary by structured clone / transfer.
 */

/** Random access to the bytes of one file (a zip): a Blob in the browser, a file or a buffer in Node. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What an entry is, as its archive or file system says. */
export type EntryKind = 'file' | 'directory' | 'symlink';

/**
 * One entry of an image source, whatever holds it: a zip entry or a file of a dropped folder. `path` is the
 * entry's path inside the zip or folder as written there (`/`-separated for folders); it becomes the sample's id.
 */
export interface SourceEntry {
  path: string;
  kind: EntryKind;
  /** The size the source declares (a zip's central directory, a File's size): shown, never trusted. */
  declaredBytes: number;
  /**
   * The entry's bytes, inflating at most `maxBytes` real bytes (an EntryReadError past that, or when the entry is
   * corrupt or truncated). With `head`, stops after the first `head` bytes without error.
   */
  read(maxBytes: number, head?: number): Promise<Uint8Array>;
}

/** Why one entry could not be read; `code` tells a cap from damage. */
export class EntryReadError extends Error {
  constructor(
    readonly code: 'over-cap' | 'corrupt',
    message: string,
  ) {
    super(message);
    this.name = 'EntryReadError';
  }
}

/** An image source: its name (the zip's file name or the folder's), and its entries. */
export interface ImageSource {
  name: string;
  /** The zip's size, or the folder's files' sizes added up. */
  bytes: number;
  entries: SourceEntry[];
  /** Hex SHA-256 of the zip's bytes; absent for a folder, whose digest is over its listing (`listingDigest`). */
  sha256?(): Promise<string>;
}

/** Image formats Sift reads (GIF: the first frame). */
export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp';

/** A decoded image at its native size: RGBA, 8 bits a channel, row-major, not premultiplied. */
export interface RawImage {
  width: number;
  height: number;
  rgba: Uint8Array | Uint8ClampedArray;
}

/**
 * Turns one file's bytes into pixels: `createImageBitmap` + `OffscreenCanvas` in the browser's ingest worker,
 * pure-JS decoders in Node. Rejects on a file it cannot decode. Called only after the header's dimensions were
 * checked against the pixel limit.
 */
export interface ImageDecoder {
  decode(bytes: Uint8Array, format: ImageFormat): Promise<RawImage>;
}

/** The size and channel count every image is brought to; pixels are stored H × W × C, row-major. */
export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Size limits, enforced while streaming: a hostile archive stops early and nothing is stored. */
export interface ImageLimits {
  /** Entries in the archive or folder (directories included). */
  maxEntries: number;
  /** Real inflated bytes of one entry. */
  maxEntryBytes: number;
  /** Real inflated bytes of all entries together. */
  maxTotalBytes: number;
  /** Width × height one image may declare in its header (checked before it is decoded). */
  maxPixels: number;
  maxClasses: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxEntries: 250_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxPixels: 25_000_000,
  maxClasses: 1_000,
};

/** Where the labels come from. */
export type ImageLayout = 'class-folders' | 'labels-csv';

/** The analyst's choices for an import, proposed by the preview and confirmed in the import form. */
export interface ImagePlan {
  shape: ImageShape;
  /** Leave out files that are not images (listed in the preview) instead of refusing the import. */
  skipNonImages: boolean;
  /** Leave out images that do not decode (named in the preview or while importing) instead of refusing. */
  skipCorrupt: boolean;
}

/** Everything that can be wrong with an image source. Each code has one message builder in `problems.ts`. */
export type ImageProblemCode =
  | 'not-an-archive'
  | 'archive-corrupt'
  | 'unsupported-archive'
  | 'too-many-entries'
  | 'entry-too-large'
  | 'too-many-bytes'
  | 'overlapping-entries'
  | 'encrypted-entry'
  | 'unsupported-compression'
  | 'unsafe-path'
  | 'symlink'
  | 'duplicate-path'
  | 'nested-archive'
  | 'not-an-image'
  | 'corrupt-image'
  | 'too-many-pixels'
  | 'no-class-folder'
  | 'labels-csv'
  | 'unlabelled-image'
  | 'no-images'
  | 'single-class'
  | 'too-many-classes';

/** One finding, naming the entry (its path inside the zip or folder) where there is one. */
export interface ImageProblem {
  severity: 'error' | 'warning';
  code: ImageProblemCode;
  message: string;
  /** The archive's or folder's name. */
  file: string;
  entry?: string;
  /** For a finding that stands for many entries: how many (the message names the first few). */
  count?: number;
}

/** Thrown by the image ingest with every error found; nothing is stored. */
export class ImageIngestError extends Error {
  constructor(readonly problems: ImageProblem[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ImageIngestError';
  }
}

/** The first look at a source: its entries checked, each image's header read, a plan proposed. */
export interface ImagePreview {
  name: string;
  bytes: number;
  layout: ImageLayout;
  /** The labels CSV's path inside the zip or folder (layout 'labels-csv'). */
  labelsCsv: string | null;
  images: number;
  classes: string[];
  /** Images per class, `classCounts[k]` for `classes[k]`. */
  classCounts: number[];
  /** Native sizes seen, most common first, with how many images have each. */
  sizes: Array<{ width: number; height: number; count: number }>;
  /** Every image's header declares grey levels only. */
  allGray: boolean;
  /** Images whose header declares colour (the rest declare grey levels only). */
  colourImages: number;
  /** Entries that are not images (the labels CSV aside): skipped only with `skipNonImages`. */
  nonImages: string[];
  /** Images whose header cannot be read: skipped only with `skipCorrupt`. */
  corrupt: string[];
  suggested: ImagePlan;
  /** Errors here mean the import cannot start. */
  problems: ImageProblem[];
}

/**
 * A validated image dataset, ready to store and train on. Row order is path order (code-point order of the ids).
 * `pixels` holds rows × H × W × C uint8 values; the model sees them scaled to [0, 1] (`imageTrainingData`).
 */
export interface ImageDataset {
  kind: 'images';
  name: string;
  bytes: number;
  /** Hex SHA-256 of the zip's bytes (a folder: of its listing). */
  sha256: string;
  layout: ImageLayout;
  /** The labels CSV's path inside the zip or folder (layout 'labels-csv'). */
  labelsCsv: string | null;
  /** Native sizes of the imported images, most common first, with how many images have each. */
  sizes: Array<{ width: number; height: number; count: number }>;
  shape: ImageShape;
  rows: number;
  pixels: Uint8Array;
  labels: Int32Array;
  /** Distinct labels (class folder names or CSV labels) in natural order. */
  classes: string[];
  /** Each image's path inside the zip or folder. */
  ids: string[];
  /** rows × 32 bytes: SHA-256 of each image file's bytes, as stored in the archive (after inflating). */
  fileSha256: Uint8Array;
  /** Each image file's size in bytes. */
  fileBytes: Float64Array;
  nativeWidth: Uint32Array;
  nativeHeight: Uint32Array;
  /** Entries left out with the plan's consent, with why. */
  skipped: Array<{ path: string; reason: string }>;
  warnings: ImageProblem[];
}

/** Progress of an image import. */
export interface ImageIngestProgress {
  /** 'store': building the records and writing them (done and total then count 0 of 1, 1 of 1). */
  phase: 'scan' | 'decode' | 'store';
  done: number;
  total: number;
  elapsedMs: number;
}
