import { describe, expect, it } from 'vitest';
import { arraysLayout, packArrays, unpackArrays } from './arrays';

function sample(rows: number, featureCount: number) {
  return {
    rowStart: Float64Array.from({ length: rows }, (_, i) => 10 + i * 100.5),
    rowEnd: Float64Array.from({ length: rows }, (_, i) => 90 + i * 100.5),
    features: Float32Array.from({ length: rows * featureCount }, (_, k) => k * 0.25 - 3),
    labels: Int32Array.from({ length: rows }, (_, i) => i % 3),
    lines: Uint32Array.from({ length: rows }, (_, i) => i + 2),
    rowSha256: Uint8Array.from({ length: rows * 32 }, (_, k) => (k * 37) % 256),
  };
}

describe('packed dataset arrays', () => {
  it('round-trip exactly, with an odd feature count (views stay aligned)', async () => {
    const arrays = sample(5, 3);
    const blob = packArrays(arrays);
    expect(blob.size).toBe(arraysLayout(5, 3).byteLength);
    const back = await unpackArrays(blob, 5, 3);
    expect(back).toEqual(arrays);
  });

  it('pack the bytes of subarray views, not their whole buffers', async () => {
    const big = sample(8, 2);
    const arrays = {
      rowStart: big.rowStart.subarray(2, 5),
      rowEnd: big.rowEnd.subarray(2, 5),
      features: big.features.subarray(4, 10),
      labels: big.labels.subarray(2, 5),
      lines: big.lines.subarray(2, 5),
      rowSha256: big.rowSha256.subarray(64, 160),
    };
    const back = await unpackArrays(packArrays(arrays), 3, 2);
    expect(Array.from(back.features)).toEqual(Array.from(arrays.features));
    expect(Array.from(back.lines)).toEqual([4, 5, 6]);
  });

  it('refuse a Blob whose size does not fit the shape', async () => {
    await expect(unpackArrays(packArrays(sample(4, 2)), 4, 3)).rejects.toThrow('need');
  });

  it('hold zero rows', async () => {
    const back = await unpackArrays(packArrays(sample(0, 4)), 0, 4);
    expect(back.features.length).toBe(0);
  });
});
