import { describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../db/schema';
import { createAppStore } from '../../state/store';
import { type HistoryPort, type Places, RouteController } from './controller';

/** A browser history of hashes: push, replace, back. */
function fakeHistory(initial: string) {
  const entries = [initial];
  let at = 0;
  let listener: (() => void) | null = null;
  const port: HistoryPort = {
    hash: () => entries[at] ?? '',
    push(hash) {
      entries.splice(at + 1);
      entries.push(hash);
      at++;
    },
    replace(hash) {
      entries[at] = hash;
    },
    onChange(l) {
      listener = l;
      return () => {
        listener = null;
      };
    },
  };
  return {
    port,
    entries,
    back() {
      at--;
      listener?.();
    },
  };
}

const meta = (id: string) => ({ id, name: id, classes: ['a', 'b'] }) as unknown as DatasetMeta;

function places(store: ReturnType<typeof createAppStore>, calls: string[]): Places {
  return {
    async openDataset(id) {
      calls.push(`dataset ${id}`);
      if (id === 'gone') return;
      store.getState().setCurrent(meta(id));
      store.getState().go({ kind: 'overview' });
    },
    async openTrain(runId) {
      calls.push(`train ${runId}`);
      store.getState().go({ kind: 'train' });
    },
    async openReview(datasetId, scoreId) {
      calls.push(`review ${datasetId} ${scoreId}`);
      store.getState().patchReview({ opened: { datasetId, scoreId } });
      store.getState().go({ kind: 'review' });
    },
    focusRow(row) {
      calls.push(`row ${row}`);
    },
  };
}

describe('RouteController', () => {
  it('reopens the place a reloaded URL names, through the controllers', async () => {
    const store = createAppStore();
    const calls: string[] = [];
    const history = fakeHistory('#/dataset/d1/review/s1');
    await new RouteController(store, history.port, places(store, calls)).start();
    expect(calls).toEqual(['dataset d1', 'review d1 s1']);
    expect(store.getState().screen.kind).toBe('review');
    expect(history.entries).toEqual(['#/dataset/d1/review/s1']);
  });

  it('writes a history entry for a new screen, replaces it for a refinement, and Back reopens the last place', async () => {
    const store = createAppStore();
    const calls: string[] = [];
    const history = fakeHistory('');
    await new RouteController(store, history.port, places(store, calls)).start();
    store.getState().setCurrent(meta('d1'));
    store.getState().go({ kind: 'overview' });
    store.getState().patchReview({ opened: { datasetId: 'd1', scoreId: null } });
    store.getState().go({ kind: 'review' });
    store.getState().patchReview({ opened: { datasetId: 'd1', scoreId: 's1' } });
    expect(history.entries).toEqual(['', '#/dataset/d1', '#/dataset/d1/review/s1']);
    history.back();
    await Promise.resolve();
    expect(calls).toEqual(['dataset d1']);
    expect(store.getState().screen.kind).toBe('overview');
  });

  it('says where the analyst is when the URL names a dataset that is gone', async () => {
    const store = createAppStore();
    const history = fakeHistory('#/dataset/gone/train');
    await new RouteController(store, history.port, places(store, [])).start();
    expect(store.getState().screen.kind).toBe('start');
    expect(history.entries).toEqual(['#/']);
  });
});
