/** Stored training runs in IndexedDB (via idb): summaries listed per dataset, curves and dynamics read on demand. */
import { unpackIds } from '../../workers/core/ingest/ids';
import { pixelFeatures } from '../../workers/core/ingest/images/dataset';
import { arraysLayout, unpackArrays } from './arrays';
import { isImageArrays, storedLabels, unpackImageArrays } from './image-arrays';
import type { SiftDb } from './open';
import {
  type EndedRun,
  failedRun,
  type LiveRunRecord,
  RUN_STORES,
  type RunCurvesRecord,
  type RunDynamicsRecord,
  type RunId,
  type RunRecord,
  type StoppedRunRecord,
} from './run-schema';
import type { DatasetId } from './schema';

/** A fresh run key; `getRandomValues` works outside secure contexts, unlike `randomUUID`. */
export function newRunId(): RunId {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `run-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}` as RunId;
}

/** A dataset's rows as training needs them: features and labels are views of `buffer`, which may be transferred. */
export interface TrainingArrays {
  buffer: ArrayBuffer;
  features: Float32Array;
  labels: Int32Array;
}

/** The runs half of Sift's database. One per session, over its connection. */
export class RunStore {
  /** A store over the session's connection (app/db/open.ts); closing is the connection owner's. */
  constructor(private readonly db: SiftDb) {}

  /** Writes a live run's summary and curves together (at start, periodically, on a pause or resume). */
  async saveProgress(record: LiveRunRecord, curves: RunCurvesRecord): Promise<void> {
    const tx = this.db.transaction(['runs', 'runCurves'], 'readwrite');
    await Promise.all([tx.objectStore('runs').put(record), tx.objectStore('runCurves').put(curves), tx.done]);
  }

  /**
   * Writes an ended run's summary, curves and recorded dynamics in one transaction: a done run only with its
   * dynamics (the type says so), a stopped one with those of the epochs it finished, if any.
   */
  async saveFinal({ record, curves, dynamics }: EndedRun): Promise<void> {
    const tx = this.db.transaction(RUN_STORES, 'readwrite');
    await Promise.all([
      tx.objectStore('runs').put(record),
      tx.objectStore('runCurves').put(curves),
      ...(dynamics ? [tx.objectStore('runDynamics').put(dynamics)] : []),
      tx.done,
    ]);
  }

  /**
   * Stores a run as failed (its worker died under it, so only the page can say so), keeping what the worker stored
   * last (its curves, counts, backend); `fallback` is written when the worker stored nothing yet. Returns the record.
   */
  async markFailed(
    fallback: RunRecord,
    message: string,
    crash?: StoppedRunRecord['crash'],
  ): Promise<StoppedRunRecord> {
    const tx = this.db.transaction('runs', 'readwrite');
    const stored = (await tx.store.get(fallback.id)) ?? fallback;
    const failed = failedRun(stored, message, Date.now(), crash);
    await Promise.all([tx.store.put(failed), tx.done]);
    return failed;
  }

  /** A dataset's runs, newest first. */
  async listForDataset(datasetId: DatasetId): Promise<RunRecord[]> {
    const runs = await this.db.getAllFromIndex('runs', 'by-dataset', datasetId);
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** One run's summary. */
  getRun(id: RunId): Promise<RunRecord | undefined> {
    return this.db.get('runs', id);
  }

  /** One run's curves. */
  getCurves(id: RunId): Promise<RunCurvesRecord | undefined> {
    return this.db.get('runCurves', id);
  }

  /** One run's recorded dynamics (large: read only where scoring needs them). */
  getDynamics(id: RunId): Promise<RunDynamicsRecord | undefined> {
    return this.db.get('runDynamics', id);
  }

  /**
   * Marks every run still `running` or `paused` as `interrupted`, except those `isLive` says a tab is training.
   * Returns the runs it marked.
   */
  async markInterrupted(isLive: (id: RunId) => boolean): Promise<RunId[]> {
    const tx = this.db.transaction('runs', 'readwrite');
    const marked: RunId[] = [];
    for (const record of await tx.store.getAll()) {
      if ((record.status !== 'running' && record.status !== 'paused') || isLive(record.id)) continue;
      marked.push(record.id);
      await tx.store.put({
        ...record,
        status: 'interrupted',
        message: `The tab training it closed or reloaded during ${record.status === 'paused' ? 'a pause' : 'training'}; curves up to the last save are kept.`,
        updatedAt: Date.now(),
      });
    }
    await tx.done;
    return marked;
  }

  /** Deletes a run from every run store. */
  async remove(id: RunId): Promise<void> {
    const tx = this.db.transaction(RUN_STORES, 'readwrite');
    await Promise.all([...RUN_STORES.map((name) => tx.objectStore(name).delete(id)), tx.done]);
  }

  /** The features and labels of a dataset for training (read off the main thread by the Blob, not by a loop). */
  async loadTrainingArrays(datasetId: DatasetId): Promise<TrainingArrays | undefined> {
    const stored = await this.db.get('datasetArrays', datasetId);
    if (!stored) return undefined;
    if (isImageArrays(stored)) {
      // Images: the pixels (uint8) scaled to [0, 1] here, in the caller's thread (a worker's, once issue 12 moves
      // these reads there); the labels are copied out of the unpacked buffer so `buffer` holds the features only.
      const { pixels, labels } = await unpackImageArrays(stored.blob, stored.rows, stored.featureCount);
      const features = pixelFeatures(pixels);
      return { buffer: features.buffer as ArrayBuffer, features, labels: labels.slice() };
    }
    const { features, labels } = await unpackArrays(stored.blob, stored.rows, stored.featureCount);
    return { buffer: features.buffer as ArrayBuffer, features, labels };
  }

  /** A dataset's row ids and labels, for naming the samples of a batch. */
  async loadIds(datasetId: DatasetId): Promise<{ ids: string[]; labels: Int32Array } | undefined> {
    const stored = await this.db.get('datasetArrays', datasetId);
    if (!stored) return undefined;
    // Only the labels' bytes are read from the packed Blob.
    const labels = await storedLabels(stored, (rows, fc) => arraysLayout(rows, fc).labels);
    return { ids: unpackIds(stored.idText, stored.rows), labels };
  }
}
