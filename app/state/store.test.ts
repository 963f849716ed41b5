import { describe, expect, it } from 'vitest';
import type { DatasetId, DatasetMeta } from '../db/schema';
import { createAppStore } from './store';
import { isBusy } from './ui-slice';

const id = (s: string) => s as DatasetId;

describe('app store', () => {
  it('is busy until the dataset list is read, and while work or a job runs', () => {
    const store = createAppStore();
    expect(isBusy(store.getState())).toBe(true);
    store.getState().setDatasets([]);
    expect(isBusy(store.getState())).toBe(false);
    store.getState().beginWork();
    expect(isBusy(store.getState())).toBe(true);
    store.getState().endWork();
    store.getState().setJob({
      kind: 'running',
      jobId: 'j1',
      fileName: 'a.csv',
      totalBytes: 10,
      progress: null,
      storing: false,
    });
    expect(isBusy(store.getState())).toBe(true);
    store.getState().setJob({ kind: 'cancelled', jobId: 'j1', fileName: 'a.csv' });
    expect(isBusy(store.getState())).toBe(false);
  });

  it('drops progress of a job that is no longer running', () => {
    const store = createAppStore();
    const progress = { bytesRead: 5, totalBytes: 10, rows: 3, elapsedMs: 1 };
    store.getState().setJob({
      kind: 'running',
      jobId: 'j2',
      fileName: 'a.csv',
      totalBytes: 10,
      progress: null,
      storing: false,
    });
    store.getState().setProgress('j1', progress);
    const job = store.getState().job;
    expect(job.kind === 'running' && job.progress).toBeNull();
    store.getState().setProgress('j2', progress);
    const after = store.getState().job;
    expect(after.kind === 'running' && after.progress).toEqual(progress);
  });

  it('rename and remove update the list and the open dataset', () => {
    const store = createAppStore();
    const summary = {
      id: id('ds-1'),
      name: 'digits',
      fileName: 'digits.csv',
      bytes: 1,
      rows: 2,
      featureCount: 3,
      classCount: 2,
      createdAt: 0,
    };
    store.getState().setDatasets([summary, { ...summary, id: id('ds-2'), name: 'other' }]);
    store.getState().setCurrent({ id: id('ds-1'), name: 'digits' } as DatasetMeta);
    store.getState().applyRename({ id: id('ds-1'), name: 'renamed' } as DatasetMeta);
    expect(store.getState().datasets?.map((d) => d.name)).toEqual(['renamed', 'other']);
    expect(store.getState().current?.name).toBe('renamed');
    store.getState().applyRemove(id('ds-1'));
    expect(store.getState().datasets?.map((d) => d.id)).toEqual(['ds-2']);
    expect(store.getState().current).toBeNull();
  });
});
