/**
 * The review worker's newer answers, in-process over fake-indexeddb: a row's cells as the file wrote them, the
 * sentences and thresholds of "why flagged", the selection-only table, the maps' filter, the score index, and a
 * retrain comparison predicted with a real (hand-weighted) tfjs model.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openSiftDb } from '../app/db/open';
import { storesOf } from '../app/db/stores';
import { DEFAULT_QUERY } from './core/review/table';
import type { TrainingDynamics } from './core/train/types';
import { createReviewService } from './review.service';
import { seed } from './review-fixture';

/** The fixture's shape with decimals float32 cannot hold exactly, and an empty cell (row 2, column b). */
const DECIMALS = new TextEncoder().encode(
  'id,label,a,b\r\nr0,cat,28.11,0.1184\r\n"r1,x",dog,3,4\r\n"r2\nmulti",cat,5,\r\nr3,dog,7.25,1e-3\r\nr4,cat,9,10',
);

async function opened(name: string, csv?: Uint8Array) {
  const seeded = await seed(name, csv);
  const service = createReviewService();
  const out = await service.open({ dbName: name, datasetId: 'ds-1', scoreId: 'score-1' });
  if (out.kind !== 'ready') throw new Error('not ready');
  return { service, summary: out.summary, ...seeded };
}

