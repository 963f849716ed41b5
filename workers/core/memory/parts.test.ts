/**
 * What the refusal message and the estimate's breakdown are built from (issue 16, from mutation testing): the
 * remedies worth offering, the peak of held parts plus the largest phase, and the training estimate's phases,
 * remedies, labels and clamps. Expected values are counted by hand from the layout documented in train-memory.ts.
 */
import { describe, expect, it } from 'vitest';
import { estimateTrainMemory, type MemoryEstimate, type MemoryPart, remediesFor } from './estimate';
import { activationsPerSample, parameterCount, peak } from './parts';
import { TRAIN } from './test-shapes';

function part(
  key: string,
  bytes: number,
  phase: MemoryPart['phase'],
  remedies: MemoryPart['remedies'],
): MemoryPart {
  return { key, label: key, bytes, phase, remedies };
}

describe('remediesFor', () => {
  it('offers the remedies of the largest parts until they make 80% of the estimate, each once', () => {
    const e: MemoryEstimate = {
      // deliberately not sorted: 15, 50, 5, 30 of 100 bytes
      parts: [
        part('c', 15, 'held', ['smaller-k']),
        part('a', 50, 'held', ['fewer-rows']),
        part('d', 5, 'held', ['smaller-batch']),
        part('b', 30, 'knn', ['approximate-knn', 'fewer-rows']),
      ],
      total: 100,
    };
    // a (50) then b (30): 80 of 100 reached exactly, so c and d are not offered
    expect(remediesFor(e)).toEqual(['fewer-rows', 'approximate-knn']);
    // one byte more in c: a and b make 79 of 101, c is needed too
    e.parts[0].bytes = 16;
    expect(remediesFor(e)).toEqual(['fewer-rows', 'approximate-knn', 'smaller-k']);
  });

  it('offers nothing for parts of no bytes', () => {
    const e: MemoryEstimate = {
      parts: [part('a', 0, 'held', ['fewer-rows']), part('b', 0, 'knn', ['smaller-k'])],
      total: 0,
    };
    expect(remediesFor(e)).toEqual([]);
    // a part of no bytes is never offered, even when the others do not reach 80% without it
    e.parts.push(part('c', 10, 'eval', ['fewer-epochs']));
    expect(remediesFor(e)).toEqual(['fewer-epochs']);
  });
});

describe('peak', () => {
  it('adds the held parts and the largest phase, each phase summed over its parts', () => {
    const parts = [
      part('h1', 100, 'held', []),
      part('h2', 20, 'held', []),
      part('k1', 60, 'knn', []),
      part('k2', 50, 'knn', []),
      part('e', 90, 'embedding', []),
    ];
    // knn 110 beats embedding 90
    expect(peak(parts)).toBe(120 + 110);
    expect(peak(parts.slice(0, 2))).toBe(120);
    expect(peak([])).toBe(0);
  });
});

describe('estimateTrainMemory: phases, remedies, labels and clamps', () => {
  it('holds everything but the training batch and the end-of-epoch pass', () => {
    const e = estimateTrainMemory(TRAIN);
    expect(Object.fromEntries(e.parts.map((p) => [p.key, p.phase]))).toEqual({
      dataset: 'held',
      'input-tensors': 'held',
      model: 'held',
      batch: 'batch',
      dynamics: 'held',
      checkpoints: 'held',
      curves: 'held',
      eval: 'eval',
    });
  });

  it('offers, for each part, the settings that shrink it', () => {
    const e = estimateTrainMemory(TRAIN);
    expect(Object.fromEntries(e.parts.map((p) => [p.key, p.remedies]))).toEqual({
      dataset: ['fewer-rows'],
      'input-tensors': ['fewer-rows'],
      model: ['smaller-model'],
      batch: ['smaller-batch', 'smaller-model'],
      dynamics: ['fewer-epochs', 'fewer-rows'],
      checkpoints: ['fewer-epochs', 'smaller-model'],
      curves: ['fewer-epochs'],
      eval: ['fewer-rows'],
    });
  });

  it('labels each part with its numbers', () => {
    const e = estimateTrainMemory({ ...TRAIN, rows: 12_345, epochs: 7, evalBatchSize: 33 });
    const label = (key: string) => e.parts.find((p) => p.key === key)?.label ?? '';
    for (const p of e.parts) expect(p.label.length, p.key).toBeGreaterThan(20);
    expect(label('dynamics')).toBe('Training dynamics: 7 epochs × 12,345 rows, final softmax and embeddings');
    expect(label('checkpoints')).toBe('Checkpoints: every weight at the end of each of 7 epochs');
    expect(label('eval')).toBe("End-of-epoch pass: a chunk of 33 rows and every row's outputs");
    expect(label('model')).toBe('Model: 67 weights, gradients and optimizer state');
    expect(label('batch')).toBe('One batch of 10 rows: activations and their gradients');
    expect(new Set(e.parts.map((p) => p.label)).size).toBe(e.parts.length);
  });

  it('trains on at least one row, in batches of at least one row, with eval chunks of at least one row', () => {
    // every row held out for validation: still one training row, one batch a step, two epochs of one step
    const allHeldOut = estimateTrainMemory({ ...TRAIN, validationFraction: 1 });
    expect(allHeldOut.parts.find((p) => p.key === 'curves')?.bytes).toBe(2 * 2 * 4 + 2 * 1 * 4);
    // a batch of 0 rows is one: 80 steps an epoch, one row's 24 values twice
    const tiny = estimateTrainMemory({ ...TRAIN, batchSize: 0 });
    expect(tiny.parts.find((p) => p.key === 'batch')?.bytes).toBe(2 * 1 * 24 * 4);
    expect(tiny.parts.find((p) => p.key === 'curves')?.bytes).toBe(160 * 2 * 4 + 2 * 80 * 4);
    // an eval chunk of 0 rows is one row of 110 floats, plus 100 rows × (34 bytes + 11 floats)
    const chunk = estimateTrainMemory({ ...TRAIN, evalBatchSize: 0 });
    expect(chunk.parts.find((p) => p.key === 'eval')?.bytes).toBe(110 * 4 + 7_800);
    // 30 training rows in batches of 7: ⌈30 / 7⌉ = 5 steps an epoch
    const uneven = estimateTrainMemory({ ...TRAIN, rows: 100, validationFraction: 0.7, batchSize: 7 });
    expect(uneven.parts.find((p) => p.key === 'curves')?.bytes).toBe(10 * 2 * 4 + 2 * 30 * 4);
  });
});

describe('model counts on image data', () => {
  it('an MLP given the image size counts its dense layers only', () => {
    const mlp = { model: 'mlp' as const, hidden: [8], image: { width: 8, height: 8 } };
    // 64·8 + 8 + 8·10 + 10; outputs 64 inputs, 8 hidden, 10 logits
    expect(parameterCount(mlp, 64, 10)).toBe(610);
    expect(activationsPerSample(mlp, 64, 10)).toBe(82);
  });

  it('a CNN on 28 × 28 images: the strided stem has no pool', () => {
    const cnn = { model: 'cnn' as const, hidden: [32], image: { width: 28, height: 28 } };
    // input 784; stem stride 2: 14 × 14 × 16, no pool; block: 14 × 14 × 32, pool 7 × 7 × 32; dense 32; logits 10
    expect(activationsPerSample(cnn, 784, 10)).toBe(784 + 3136 + 6272 + 1568 + 32 + 10);
  });
});
