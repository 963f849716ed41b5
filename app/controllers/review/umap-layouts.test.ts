import { describe, expect, it } from 'vitest';
import { createUmapService } from '../../../workers/core/embedding/service';
import { createRng } from '../../../workers/core/random';
import { inProcessClient } from '../worker-client';
import type { UmapWorker } from './umap-client';
import { UmapLayouts, type UmapSource } from './umap-layouts';

/** The real UMAP service in-process, behind the same interface the worker client gives. */
function inProcess(started: { count: number }): () => UmapWorker {
  return () => {
    started.count++;
    const service = createUmapService();
    return inProcessClient({
      layout: (request, onProgress) => service.layout(request, onProgress),
      cancel: async (jobId) => service.cancel(jobId),
      lasso: (xy, polygon) => service.lasso(xy, polygon),
    });
  };
}

function source(runId: string): UmapSource {
  const rng = createRng(4);
  const n = 50;
  return {
    runId,
    rows: n,
    embeddings: Float32Array.from({ length: n * 3 }, () => rng.next()),
    dim: 3,
    sampleRows: Int32Array.from({ length: n }, (_, j) => j),
    seed: 1,
  };
}

describe('UmapLayouts', () => {
  it('computes a run once, keeps it per run, and leaves the source arrays alone', async () => {
    const started = { count: 0 };
    const layouts = new UmapLayouts(inProcess(started));
    const src = source('run-a');
    const seen: string[] = [];
    layouts.subscribe(() => seen.push(layouts.statusOf('run-a').kind));
    await layouts.compute(src);
    const done = layouts.statusOf('run-a');
    if (done.kind !== 'done') throw new Error(`status ${done.kind}`);
    expect(done.xy.length).toBe(100);
    expect(done.samples).toBe(50);
    expect(seen[0]).toBe('running');
    expect(seen.at(-1)).toBe('done');
    await layouts.compute(src); // cached: no second job
    expect(layouts.statusOf('run-a')).toBe(done);
    expect(layouts.statusOf('run-b').kind).toBe('idle');
    expect(src.embeddings.length).toBe(150);
    expect(started.count).toBe(1);
  });

  it('cancelled while building the neighbour graph, drops the worker and its result; the next job starts a fresh one', async () => {
    const started = { count: 0 };
    const layouts = new UmapLayouts(inProcess(started));
    const unsubscribe = layouts.subscribe(() => {
      const s = layouts.statusOf('run-d');
      if (s.kind === 'running' && s.progress?.phase === 'neighbours') layouts.cancel('run-d');
    });
    await layouts.compute(source('run-d'));
    expect(layouts.statusOf('run-d').kind).toBe('cancelled');
    unsubscribe();
    await layouts.compute(source('run-d'));
    expect(layouts.statusOf('run-d').kind).toBe('done');
    expect(started.count).toBe(2);
  });

  it('cancels a running job between epochs, and a later compute starts again', async () => {
    const layouts = new UmapLayouts(inProcess({ count: 0 }));
    const unsubscribe = layouts.subscribe(() => {
      const s = layouts.statusOf('run-c');
      if (s.kind === 'running' && s.progress?.phase === 'epochs' && s.progress.epoch === 2)
        layouts.cancel('run-c');
    });
    await layouts.compute(source('run-c'));
    expect(layouts.statusOf('run-c').kind).toBe('cancelled');
    unsubscribe();
    await layouts.compute(source('run-c'));
    expect(layouts.statusOf('run-c').kind).toBe('done');
  });
});
