/**
 * model.ts on CPU: the spec and its refusals word for word, the layers built (sizes, activations, kernels, strides,
 * pools), Glorot-uniform kernels within their bound and seeded per layer, zero biases, and a forward pass against a
 * Float64 loop over the model's own weights.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, forward, type ModelSpec, modelSpecFor, trainableVariables } from './model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MLP: ModelSpec = { kind: 'mlp', featureCount: 5, classCount: 3, hidden: [6, 4] };

function withModel<T>(spec: ModelSpec, seed: number, f: (m: ReturnType<typeof buildModel>) => T): T {
  const m = buildModel(spec, seed);
  try {
    return f(m);
  } finally {
    m.model.dispose();
  }
}

describe('modelSpecFor', () => {
  it('copies the settings’ model and hidden sizes and the data’s counts and image', () => {
    const hidden = [8, 4];
    const image = { width: 3, height: 2, channels: 2 };
    const spec = modelSpecFor({ model: 'cnn', hidden }, { featureCount: 12, classCount: 4, image });
    expect(spec).toEqual({ kind: 'cnn', featureCount: 12, classCount: 4, hidden: [8, 4], image });
    expect(spec.hidden).not.toBe(hidden);
    expect(spec.image).not.toBe(image);
    const plain = modelSpecFor({ model: 'mlp', hidden }, { featureCount: 12, classCount: 4 });
    expect(plain).toEqual({ kind: 'mlp', featureCount: 12, classCount: 4, hidden: [8, 4] });
    expect('image' in plain).toBe(false);
  });
});

describe('buildModel', () => {
  it('refuses a spec it cannot build, word for word', () => {
    const cases: Array<[ModelSpec, string]> = [
      [{ ...MLP, featureCount: 0 }, 'A model needs at least one feature, got 0.'],
      [{ ...MLP, featureCount: 1.5 }, 'A model needs at least one feature, got 1.5.'],
      [{ ...MLP, classCount: 1 }, 'A classifier needs at least two classes, got 1.'],
      [{ ...MLP, classCount: 2.5 }, 'A classifier needs at least two classes, got 2.5.'],
      [
        { ...MLP, hidden: [] },
        'Hidden sizes must be one or more positive integers (the last is the embedding), got [].',
      ],
      [
        { ...MLP, hidden: [4, 0] },
        'Hidden sizes must be one or more positive integers (the last is the embedding), got [4, 0].',
      ],
      [
        { ...MLP, hidden: [2.5] },
        'Hidden sizes must be one or more positive integers (the last is the embedding), got [2.5].',
      ],
      [
        { ...MLP, kind: 'cnn' },
        'The CNN needs image data whose height × width × channels equals the feature count.',
      ],
      [
        { ...MLP, kind: 'cnn', featureCount: 12, image: { width: 2, height: 3, channels: 3 } },
        'The CNN needs image data whose height × width × channels equals the feature count.',
      ],
      [
        { ...MLP, kind: 'cnn', featureCount: 12, image: { width: 4, height: 4 } },
        'The CNN needs image data whose height × width × channels equals the feature count.',
      ],
    ];
    for (const [spec, message] of cases)
      expect(() => buildModel(spec, 1), message).toThrow(new RangeError(message));
    // The smallest specs it takes: one feature, two classes, one hidden unit; a CNN of 4 × 4 pixels, one channel.
    withModel({ kind: 'mlp', featureCount: 1, classCount: 2, hidden: [1] }, 1, (m) =>
      expect(m.embeddingDim).toBe(1),
    );
    withModel({ ...MLP, kind: 'cnn', featureCount: 16, image: { width: 4, height: 4 } }, 1, (m) =>
      expect(m.model.outputs.map((o) => o.shape)).toEqual([
        [null, 4],
        [null, 3],
      ]),
    );
  });

  it('builds an MLP: a relu Dense per hidden size, then a linear Dense of the classes; outputs [h, z]', () => {
    withModel(MLP, 3, (m) => {
      expect(m.spec).toBe(MLP);
      expect(m.embeddingDim).toBe(4);
      const dense = m.model.layers.filter((l) => l.getClassName() === 'Dense');
      expect(dense.map((l) => [l.getConfig().units, l.getConfig().activation])).toEqual([
        [6, 'relu'],
        [4, 'relu'],
        [3, 'linear'],
      ]);
      expect(m.model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Dense', 'Dense', 'Dense']);
      expect(m.model.outputs.map((o) => o.shape)).toEqual([
        [null, 4],
        [null, 3],
      ]);
      // An MLP spec with an image is still an MLP.
      withModel({ ...MLP, featureCount: 4, image: { width: 2, height: 2 } }, 3, (n) =>
        expect(n.model.layers.map((l) => l.getClassName())).toEqual([
          'InputLayer',
          'Dense',
          'Dense',
          'Dense',
        ]),
      );
    });
  });

  it('builds the CNN of cnnLayers: 3 × 3 same relu convolutions, 2 × 2 pools, flatten, then the Dense layers', () => {
    const image = { width: 16, height: 16, channels: 2 };
    withModel({ kind: 'cnn', featureCount: 512, classCount: 3, hidden: [5], image }, 2, (m) => {
      expect(m.model.layers.map((l) => l.getClassName())).toEqual([
        'InputLayer',
        'Reshape',
        'Conv2D',
        'Conv2D',
        'MaxPooling2D',
        'Flatten',
        'Dense',
        'Dense',
      ]);
      expect(m.model.layers[1]?.outputShape).toEqual([null, 16, 16, 2]);
      const convs = m.model.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.getConfig());
      expect(convs.map((c) => [c.filters, c.kernelSize, c.strides, c.padding, c.activation])).toEqual([
        [16, [3, 3], [2, 2], 'same', 'relu'],
        [32, [3, 3], [1, 1], 'same', 'relu'],
      ]);
      expect(m.model.layers[4]?.getConfig().poolSize).toEqual([2, 2]);
      expect(m.model.layers[5]?.outputShape).toEqual([null, 4 * 4 * 32]);
    });
    // One channel when none is given.
    withModel(
      { kind: 'cnn', featureCount: 36, classCount: 2, hidden: [3], image: { width: 6, height: 6 } },
      2,
      (m) => expect(m.model.layers[1]?.outputShape).toEqual([null, 6, 6, 1]),
    );
  });

  it('draws Glorot-uniform kernels within √(6 / (in + out)), seeded per layer; biases are zero', () => {
    const weights = (seed: number) =>
      withModel(MLP, seed, (m) => m.model.getWeights().map((w) => Array.from(w.dataSync())));
    const a = weights(11);
    const shapes = [
      [5, 6],
      [6, 4],
      [4, 3],
    ];
    shapes.forEach(([fanIn = 0, fanOut = 0], i) => {
      const kernel = a[2 * i] ?? [];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      expect(kernel).toHaveLength(fanIn * fanOut);
      expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(limit);
      expect(Math.max(...kernel.map(Math.abs))).toBeGreaterThan(limit / 3);
      expect(a[2 * i + 1]).toEqual(new Array(fanOut).fill(0));
    });
    expect(weights(11)).toEqual(a);
    expect(weights(12)[0]).not.toEqual(a[0]);
    // Two layers of one shape draw different kernels.
    const twin = withModel({ ...MLP, featureCount: 4, hidden: [4, 4] }, 11, (m) =>
      m.model.getWeights().map((w) => Array.from(w.dataSync())),
    );
    expect(twin[2]).not.toEqual(twin[0]);
  });
});

describe('forward', () => {
  it('gives h = relu(relu(x·W₁ + b₁)·W₂ + b₂) and z = h·W₃ + b₃, as a Float64 loop over the weights', () => {
    withModel(MLP, 5, (m) => {
      const ws = m.model.getWeights();
      const biases = [0.5, -0.25, 0.125];
      // Non-zero biases so that a dropped bias shows.
      const filled = ws.map((w, i) => (i % 2 === 1 ? tf.fill(w.shape, biases[(i - 1) / 2] ?? 0) : w));
      m.model.setWeights(filled);
      tf.dispose(filled.filter((_, i) => i % 2 === 1));
      const W = m.model.getWeights().map((w) => Array.from(w.dataSync()));
      const xs = [
        [1, -2, 0.5, 3, -1],
        [0, 0.25, -0.5, 1, 2],
      ];
      const dense = (v: number[], k: number[], b: number[], out: number, relu: boolean) =>
        Array.from({ length: out }, (_, j) => {
          let s = b[j] ?? 0;
          v.forEach((vi, i) => {
            s += vi * (k[i * out + j] ?? 0);
          });
          return relu ? Math.max(0, s) : s;
        });
      const x = tf.tensor2d(xs);
      const { embedding, logits } = forward(m, x);
      expect(embedding.shape).toEqual([2, 4]);
      expect(logits.shape).toEqual([2, 3]);
      const h = embedding.arraySync();
      const z = logits.arraySync();
      xs.forEach((row, r) => {
        const h1 = dense(row, W[0] ?? [], W[1] ?? [], 6, true);
        const h2 = dense(h1, W[2] ?? [], W[3] ?? [], 4, true);
        const z3 = dense(h2, W[4] ?? [], W[5] ?? [], 3, false);
        h[r]?.forEach((v, j) => {
          expect(v).toBeCloseTo(h2[j] ?? Number.NaN, 5);
        });
        z[r]?.forEach((v, j) => {
          expect(v).toBeCloseTo(z3[j] ?? Number.NaN, 5);
        });
      });
      tf.dispose([x, embedding, logits]);
    });
  });

  it('refuses a symbolic input', () => {
    withModel(MLP, 5, (m) => {
      const symbolic = tf.input({ shape: [5] }) as unknown as tf.Tensor2D;
      expect(() => forward(m, symbolic)).toThrow(
        new Error('forward() needs a concrete tensor input, not a symbolic one.'),
      );
    });
  });
});

describe('trainableVariables', () => {
  it('gives the weights as tf.Variables in getWeights() order', () => {
    withModel(MLP, 5, (m) => {
      const vars = trainableVariables(m);
      expect(vars).toHaveLength(6);
      for (const v of vars) expect(v).toBeInstanceOf(tf.Variable);
      expect(vars.map((v) => v.shape)).toEqual(m.model.getWeights().map((w) => w.shape));
      expect(vars.map((v) => Array.from(v.dataSync()))).toEqual(
        m.model.getWeights().map((w) => Array.from(w.dataSync())),
      );
    });
  });
});
