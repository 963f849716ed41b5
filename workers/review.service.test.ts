/**
 * The review service in-process over a real IndexedDB implementation (fake-indexeddb, in Node): a dataset, a run and
 * a score set are stored through the app's own stores (review-fixture.ts), and the service opens them by id as the
 * worker does.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { rowsWith, subsetCsv } from './core/manifest/csv';
import { CSV } from './core/manifest/test-fixture';
import { DEFAULT_QUERY } from './core/review/table';
import { createReviewService } from './review.service';
import { seed } from './review-fixture';

describe('review service (in-process, over IndexedDB)', () => {
  it('opens a score set by id and answers pages, filters, details, maps and lassos per dataset row', async () => {
    await seed('review-a');
    const service = createReviewService();
    const opened = await service.open({ dbName: 'review-a', datasetId: 'ds-1', scoreId: 'score-1' });
    if (opened.kind !== 'ready') throw new Error(`not ready: ${JSON.stringify(opened)}`);
    expect(opened.summary.rows).toBe(5);
    expect(opened.summary.histograms.suspicion?.bulk).toBeCloseTo(0.3, 5);
    expect(opened.summary.familyThresholds.trajectory).toMatchObject({
      threshold: Math.fround(0.9),
      flagged: 1,
    });
    expect(opened.summary.topDefault).toEqual({ count: 1, source: 'budget' });
    expect(await service.query(DEFAULT_QUERY)).toBe(5);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([1, 3, 2, 0, 4]);
    const first = (await service.page(0, 1))[0];
    expect(first).toMatchObject({ id: 'r1,x', label: 'dog', suggested: 'cat', families: ['trajectory'] });
    expect(await service.query({ ...DEFAULT_QUERY, familyMask: 2 })).toBe(1);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([3]);
    expect(await service.query({ ...DEFAULT_QUERY, anomalousOnly: true })).toBe(1);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([2]);
    await service.query(DEFAULT_QUERY);
    expect(await service.step(null, 1)).toEqual({ row: 1, at: 0 });
    expect(await service.step(3, 1)).toEqual({ row: 2, at: 2 });
    expect(await service.step(4, 1)).toEqual({ row: 4, at: 4 });
    const detail = await service.detail(3);
    expect(detail?.percentiles).toMatchObject({ suspicion: 0.5, aum: 0.75 });
    expect(detail?.loss).toEqual([13, 17]);
    expect(detail?.neighbours.map((n) => n.row)).toEqual([2, 1, 0]);
    expect(detail?.neighbours[0]?.distance).toBeCloseTo(Math.hypot(1, 1.5), 5);
    expect((await service.detail(4))?.neighbours).toEqual([]);
    // Cartography points: (variability, confidence); a box around the low-confidence ones.
    const lassoed = await service.lasso(
      'cartography',
      Float32Array.from([0.15, 0, 0.4, 0, 0.4, 0.6, 0.15, 0.6]),
    );
    expect([...lassoed.rows]).toEqual([1, 3]);
    expect(lassoed.reason).toBe('trajectory, influence');
    const layer = await service.mapLayer({
      space: 'pca',
      colourBy: 'label',
      palette: Uint32Array.from([0xff0000ff, 0xff00ff00]),
      width: 40,
      height: 30,
      ratio: 1,
    });
    expect(layer?.pixels.length).toBe(40 * 30 * 4);
    // Four scored rows drawn, in the two label colours (red for cat, green for dog); nothing else.
    const colours = new Set(new Uint32Array(layer?.pixels.buffer ?? new ArrayBuffer(0)));
    expect([...colours].sort()).toEqual([0, 0xff0000ff, 0xff00ff00].sort());
  });

  it('stores each decision before it answers, undoes it, and exports files that verify', async () => {
    const { data } = await seed('review-b');
    const service = createReviewService();
    await service.open({ dbName: 'review-b', datasetId: 'ds-1' });
    const out = await service.decide({
      rows: Int32Array.from([1]),
      decision: 'quarantine',
      reasons: ['label'],
      note: '+1',
    });
    expect(out.decisions).toMatchObject({ quarantined: 1, canUndo: true });
    // A second service (another tab, a reload) reads the decision back from IndexedDB.
    const again = createReviewService();
    const reopened = await again.open({ dbName: 'review-b', datasetId: 'ds-1' });
    expect(reopened.kind === 'ready' && reopened.summary.decisions.quarantined).toBe(1);
    expect([...(await again.quarantined())]).toEqual([1]);
    const files = await service.exportFiles({ createdAt: 0, version: '0.1.0', tfjs: 'test' });
    expect([files.kept, files.quarantined]).toEqual([4, 1]);
    expect(files.clean).toEqual(
      subsetCsv(
        CSV,
        data,
        rowsWith(5, (r) => r === 1, 'keep'),
      ),
    );
    expect(new TextDecoder().decode(files.quarantine)).toBe('id,label,a,b\r\n"r1,x",dog,3,4\r\n');
    const [header, , quarantined] = files.reportText.split('\r\n').map((line) => line.split(','));
    const cell = (name: string) => quarantined?.[(header ?? []).indexOf(name) + 1];
    expect(quarantined?.slice(0, 6)).toEqual(['"r1', 'x"', 'dog', 'quarantine', 'label', '0.9']);
    expect(cell('aum')).toBe('2');
    expect(quarantined?.at(-1)).toBe("'+1");
    expect((await service.verify(files.manifestText, files.clean)).problems).toEqual([]);
    const bad = await service.verify(files.manifestText.replace('"kept": 4', '"kept": 3'), files.clean);
    expect(bad.problems).toContain('manifest field "summary.kept" changed: signature does not verify');
    expect((await service.undo()).decisions).toMatchObject({ quarantined: 0, canRedo: true });
  });
});
