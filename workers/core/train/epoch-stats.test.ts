/**
 * The epoch statistics a training run gathers: dynamics buffers filled epoch by epoch (and trimmed when a run stops
 * early), rows picked out of an all-rows pass, per-class means and medians. Every expected value is worked by hand.
 */
import { describe, expect, it } from 'vitest';
import * as epoch from './epoch-stats';
import type { PassValues } from './recorder';
import type { Checkpoint, ModelSpec } from './types';

/** A pass over `n` rows whose every value says which epoch and row it is: 10·epoch + row (+ a field offset). */
function pass(epoch: number, n: number, outputs?: { probs: number[]; embeddings: number[] }): PassValues {
  const v = (offset: number) => Float32Array.from({ length: n }, (_, r) => 10 * epoch + r + offset);
  return {
    rows: n,
    probAssigned: v(0.5),
    margin: v(100),
    loss: v(200),
    correct: Uint8Array.from({ length: n }, (_, r) => (r + epoch) % 2),
    lastLayerGradSq: v(300),
    ...(outputs && {
      probs: Float32Array.from(outputs.probs),
      embeddings: Float32Array.from(outputs.embeddings),
    }),
  };
}

const checkpoint = (epoch: number): Checkpoint => ({ epoch, learningRate: 0.1, weights: [], shapes: [] });
const spec: ModelSpec = { kind: 'mlp', featureCount: 2, classCount: 2, hidden: [1] };
const stats = { mean: new Float32Array(2), std: new Float32Array(2) };
const rows = Int32Array.from([0, 1, 2]);
const inTraining = Uint8Array.from([1, 1, 0]);
const labels = Int32Array.from([0, 1, 1]);

describe('DynamicsBuffers', () => {
  it('gives nothing before the first epoch', () => {
    expect(new epoch.DynamicsBuffers(3, 2, 2, 1).result(rows, inTraining, labels, spec, stats)).toBeNull();
  });

  it('places each epoch in its block, keeps the last outputs, and returns the full arrays when every epoch ran', () => {
    const buffers = new epoch.DynamicsBuffers(3, 2, 2, 1);
    buffers.add(0, pass(0, 3), Float32Array.from([1, 2]), checkpoint(0));
    const outputs = { probs: [0.1, 0.9, 0.2, 0.8, 0.3, 0.7], embeddings: [7, 8, 9] };
    buffers.add(1, pass(1, 3, outputs), Float32Array.from([3, 4]), checkpoint(1));
    expect(buffers.epochsDone).toBe(2);
    const d = buffers.result(rows, inTraining, labels, spec, stats);
    if (d === null) throw new Error('expected dynamics');
    expect(Array.from(d.probAssigned)).toEqual([0.5, 1.5, 2.5, 10.5, 11.5, 12.5]);
    expect(Array.from(d.margin)).toEqual([100, 101, 102, 110, 111, 112]);
    expect(Array.from(d.loss)).toEqual([200, 201, 202, 210, 211, 212]);
    expect(Array.from(d.correct)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(d.lastLayerGradSq)).toEqual([300, 301, 302, 310, 311, 312]);
    expect(Array.from(d.classLoss)).toEqual([1, 2, 3, 4]);
    expect(Array.from(d.finalProbs)).toEqual(outputs.probs.map(Math.fround));
    expect(Array.from(d.embeddings)).toEqual([7, 8, 9]);
    expect(d.checkpoints.map((c) => c.epoch)).toEqual([0, 1]);
    // Every epoch ran: the buffers themselves, not copies.
    expect(d.loss).toBe(buffers.loss);
    expect(d.classLoss).toBe(buffers.classLoss);
    expect(d).toMatchObject({
      samples: 3,
      epochs: 2,
      classCount: 2,
      embeddingDim: 1,
      sampleRows: rows,
      inTraining,
      labels,
      modelSpec: spec,
      standardization: stats,
    });
  });

  it('trims every per-epoch array to the epochs recorded when a run stops early', () => {
    const buffers = new epoch.DynamicsBuffers(2, 3, 3, 2);
    buffers.add(0, pass(0, 2), Float32Array.from([1, 2, 3]), checkpoint(0));
    buffers.add(1, pass(1, 2), Float32Array.from([4, 5, 6]), checkpoint(1));
    const d = buffers.result(
      rows.subarray(0, 2),
      inTraining.subarray(0, 2),
      labels.subarray(0, 2),
      spec,
      stats,
    );
    if (d === null) throw new Error('expected dynamics');
    expect(d.epochs).toBe(2);
    expect(Array.from(d.probAssigned)).toEqual([0.5, 1.5, 10.5, 11.5]);
    expect(Array.from(d.margin)).toEqual([100, 101, 110, 111]);
    expect(Array.from(d.loss)).toEqual([200, 201, 210, 211]);
    expect(Array.from(d.correct)).toEqual([0, 1, 1, 0]);
    expect(Array.from(d.lastLayerGradSq)).toEqual([300, 301, 310, 311]);
    expect(Array.from(d.classLoss)).toEqual([1, 2, 3, 4, 5, 6]);
    // No pass carried outputs: they stay zero, at their full size.
    expect(Array.from(d.finalProbs)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(d.embeddings)).toEqual([0, 0, 0, 0]);
  });
});

