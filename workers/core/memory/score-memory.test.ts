/**
 * The scoring job's estimate counted by hand, part by part, for the settings an analyst changes: the kNN search
 * (exact tiles, normalisation, k, IVF cells and probes, the automatic switch), the cross-validation fold (folds,
 * batch, eval chunk) and the embedding scores (PCA dimensions, largest class). Every expected value is written out
 * from the layout documented in score-memory.ts (rows × values × 4 bytes), never taken from the estimate.
 */
import { describe, expect, it } from 'vitest';
import { estimateScoreMemory, knnIsApproximate, type MemoryEstimate } from './estimate';
import { partOf, SCORE } from './test-shapes';

const find = partOf;
const bytes = (e: MemoryEstimate, key: string) => partOf(e, key).bytes;

/** Held parts of SCORE: dataset 2,000, run 9,260, label probabilities 2,400, scores 8,912 (89 bytes × 100 + 12). */
const HELD = 2000 + 9260 + 2400 + 8912;

describe('estimateScoreMemory: the exact kNN search', () => {
  it('counts a tile of 10 rows, a normalised copy and k = 3 by hand', () => {
    const e = estimateScoreMemory({ ...SCORE, tileRows: 10, normalize: true, k: 3 });
    // normalised copy 100 × 8 floats; candidates [x; ‖x‖²] 9 × 100 as array and tensor; a tile: queries 2 · 10 · 9,
    // 10 norms, the 10 × 100 product, topk 4 · 10 · (3 + 1); the result 100 · 3 · 2
    expect(bytes(e, 'knn')).toBe(3200 + 7200 + (180 + 10 + 1000 + 160) * 4 + 2400);
    expect(find(e, 'knn').label).toContain('tiles of 10 rows × 100 distances');
  });

  it('clamps k to the other samples and to at least one neighbour, and the tile to the rows', () => {
    // k = 500 on 100 rows: 99 neighbours; the tile is all 100 rows (the default 1024 clamped)
    const large = estimateScoreMemory({ ...SCORE, k: 500 });
    expect(bytes(large, 'knn')).toBe(7200 + (1800 + 100 + 10_000 + 4 * 100 * 100) * 4 + 100 * 99 * 8);
    const zero = estimateScoreMemory({ ...SCORE, k: 0 });
    expect(bytes(zero, 'knn')).toBe(7200 + (1800 + 100 + 10_000 + 4 * 100 * 2) * 4 + 100 * 1 * 8);
    const bigTile = estimateScoreMemory({ ...SCORE, tileRows: 5000 });
    expect(bytes(bigTile, 'knn')).toBe(bytes(estimateScoreMemory(SCORE), 'knn'));
    expect(find(bigTile, 'knn').label).toContain('tiles of 100 rows');
    // a tile of 0 rows is one row
    expect(bytes(estimateScoreMemory({ ...SCORE, tileRows: 0 }), 'knn')).toBe(
      7200 + (18 + 1 + 100 + 44) * 4 + 8000,
    );
  });

  it('writes large row counts with thousands separators', () => {
    const e = estimateScoreMemory({ ...SCORE, rows: 20_000, approximateAbove: 50_000 });
    expect(find(e, 'knn').label).toContain('× 20,000 distances');
  });
});

