import { describe, expect, it } from 'vitest';
import { valAccuracy } from './accuracy';
import type { TrainingDynamics } from './types';

/** Dynamics of 6 rows, 2 epochs, 3 classes; only the fields valAccuracy reads are meaningful. */
function dynamics(inTraining: number[], labels: number[], correct: number[]): TrainingDynamics {
  const samples = labels.length;
  const epochs = correct.length / samples;
  return {
    samples,
    epochs,
    classCount: 3,
    sampleRows: Int32Array.from(labels, (_, i) => i),
    inTraining: Uint8Array.from(inTraining),
    labels: Int32Array.from(labels),
    probAssigned: new Float32Array(epochs * samples),
    margin: new Float32Array(epochs * samples),
    loss: new Float32Array(epochs * samples),
    correct: Uint8Array.from(correct),
    lastLayerGradSq: new Float32Array(epochs * samples),
    finalProbs: new Float32Array(samples * 3),
    embeddings: new Float32Array(0),
    embeddingDim: 0,
    checkpoints: [],
    classLoss: new Float32Array(epochs * 3),
  };
}

describe('valAccuracy', () => {
  it('counts held-out rows of the last epoch only, per assigned class', () => {
    // Rows 0,1 trained; 2..5 held out with labels 0,0,1,1. Epoch 0 all wrong; epoch 1: rows 2,4 right.
    const d = dynamics([1, 1, 0, 0, 0, 0], [0, 1, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0]);
    const acc = valAccuracy(d);
    expect(acc.overall).toBe(0.5);
    expect(acc.perClass[0]).toBe(0.5);
    expect(acc.perClass[1]).toBe(0.5);
    expect(acc.perClass[2]).toBeNaN();
    expect(acc.counts).toEqual([2, 2, 0]);
  });

  it('is NaN without validation rows', () => {
    expect(valAccuracy(dynamics([1, 1], [0, 1], [1, 1])).overall).toBeNaN();
  });

  it('counts every right row of a class, and nothing at all before the first epoch', () => {
    // Rows 0-2 held out with label 1, all three right at the only epoch: class 1 is 3 of 3.
    const d = dynamics([0, 0, 0, 1], [1, 1, 1, 0], [1, 1, 1, 1]);
    const acc = valAccuracy(d);
    expect(acc.perClass[1]).toBe(1);
    expect(acc.counts).toEqual([0, 3, 0]);
    expect(acc.overall).toBe(1);
    // No epoch recorded yet: no row counted, although three are held out.
    const none = valAccuracy({ ...dynamics([0, 0, 0, 1], [1, 1, 1, 0], []), epochs: 0 });
    expect(none.counts).toEqual([0, 0, 0]);
    expect(none.overall).toBeNaN();
    expect(none.perClass[1]).toBeNaN();
  });
});
