import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { createUmapService, type UmapJobId, type UmapRequest } from './service';
import { umap2d } from './umap';

const N = 60;
const D = 4;

function request(jobId: string): UmapRequest {
  const rng = createRng(11);
  const embeddings = Float32Array.from({ length: N * D }, (_, k) => rng.next() + (Math.floor(k / D) % 2) * 5);
  // Samples sit on dataset rows 1..N (row 0 has no sample), in reverse order.
  const sampleRows = Int32Array.from({ length: N }, (_, j) => N - j);
  return {
    jobId: jobId as UmapJobId,
    embeddings,
    dim: D,
    sampleRows,
    rows: N + 1,
    options: { seed: 2, nNeighbors: 8, nEpochs: 30 },
  };
}

describe('UMAP service (the worker contract, in-process)', () => {
  it('spreads the layout onto dataset rows, NaN where no sample is, and lassos it', async () => {
    const service = createUmapService();
    const out = await service.layout(request('a'), () => {});
    if (out.kind !== 'finished') throw new Error('not finished');
    expect(out.jobId).toBe('a');
    expect(out.xy.length).toBe(2 * (N + 1));
    expect(Number.isNaN(out.xy[0] as number)).toBe(true);
    expect(out.xy.subarray(2).every(Number.isFinite)).toBe(true);
    expect(out.samples).toBe(N);
    // A box around dataset row 5's point holds row 5.
    const x = out.xy[10] as number;
    const y = out.xy[11] as number;
    const box = Float32Array.from([
      x - 1e-3,
      y - 1e-3,
      x + 1e-3,
      y - 1e-3,
      x + 1e-3,
      y + 1e-3,
      x - 1e-3,
      y + 1e-3,
    ]);
    expect(Array.from(await service.lasso(out.xy, box))).toContain(5);
  });

  it('cancels the job named, between epochs, and ignores other ids', async () => {
    const service = createUmapService();
    const out = await service.layout(request('b'), (p) => {
      if (p.phase !== 'epochs') return;
      service.cancel('other' as UmapJobId);
      if (p.epoch === 3) service.cancel('b' as UmapJobId);
    });
    expect(out).toEqual({ kind: 'cancelled', jobId: 'b', epoch: 3 });
  });

  it('gives each dataset row its sample’s point, row 0 included, and the total time of the job', async () => {
    const service = createUmapService();
    // Sample j on row j + 1, except the last sample, on row 0; row N keeps NaN.
    const req = {
      ...request('c'),
      sampleRows: Int32Array.from({ length: N }, (_, j) => (j === N - 1 ? 0 : j + 1)),
    };
    const t0 = performance.now();
    const out = await service.layout(req, () => {});
    const elapsed = performance.now() - t0;
    if (out.kind !== 'finished') throw new Error('not finished');
    const direct = await umap2d(req.embeddings, N, D, req.options);
    if (direct.kind !== 'finished') throw new Error('not finished');
    const expected = new Array<number>(2 * (N + 1)).fill(Number.NaN);
    for (let j = 0; j < N; j++) {
      const r = j === N - 1 ? 0 : j + 1;
      expected[2 * r] = direct.xy[2 * j] as number;
      expected[2 * r + 1] = direct.xy[2 * j + 1] as number;
    }
    expect(Array.from(out.xy)).toEqual(expected);
    const { graphMs, epochsMs, placeMs, totalMs } = out.timings;
    expect(totalMs).toBeGreaterThanOrEqual(graphMs + epochsMs + placeMs);
    expect(totalMs).toBeLessThanOrEqual(elapsed);
  });
});