describe('review detail and tools', () => {
  it('shows each cell as the file wrote it, and the imputed value of an empty one', async () => {
    const { service } = await opened('detail-a', DECIMALS);
    const row0 = await service.detail(0);
    const a = row0?.tabular?.features[0];
    expect(a).toMatchObject({ name: 'a', written: '28.11', missing: false, value: Math.fround(28.11) });
    expect(String(a?.value)).toBe('28.110000610351562');
    expect(row0?.tabular?.features[1]?.written).toBe('0.1184');
    expect((await service.detail(3))?.tabular?.features[1]?.written).toBe('1e-3');
    const row2 = await service.detail(2);
    expect(row2?.tabular?.features[1]).toMatchObject({ written: '', missing: true });
    expect(row2?.tabular?.fileMissing).toBe(false);
    // Class cat is rows 0 and 2 among the scored rows 0-3: a of row 0 (28.11) is above row 2's (5).
    expect(row0?.tabular?.classRows).toBe(2);
    expect(row0?.tabular?.features[0]?.percentile).toBe(0.75);
  });

  it('says why in words, with each family’s value and threshold', async () => {
    const { service } = await opened('detail-b');
    const detail = await service.detail(1);
    expect(detail?.why.map((w) => [w.family, w.flagged])).toEqual([
      ['trajectory', true],
      ['influence', false],
      ['embedding', false],
      ['label', false],
    ]);
    expect(detail?.why[0]?.verdict).toBe('Flagged: family value 0.9, at or above the threshold 0.9.');
    expect(detail?.why[1]?.verdict).toBe('Not flagged: family value 0.2, at or below the bulk (median 0.2).');
    // The fixture's margins for row 1 are 1 and 5 (epoch-major j): learned by epoch... never correct (correct all 0).
    expect(detail?.why[0]?.sentences[0]).toBe(
      'The model never learned its label dog: it predicted another label in all 2 epochs, its margin between 1 and 5 (5 at the last).',
    );
    expect(detail?.inTraining).toBe(true);
    // Suspicion 0.9 is the highest of the 4 scored rows, AUM 2 the second highest (1, 2, 3, 4): what weighed most.
    expect(detail?.rank).toBe(
      'Its suspicion, 0.9, is higher than 75% of rows. What weighs most in it: AUM (area under the margin), 2, higher than 25% of rows.',
    );
    // The calibration's random-flip detector placed row 3 (suspicion 0.7, AUM 4).
    expect((await service.detail(3))?.rank).toBe(
      'Its suspicion, 0.7, is higher than 50% of rows. The calibration on canaries ranks it among the rows that its ' +
        'detector for random label flips finds present. What weighs most in it: AUM (area under the margin), 4, higher than 75% of rows.',
    );
    // The stored set's pixel question, read back from IndexedDB: sample 1's share 0.8 of the 10 nearest images.
    expect(detail?.why.find((w) => w.family === 'label')?.sentences).toContain(
      '8 of the 10 images nearest it in pixels carry another label than dog.',
    );
    expect(detail?.bulk.aum).toBe(2);
    expect(detail?.neighbours.map((n) => n.row)).toEqual([0, 2, 3]);
  });

  it('keeps only the selection when asked, and draws only its rows on the maps', async () => {
    const { service } = await opened('detail-c');
    expect(await service.query({ ...DEFAULT_QUERY, selectionOnly: true }, Int32Array.from([3, 0]))).toBe(2);
    expect((await service.page(0, 5)).map((r) => r.row)).toEqual([3, 0]);
    const palette = Uint32Array.from([0xff0000ff, 0xff00ff00]);
    const layer = await service.mapLayer({
      space: 'pca',
      colourBy: 'label',
      palette,
      width: 40,
      height: 30,
      ratio: 1,
    });
    expect(layer?.drawn).toBe(2);
    // The run recorded rows 0-3 (row 4 has no position): 2 of 4 points drawn.
    expect(layer?.points).toBe(4);
    const colours = new Set(new Uint32Array(layer?.pixels.buffer ?? new ArrayBuffer(0)));
    // Row 0 (cat, red) and row 3 (dog, green) in colour; rows 1 and 2 not drawn at all.
    expect([...colours].sort()).toEqual([0, 0xff0000ff, 0xff00ff00].sort());
    // Highlights: a selected row the filter leaves out (row 1) has no position to draw.
    const marks = await service.points('pca', Int32Array.from([0, 1]), 'label', 2);
    expect(Number.isFinite(marks.xy[0])).toBe(true);
    expect([marks.xy[2], marks.xy[3]]).toEqual([Number.NaN, Number.NaN]);
    // A lasso round every point keeps the selection's rows only.
    const all = await service.lasso('cartography', Float32Array.from([-1, -1, 2, -1, 2, 2, -1, 2]));
    expect([...all.rows]).toEqual([0, 3]);
  });

  it('lists a dataset’s score sets for the runs list', async () => {
    const { service } = await opened('detail-d');
    expect(await service.scoreIndex('detail-d', 'ds-1')).toEqual([
      { scoreId: 'score-1', runId: 'run-1', createdAt: 1, status: 'done' },
    ]);
  });

  it('compares a retraining on the shared validation rows, predicts the rows it left out, and keeps it', async () => {
    const { service, run, dynamics } = await opened('detail-e');
    // run-2 retrained without row 1; it recorded rows 0, 2, 3, 4 and held row 3 out, as the run before did.
    const after: TrainingDynamics = {
      ...dynamics,
      samples: 4,
      sampleRows: Int32Array.from([0, 2, 3, 4]),
      inTraining: Uint8Array.from([1, 1, 0, 1]),
      labels: Int32Array.from([0, 0, 1, 0]),
      correct: Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1]),
      // A 2 → 3 → 2 MLP: h = relu([a, b, 0]), logits = [h0, 0.5 h1]. Row 1 (a 3, b 4, dog) gets logits [3, 2]: cat.
      checkpoints: [
        {
          epoch: 1,
          learningRate: 0.01,
          weights: [
            Float32Array.from([1, 0, 0, 0, 1, 0]),
            new Float32Array(3),
            Float32Array.from([1, 0, 0, 0.5, 0, 0]),
            new Float32Array(2),
          ],
          shapes: [[2, 3], [3], [3, 2], [2]],
        },
      ],
      modelSpec: { kind: 'mlp', featureCount: 2, classCount: 2, hidden: [3] },
      standardization: { mean: new Float32Array(2), std: Float32Array.from([1, 1]) },
    };
    const db = await openSiftDb('detail-e');
    const stores = storesOf(db);
    await stores.runs.saveFinal({
      record: {
        ...run,
        id: 'run-2' as never,
        excludedRows: Int32Array.from([1]),
        retrainOf: 'run-1' as never,
      } as never,
      curves: {
        id: 'run-2' as never,
        steps: 0,
        loss: new Float32Array(0),
        gradNorm: new Float32Array(0),
        epochs: [],
        anomalies: [],
      },
      dynamics: {
        id: 'run-2' as never,
        dynamics: after,
        batchIndex: { samples: 3, epochs: 0, stepsPerEpoch: 1, steps: 0, order: new Int32Array(0) },
        trainRows: Int32Array.from([0, 2, 4]),
        valRows: Int32Array.from([3]),
        modelSpec: after.modelSpec as never,
        standardization: after.standardization as never,
      },
    });
    db.close();
    const entry = await service.compareRetrain('run-2');
    expect(entry.excluded).toBe(1);
    expect(entry.comparison.sharedRows).toBe(1);
    expect(entry.comparison.before.accuracy).toEqual([0, 0]);
    expect(entry.comparison.after.accuracy).toEqual([1, 1]);
    expect(entry.comparison.quarantined).toMatchObject({ rows: 1, beforeAssigned: 1, afterAssigned: 0 });
    expect(entry.comparison.quarantined.byClass).toEqual([
      { label: 1, rows: 1, stillAssigned: 0, mostPredicted: 0, mostPredictedRows: 1 },
    ]);
    const listed = await service.comparisons();
    expect(listed.map((c) => [c.beforeRunId, c.afterRunId])).toEqual([['run-1', 'run-2']]);
  });
});
