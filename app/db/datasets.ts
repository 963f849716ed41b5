/** Stored datasets in IndexedDB (via idb): metadata, per-row arrays and the original file, always written together. */
import { pixelFeatures } from '../../workers/core/ingest/images/dataset';
import { ARRAYS_FORMAT, packArrays, unpackArrays } from './arrays';
import {
  fileOffsets,
  IMAGE_ARRAYS_FORMAT,
  type ImageArrays,
  isImageArrays,
  packImageArrays,
  unpackImageArrays,
} from './image-arrays';
import type { ImageOverviewRecord } from './image-schema';
import type { SiftDb } from './open';
import { RUN_STORES } from './run-schema';
import { DATASET_STORES, type DatasetArrays, type DatasetId, type DatasetMeta } from './schema';

/** What the start screen lists: small, read from metadata only. */
export interface DatasetSummary {
  id: DatasetId;
  name: string;
  fileName: string;
  bytes: number;
  rows: number;
  featureCount: number;
  classCount: number;
  createdAt: number;
}

/** Summarises a stored dataset for lists. */
export function summarise(meta: DatasetMeta): DatasetSummary {
  return {
    id: meta.id,
    name: meta.name,
    fileName: meta.fileName,
    bytes: meta.bytes,
    rows: meta.rows,
    featureCount: meta.featureNames.length,
    classCount: meta.classes.length,
    createdAt: meta.createdAt,
  };
}

/** A fresh dataset key; `getRandomValues` works outside secure contexts, unlike `randomUUID`. */
export function newDatasetId(): DatasetId {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `ds-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}` as DatasetId;
}

/** The dataset half of Sift's database. One per session, over its connection. */
export class DatasetStore {
  /** A store over the session's connection (app/db/open.ts); closing is the connection owner's. */
  constructor(private readonly db: SiftDb) {}

  /** Writes metadata, arrays and the original file in one transaction: on any failure nothing is stored. */
  async save(meta: DatasetMeta, arrays: DatasetArrays, file: Blob): Promise<void> {
    const { id, idText, ...rowArrays } = arrays;
    const stored = {
      id,
      format: ARRAYS_FORMAT,
      rows: meta.rows,
      featureCount: meta.featureNames.length,
      blob: packArrays(rowArrays),
      idText,
    } as const;
    const tx = this.db.transaction(DATASET_STORES, 'readwrite');
    await Promise.all([
      tx.objectStore('datasetFiles').add({ id: meta.id, blob: file }),
      tx.objectStore('datasetArrays').add(stored),
      tx.objectStore('datasets').add(meta),
      tx.done,
    ]);
  }

  /**
   * Writes an image dataset: metadata, packed pixel arrays, the original zip (or a folder's files back to back) and
   * the overview record, in one transaction: on any failure nothing is stored.
   */
  async saveImages(
    meta: DatasetMeta,
    arrays: ImageArrays,
    idText: string,
    file: Blob,
    overview: Omit<ImageOverviewRecord, 'id'>,
  ): Promise<void> {
    const stored = {
      id: meta.id,
      format: IMAGE_ARRAYS_FORMAT,
      rows: meta.rows,
      featureCount: meta.featureNames.length,
      blob: packImageArrays(arrays),
      idText,
    } as const;
    const tx = this.db.transaction(DATASET_STORES, 'readwrite');
    await Promise.all([
      tx.objectStore('datasetFiles').add({ id: meta.id, blob: file }),
      tx.objectStore('datasetArrays').add(stored),
      tx.objectStore('datasetImages').add({ id: meta.id, ...overview }),
      tx.objectStore('datasets').add(meta),
      tx.done,
    ]);
  }

  /** An image dataset's class means and thumbnails, or undefined (a CSV dataset, or none stored). */
  loadImageOverview(id: DatasetId): Promise<ImageOverviewRecord | undefined> {
    return this.db.get('datasetImages', id);
  }

  /** Every stored dataset, newest first. */
  async list(): Promise<DatasetSummary[]> {
    const metas = await this.db.getAllFromIndex('datasets', 'by-created');
    return metas.reverse().map(summarise);
  }