describe('estimateScoreMemory: the IVF search', () => {
  it('counts √N cells and 8 probes by default: the probing tiles dominate', () => {
    const e = estimateScoreMemory({ ...SCORE, knnMode: 'ivf' });
    // 10 cells, 8 probes. k-means: 100 sampled rows × 8, 10 centres × 8, centres as [c; ‖c‖²] twice (2 · 9 · 10)
    const kmeans = (800 + 80 + 180) * 4;
    // tiles of 1024 centre queries (knnTileRows(10)): 2 · 1024 · 9, the 1024 × 10 product, topk 4 · 1024 · 8
    const probing = (2 * 1024 * 9 + 1024 * 10 + 4 * 1024 * 8) * 4;
    // probes and their distances 100 · 8 · 2, the cell of each row, cell offsets twice 11
    const lists = (1600 + 100 + 22) * 4;
    // one cell block (twice the average cell: 10 rows, 80 probing queries):
    // 2 · (10 · 8 + 2 · 9 · 10 + 2 · 80 · 9 + 80 · 10 + 4 · 80 · 11) floats, smaller than the probing tiles
    const block = 2 * (80 + 180 + 1440 + 800 + 3520) * 4;
    expect(block).toBeLessThan(probing);
    expect(bytes(e, 'knn')).toBe(kmeans + probing + lists + 8000);
    expect(bytes(e, 'knn')).toBe(264_888);
    expect(find(e, 'knn').remedies).toEqual(['smaller-k']);
    // the memory table shows it as the kNN phase, as the exact search
    expect(find(e, 'knn').phase).toBe('knn');
    // held + the kNN phase, larger than the fold (53,492) and the embedding scores (19,472)
    expect(e.total).toBe(HELD + 264_888);
  });

  it('counts 3 cells, 2 probes, 401 normalised rows: one cell block dominates', () => {
    const e = estimateScoreMemory({
      ...SCORE,
      rows: 401,
      knnMode: 'ivf',
      nlist: 3,
      nprobe: 2,
      normalize: true,
    });
    const normalised = 401 * 8 * 4;
    // k-means samples 64 rows a cell (192 of 401)
    const kmeans = (192 * 8 + 3 * 8 + 2 * 9 * 3) * 4;
    const probing = (2 * 1024 * 9 + 1024 * 3 + 4 * 1024 * 2) * 4;
    const lists = (401 * 2 * 2 + 401 + 2 * 4) * 4;
    // cells of ⌈401 / 3⌉ = 134 rows, ⌈401 · 2 / 3⌉ = 268 probing queries
    const block = 2 * (134 * 8 + 2 * 9 * 134 + 2 * 268 * 9 + 268 * 134 + 4 * 268 * 11) * 4;
    expect(block).toBeGreaterThan(probing);
    expect(bytes(e, 'knn')).toBe(normalised + kmeans + block + lists + 401 * 10 * 2 * 4);
    expect(bytes(e, 'knn')).toBe(507_516);
  });

  it('clamps the cells to the rows and the probes to the cells', () => {
    // 500 cells asked on 100 rows: 100 cells of one row, 8 probes
    const many = estimateScoreMemory({ ...SCORE, knnMode: 'ivf', nlist: 500 });
    const kmeans = (800 + 800 + 2 * 9 * 100) * 4;
    const probing = (2 * 1024 * 9 + 1024 * 100 + 4 * 1024 * 8) * 4;
    const lists = (1600 + 100 + 2 * 101) * 4;
    expect(bytes(many, 'knn')).toBe(kmeans + probing + lists + 8000);
    // 5 probes of 2 cells: 2 probes, every row probes both cells
    const few = estimateScoreMemory({ ...SCORE, knnMode: 'ivf', nlist: 2, nprobe: 5 });
    const probing2 = (2 * 1024 * 9 + 1024 * 2 + 4 * 1024 * 2) * 4;
    const block2 = 2 * (50 * 8 + 2 * 9 * 50 + 2 * 100 * 9 + 100 * 50 + 4 * 100 * 11) * 4;
    expect(block2).toBeLessThan(probing2);
    expect(bytes(few, 'knn')).toBe((800 + 16 + 36) * 4 + probing2 + (400 + 100 + 6) * 4 + 8000);
    // 0 probes is one
    const one = estimateScoreMemory({ ...SCORE, knnMode: 'ivf', nlist: 2, nprobe: 0 });
    const probing1 = (2 * 1024 * 9 + 1024 * 2 + 4 * 1024 * 1) * 4;
    expect(bytes(one, 'knn')).toBe((800 + 16 + 36) * 4 + probing1 + (200 + 100 + 6) * 4 + 8000);
  });

  it('switches to IVF above approximateAbove in auto mode, not at it', () => {
    expect(knnIsApproximate('auto', 100, 100)).toBe(false);
    expect(knnIsApproximate('auto', 101, 100)).toBe(true);
    expect(knnIsApproximate('ivf', 1, 100)).toBe(true);
    expect(knnIsApproximate('exact', 1_000_000, 100)).toBe(false);
    const at = estimateScoreMemory({ ...SCORE, knnMode: 'auto', approximateAbove: 100 });
    expect(bytes(at, 'knn')).toBe(bytes(estimateScoreMemory(SCORE), 'knn'));
    expect(find(at, 'knn').remedies).toEqual(['approximate-knn', 'smaller-k']);
    const above = estimateScoreMemory({ ...SCORE, knnMode: 'auto', approximateAbove: 99 });
    expect(bytes(above, 'knn')).toBe(264_888);
    expect(find(above, 'knn').label).toContain('approximate');
  });
});

