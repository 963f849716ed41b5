import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './model';
import { evalChunkRows, recordPass } from './recorder';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The value, or a failed test naming what recordPass left out. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`recordPass gave no ${what}.`);
  return value;
}

const softmax = (z: number[]) => {
  const e = z.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('recordPass on a hand-set model', () => {
  // x → ReLU(x·I) = h → h·W2 + b2 = z, with W2 = [[2,0,0],[0,1,0]], b2 = [0,0,0.5].
  //   sample A: x = [1, 0],   h = [1, 0], z = [2, 0, 0.5], y = 0 → margin 2 - 0.5 = 1.5, correct
  //   sample B: x = [0, 2],   h = [0, 2], z = [0, 2, 0.5], y = 0 → margin 0 - 2 = -2, wrong
  //   sample C: x = [-1, -1], h = [0, 0], z = [0, 0, 0.5], y = 2 → margin 0.5 - 0 = 0.5, correct
  const x = [1, 0, 0, 2, -1, -1];
  const labels = [0, 0, 2];
  const hs = [
    [1, 0],
    [0, 2],
    [0, 0],
  ];
  const zs = [
    [2, 0, 0.5],
    [0, 2, 0.5],
    [0, 0, 0.5],
  ];

  /** The model above with its weights set, the three samples and their labels. */
  function handSetModel() {
    const m = buildModel({ kind: 'mlp', featureCount: 2, classCount: 3, hidden: [2] }, 1);
    const weights = [
      tf.tensor2d([1, 0, 0, 1], [2, 2]),
      tf.tensor1d([0, 0]),
      tf.tensor2d([2, 0, 0, 0, 1, 0], [2, 3]),
      tf.tensor1d([0, 0, 0.5]),
    ];
    m.model.setWeights(weights);
    const xs = tf.tensor2d(x, [3, 2]);
    const ys = tf.tensor1d(labels, 'int32');
    const dispose = () => {
      tf.dispose([...weights, xs, ys]);
      m.model.dispose();
    };
    return { m, xs, ys, dispose };
  }

  it('gives p[y], margin, loss, correct, ||p-onehot||²(||h||²+1), softmax and embeddings', async () => {
    const { m, xs, ys, dispose } = handSetModel();
    // Rows in a non-trivial order, chunks of 2: checks that values land at their row's position.
    const rows = Int32Array.from([2, 0, 1]);
    const pass = await recordPass(m, xs, ys, rows, { batchSize: 2, withOutputs: true });
    dispose();
    if (!pass) throw new Error('recordPass returned null without being cancelled.');
    const probs = defined(pass.probs, 'probs');
    const embeddings = defined(pass.embeddings, 'embeddings');

    expect(pass.rows).toBe(3);
    expect(probs.length).toBe(3 * 3);
    expect(embeddings.length).toBe(3 * 2);
    const expectedMargin = [1.5, -2, 0.5];
    const expectedCorrect = [1, 0, 1];
    rows.forEach((r, j) => {
      const p = softmax(zs[r]);
      const y = labels[r];
      const h2 = hs[r][0] ** 2 + hs[r][1] ** 2;
      const gradSq = p.reduce((s, pk, k) => s + (pk - (k === y ? 1 : 0)) ** 2, 0) * (h2 + 1);
      expect(pass.probAssigned[j]).toBeCloseTo(p[y], 6);
      expect(pass.loss[j]).toBeCloseTo(-Math.log(p[y]), 5);
      expect(pass.margin[j]).toBeCloseTo(expectedMargin[r], 6);
      expect(pass.correct[j]).toBe(expectedCorrect[r]);
      expect(pass.lastLayerGradSq[j]).toBeCloseTo(gradSq, 5);
      for (let k = 0; k < 3; k++) expect(probs[j * 3 + k]).toBeCloseTo(p[k], 6);
      expect(Array.from(embeddings.subarray(j * 2, j * 2 + 2))).toEqual(hs[r]);
    });
    // Sample A by hand: p = [e², 1, e^0.5] / (e² + 1 + e^0.5).
    const sA = Math.exp(2) + 1 + Math.exp(0.5);
    expect(pass.probAssigned[1]).toBeCloseTo(Math.exp(2) / sA, 6);
    expect(pass.lastLayerGradSq[1]).toBeCloseTo(
      2 * ((1 - Math.exp(2) / sA) ** 2 + (1 / sA) ** 2 + (Math.exp(0.5) / sA) ** 2),
      5,
    );
  });

  it('writes the softmax and embeddings into arrays it is given, and refuses arrays of the wrong size', async () => {
    const { m, xs, ys, dispose } = handSetModel();
    const outputs = { probs: new Float32Array(9).fill(-1), embeddings: new Float32Array(6).fill(-1) };
    const rows = Int32Array.from([1, 2, 0]);
    const pass = await recordPass(m, xs, ys, rows, { batchSize: 2, withOutputs: true, outputs });
    const wrong = { probs: new Float32Array(9), embeddings: new Float32Array(4) };
    const refused = recordPass(m, xs, ys, rows, { withOutputs: true, outputs: wrong });
    await expect(refused).rejects.toThrow(/must hold 9 and 6 values/);
    const wrongProbs = { probs: new Float32Array(8), embeddings: new Float32Array(6) };
    await expect(recordPass(m, xs, ys, rows, { withOutputs: true, outputs: wrongProbs })).rejects.toThrow(
      'recordPass: output arrays for 3 rows must hold 9 and 6 values.',
    );
    dispose();
    if (!pass) throw new Error('recordPass returned null without being cancelled.');
    expect(pass.probs).toBe(outputs.probs);
    expect(pass.embeddings).toBe(outputs.embeddings);
    rows.forEach((r, j) => {
      const p = softmax(zs[r]);
      for (let k = 0; k < 3; k++) expect(outputs.probs[j * 3 + k]).toBeCloseTo(p[k], 6);
      expect(Array.from(outputs.embeddings.subarray(j * 2, j * 2 + 2))).toEqual(hs[r]);
    });
  });

  it('without withOutputs: the same statistics, no softmax or embeddings; waits between chunks only', async () => {
    const { m, xs, ys, dispose } = handSetModel();
    let waits = 0;
    const rows = Int32Array.from([1, 2, 0]);
    const pass = await recordPass(m, xs, ys, rows, {
      batchSize: 2,
      between: async () => {
        waits++;
      },
    });
    const whole = await recordPass(m, xs, ys, rows);
    dispose();
    if (!pass || !whole) throw new Error('recordPass returned null without being cancelled.');
    expect(pass.probs).toBeUndefined();
    expect(pass.embeddings).toBeUndefined();
    expect(waits).toBe(1); // two chunks of 2 rows: one wait between them, none after the last
    expect(Array.from(pass.margin)).toEqual([-2, 0.5, 1.5]);
    expect(Array.from(pass.correct)).toEqual([0, 1, 1]);
    rows.forEach((r, j) => {
      const p = softmax(zs[r]);
      expect(pass.probAssigned[j]).toBeCloseTo(p[labels[r]], 6);
      expect(pass.loss[j]).toBeCloseTo(-Math.log(p[labels[r]]), 5);
    });
    // One chunk of the default size gives the same values.
    expect(Array.from(whole.loss)).toEqual(Array.from(pass.loss));
    expect(Array.from(whole.lastLayerGradSq)).toEqual(Array.from(pass.lastLayerGradSq));
  });

  it('asks whether it is cancelled once before each chunk and waits between chunks, never after the last', async () => {
    const { m, xs, ys, dispose } = handSetModel();
    let asked = 0;
    let waits = 0;
    // Three chunks of one row: asked three times, waits twice; a "yes" after the last chunk comes too late.
    const pass = await recordPass(m, xs, ys, Int32Array.from([0, 1, 2]), {
      batchSize: 1,
      cancelled: () => asked++ >= 3,
      between: async () => {
        waits++;
      },
    });
    dispose();
    expect(asked).toBe(3);
    expect(waits).toBe(2);
    expect(pass?.margin).toEqual(Float32Array.of(1.5, -2, 0.5));
  });

  it('returns null when cancelled between chunks, and frees its tensors', async () => {
    const m = buildModel({ kind: 'mlp', featureCount: 2, classCount: 3, hidden: [2] }, 1);
    const xs = tf.tensor2d(x, [3, 2]);
    const ys = tf.tensor1d(labels, 'int32');
    const before = tf.memory().numTensors;
    let chunks = 0;
    const pass = await recordPass(m, xs, ys, Int32Array.from([0, 1, 2]), {
      batchSize: 1,
      cancelled: () => chunks++ >= 1,
    });
    expect(pass).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    m.model.dispose();
  });

  it('sizes eval chunks by the widest activation: large for MLPs, 1024 for image CNNs', () => {
    // synth20k's shape: the widest is the packed output, 64 + 4 classes + 5 stats wide.
    expect(evalChunkRows({ kind: 'mlp', featureCount: 32, classCount: 4, hidden: [64] })).toBe(
      Math.floor(2 ** 20 / 73),
    );
    expect(evalChunkRows({ kind: 'mlp', featureCount: 8, classCount: 2, hidden: [8] })).toBe(16384);
    expect(evalChunkRows({ kind: 'mlp', featureCount: 512, classCount: 10, hidden: [64] })).toBe(2048);
    expect(evalChunkRows({ kind: 'mlp', featureCount: 4096, classCount: 10, hidden: [64] })).toBe(1024);
    const cnn = {
      kind: 'cnn' as const,
      featureCount: 64,
      classCount: 10,
      hidden: [64],
      image: { width: 8, height: 8 },
    };
    expect(evalChunkRows(cnn)).toBe(1024);
  });
});