describe('epoch statistics', () => {
  it('picks the given rows out of a pass, in the order given', () => {
    const picked = epoch.pickRows(pass(2, 4), Int32Array.from([3, 0]));
    expect(picked.rows).toBe(2);
    expect(Array.from(picked.probAssigned)).toEqual([23.5, 20.5]);
    expect(Array.from(picked.margin)).toEqual([123, 120]);
    expect(Array.from(picked.loss)).toEqual([223, 220]);
    expect(Array.from(picked.correct)).toEqual([1, 0]);
    expect(Array.from(picked.lastLayerGradSq)).toEqual([323, 320]);
  });

  it('takes per-class medians of odd and even counts (NaN for an empty class), sorted numerically', () => {
    // Class 0: 10, 2, 33 → median 10 (a text sort would give 10, 2, 33 and pick 2).
    // Class 1: 4, 1, 3, 100 → (3 + 4) / 2 = 3.5. Class 2: none. Class 3: 7.
    const loss = Float32Array.from([10, 4, 2, 1, 33, 3, 100, 7]);
    const y = Int32Array.from([0, 1, 0, 1, 0, 1, 1, 3]);
    const medians = epoch.classMedians(loss, y, 4);
    expect(medians[0]).toBe(10);
    expect(medians[1]).toBe(3.5);
    expect(medians[2]).toBeNaN();
    expect(medians[3]).toBe(7);
  });

  it('takes per-class means (NaN for an empty class)', () => {
    const means = epoch.classMeans(Float32Array.from([1, 2, 4, 8]), Int32Array.from([0, 2, 0, 0]), 3);
    expect(means[0]).toBeCloseTo(13 / 3, 6);
    expect(means[1]).toBeNaN();
    expect(means[2]).toBe(2);
  });

  it('marks training rows, checks finiteness, and averages', () => {
    expect(Array.from(epoch.inTrainingMask(5, Int32Array.from([4, 1])))).toEqual([0, 1, 0, 0, 1]);
    expect(epoch.allFinite(Float32Array.from([0, -1e30, 3]))).toBe(true);
    expect(epoch.allFinite(Float32Array.from([0, Number.NaN]))).toBe(false);
    expect(epoch.allFinite(Float32Array.from([Number.NEGATIVE_INFINITY, 0]))).toBe(false);
    expect(epoch.allFinite(new Float32Array(0))).toBe(true);
    expect(epoch.mean([1, 2, 6])).toBe(3);
    expect(epoch.mean([])).toBeNaN();
  });
});