describe('estimateScoreMemory: the cross-validation fold', () => {
  it('clamps the batch to a fold’s training rows, with at least two folds', () => {
    // one batch: 2 × rows × (15 activations + 9 loss values) × 4 bytes
    const batch = (rows: number) => 2 * rows * 24 * 4;
    // 5 folds of 100: 80 training rows
    expect(bytes(estimateScoreMemory({ ...SCORE, batchSize: 1000 }), 'cv-batch')).toBe(batch(80));
    // 3 folds: 100 − ⌊100 / 3⌋ = 67
    expect(bytes(estimateScoreMemory({ ...SCORE, batchSize: 1000, folds: 3 }), 'cv-batch')).toBe(batch(67));
    // 1 fold counts as 2: 50 training rows
    expect(bytes(estimateScoreMemory({ ...SCORE, batchSize: 1000, folds: 1 }), 'cv-batch')).toBe(batch(50));
    // the whole dataset is cross-validated: 150 rows in 5 folds train on 120
    const retrain = estimateScoreMemory({ ...SCORE, datasetRows: 150, batchSize: 1000 });
    expect(bytes(retrain, 'cv-batch')).toBe(batch(120));
    expect(find(retrain, 'cv-batch').label).toBe(
      'Cross-validation fold: One batch of 120 rows: activations and their gradients',
    );
    // a batch of 0 rows is one row
    expect(bytes(estimateScoreMemory({ ...SCORE, batchSize: 0 }), 'cv-batch')).toBe(batch(1));
  });

  it('counts an eval chunk of the rows asked for, at least one and at most the dataset', () => {
    // per row: 15 activations, 11 · 3, d 8, 17, 2 · (5 + 3 + 8), 5 = 110 floats; per-row statistics 100 × (17 + 12)
    const e = estimateScoreMemory({ ...SCORE, evalBatchSize: 7 });
    expect(bytes(e, 'cv-eval')).toBe(7 * 110 * 4 + 2900);
    expect(find(e, 'cv-eval').label).toContain('an eval chunk of 7 rows');
    expect(bytes(estimateScoreMemory({ ...SCORE, evalBatchSize: 0 }), 'cv-eval')).toBe(110 * 4 + 2900);
    expect(bytes(estimateScoreMemory({ ...SCORE, evalBatchSize: 500 }), 'cv-eval')).toBe(
      100 * 110 * 4 + 2900,
    );
  });

  it('never counts fewer dataset rows than the run’s', () => {
    const e = estimateScoreMemory({ ...SCORE, datasetRows: 50 });
    expect(bytes(e, 'dataset')).toBe(2000);
    expect(bytes(e, 'label-probs')).toBe(2400);
  });
});

describe('estimateScoreMemory: the embedding scores', () => {
  it('counts the PCA points at the dimensions asked for, at most d', () => {
    // class lists 400; 4 · 100 · 8 floats of the largest class; its PCA points; 2 · 3 · 8 · 8 float64
    expect(bytes(estimateScoreMemory({ ...SCORE, pcaDims: 3 }), 'embedding')).toBe(
      400 + 12_800 + 1200 + 3072,
    );
    expect(bytes(estimateScoreMemory({ ...SCORE, pcaDims: 50 }), 'embedding')).toBe(
      400 + 12_800 + 3200 + 3072,
    );
  });

  it('clamps the largest class to the rows and to one', () => {
    expect(bytes(estimateScoreMemory({ ...SCORE, largestClass: 1000 }), 'embedding')).toBe(
      400 + 12_800 + 3200 + 3072,
    );
    expect(bytes(estimateScoreMemory({ ...SCORE, largestClass: 0 }), 'embedding')).toBe(
      400 + 128 + 32 + 3072,
    );
  });
});

describe('estimateScoreMemory: phases, remedies and labels', () => {
  it('holds the dataset, the run, the label probabilities and the scores; the rest lives in one phase each', () => {
    const e = estimateScoreMemory(SCORE);
    const phases = Object.fromEntries(e.parts.map((p) => [p.key, p.phase]));
    expect(phases).toEqual({
      dataset: 'held',
      run: 'held',
      'label-probs': 'held',
      scores: 'held',
      'cv-inputs': 'cross-validation',
      'cv-model': 'cross-validation',
      'cv-batch': 'cross-validation',
      'cv-eval': 'cross-validation',
      knn: 'knn',
      embedding: 'embedding',
    });
  });

  it('offers, for each part, the settings that shrink it', () => {
    // The refusal message suggests these: the rows for what grows with the dataset, epochs and the model for the
    // run, the batch for a training batch, approximate search and k for the exact kNN.
    const e = estimateScoreMemory(SCORE);
    const remedies = Object.fromEntries(e.parts.map((p) => [p.key, p.remedies]));
    expect(remedies).toEqual({
      dataset: ['fewer-rows'],
      run: ['fewer-epochs', 'smaller-model'],
      'label-probs': ['fewer-rows'],
      scores: ['fewer-rows'],
      'cv-inputs': ['fewer-rows'],
      'cv-model': ['smaller-model'],
      'cv-batch': ['smaller-batch', 'smaller-model'],
      'cv-eval': ['fewer-rows'],
      knn: ['approximate-knn', 'smaller-k'],
      embedding: ['smaller-model'],
    });
  });

  it('labels each part with what it counts', () => {
    const e = estimateScoreMemory({ ...SCORE, epochs: 7 });
    for (const p of e.parts) expect(p.label.length, p.key).toBeGreaterThan(20);
    expect(find(e, 'run').label).toBe('The run: dynamics of 7 epochs and 7 checkpoints');
    expect(find(e, 'cv-model').label).toMatch(/^Cross-validation fold: Model: 67 weights/);
    expect(find(e, 'cv-eval').label).toContain('an eval chunk of 100 rows');
    const labels = e.parts.map((p) => p.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