  /** The metadata of one dataset, or undefined when it is not stored. */
  getMeta(id: DatasetId): Promise<DatasetMeta | undefined> {
    return this.db.get('datasets', id);
  }

  /**
   * The per-row arrays of one dataset (large: read them only where a view or a run needs them). An image dataset's
   * features are its pixels / 255; with `features: false` they are left empty (the pixels are in `images`).
   */
  async loadArrays(id: DatasetId, options: { features?: boolean } = {}): Promise<DatasetArrays | undefined> {
    const stored = await this.db.get('datasetArrays', id);
    if (!stored) return undefined;
    if (isImageArrays(stored)) {
      const images = await unpackImageArrays(stored.blob, stored.rows, stored.featureCount);
      const rowStart = fileOffsets(images.fileBytes);
      return {
        id,
        idText: stored.idText,
        features: options.features === false ? new Float32Array(0) : pixelFeatures(images.pixels),
        labels: images.labels,
        lines: new Uint32Array(stored.rows),
        rowStart,
        rowEnd: rowStart.map((start, r) => start + (images.fileBytes[r] as number)),
        rowSha256: images.fileSha256,
        images,
      };
    }
    const arrays = await unpackArrays(stored.blob, stored.rows, stored.featureCount);
    return { id, idText: stored.idText, ...arrays };
  }

  /** The original file of one dataset. */
  async loadFile(id: DatasetId): Promise<Blob | undefined> {
    return (await this.db.get('datasetFiles', id))?.blob;
  }

  /** Stored datasets whose file has this SHA-256 (hex). */
  async findBySha256(sha256: string): Promise<DatasetMeta[]> {
    return this.db.getAllFromIndex('datasets', 'by-sha256', sha256);
  }

  /** Changes a dataset's name or recorded timings; returns the updated metadata, or undefined when it is not stored. */
  async updateMeta(
    id: DatasetId,
    patch: Partial<Pick<DatasetMeta, 'name' | 'timings'>>,
  ): Promise<DatasetMeta | undefined> {
    const tx = this.db.transaction('datasets', 'readwrite');
    const meta = await tx.store.get(id);
    if (!meta) {
      await tx.done;
      return undefined;
    }
    const updated = { ...meta, ...patch };
    await Promise.all([tx.store.put(updated), tx.done]);
    return updated;
  }

  /** Deletes every record of a dataset in one transaction. */
  async remove(id: DatasetId): Promise<void> {
    const tx = this.db.transaction(
      [...DATASET_STORES, ...RUN_STORES, 'scores', 'decisions', 'decisionLog', 'comparisons'],
      'readwrite',
    );
    // The dataset's training runs, score sets and review decisions go with it: none means anything without its
    // rows, and a half-deleted dataset would leave orphans no screen can reach.
    const runIds = await tx.objectStore('runs').index('by-dataset').getAllKeys(id);
    const scoreIds = await tx.objectStore('scores').index('by-dataset').getAllKeys(id);
    const comparisonIds = await tx.objectStore('comparisons').index('by-dataset').getAllKeys(id);
    // Decisions and their log are keyed [datasetId, row] and [datasetId, seq]: one key range covers a dataset.
    const decided = IDBKeyRange.bound([id, Number.NEGATIVE_INFINITY], [id, Number.POSITIVE_INFINITY]);
    await Promise.all([
      tx.objectStore('datasets').delete(id),
      tx.objectStore('datasetArrays').delete(id),
      tx.objectStore('datasetFiles').delete(id),
      tx.objectStore('datasetImages').delete(id),
      ...runIds.flatMap((runId) => RUN_STORES.map((name) => tx.objectStore(name).delete(runId))),
      ...scoreIds.map((scoreId) => tx.objectStore('scores').delete(scoreId)),
      ...comparisonIds.map((runId) => tx.objectStore('comparisons').delete(runId)),
      tx.objectStore('decisions').delete(decided),
      tx.objectStore('decisionLog').delete(decided),
      tx.done,
    ]);
  }
}
