import { describe, expect, it } from 'vitest';
import { spikeTable } from './spike-table';

describe('spikeTable', () => {
  it('finds the spike each cell holds, by column, and -1 elsewhere', () => {
    // 4 rows × 3 columns; spikes: column 0 holds 0.5 and 0.25, column 2 holds 7. Column 1 holds 7 and 0.5 too, but
    // no spike of its own.
    const features = Float32Array.from([0.5, 7, 7, 0.25, 0.5, 1, 0.75, 7, 7, 0.5, 0.25, 3]);
    const table = spikeTable(features, 3, [
      { column: 2, value: 7 },
      { column: 0, value: 0.5 },
      { column: 0, value: 0.25 },
    ]);
    expect(table.columns).toEqual([0, 2]);
    const grid = [0, 1, 2, 3].map((r) => [0, 1, 2].map((c) => table.at(r, c)));
    expect(grid).toEqual([
      [1, -1, 0],
      [2, -1, -1],
      [-1, -1, 0],
      [1, -1, -1],
    ]);
  });

  it('matches -0 and 0 alike, never NaN, and tells apart values one bit apart', () => {
    const next = new Float32Array(new Uint32Array([0x3f800001]).buffer)[0] as number;
    const features = Float32Array.from([0, -0, Number.NaN, 1, next]);
    const zero = spikeTable(features, 1, [{ column: 0, value: 0 }]);
    expect([0, 1, 2, 3, 4].map((r) => zero.at(r, 0))).toEqual([0, 0, -1, -1, -1]);
    const negZero = spikeTable(features, 1, [{ column: 0, value: -0 }]);
    expect([0, 1].map((r) => negZero.at(r, 0))).toEqual([0, 0]);
    const one = spikeTable(features, 1, [{ column: 0, value: 1 }]);
    expect([3, 4].map((r) => one.at(r, 0))).toEqual([0, -1]);
    // Only zero has two signs that compare equal: -1 and -0.5 (the sign bit flipped) are not the spikes 1 and 0.5.
    const signed = Float32Array.from([1, -1, 0.5, -0.5]);
    const positive = spikeTable(signed, 1, [
      { column: 0, value: 1 },
      { column: 0, value: 0.5 },
    ]);
    expect([0, 1, 2, 3].map((r) => positive.at(r, 0))).toEqual([0, -1, 1, -1]);
  });

  it('keeps every one of many spikes in one column apart (the slots collide and probe on)', () => {
    const values = Array.from({ length: 300 }, (_, i) => i / 255);
    const features = Float32Array.from([...values, 2, 3]);
    const table = spikeTable(
      features,
      1,
      values.map((value) => ({ column: 0, value })),
    );
    expect(values.map((_, r) => table.at(r, 0))).toEqual(values.map((_, i) => i));
    expect([table.at(300, 0), table.at(301, 0)]).toEqual([-1, -1]);
  });
});
