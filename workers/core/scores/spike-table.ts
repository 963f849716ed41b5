/**
 * Which cells hold a spike (a value many rows share, shared-values.ts): per column, a small open-addressing table of
 * its spike values by their float32 bit pattern, read through an Int32Array view of the features. The scans that ask
 * this of every cell (the label check's members, the row scores) did a Map lookup with a float key per cell, boxing
 * it: on 60,000 images × 784 pixels those lookups were most of a calibration's shared-values step.
 */

/** A column's spikes, looked up by cell. */
export interface SpikeTable {
  /** The columns that hold a spike, ascending. */
  columns: readonly number[];
  /** The spike (its position in the list given to spikeTable) that row `row`'s cell in `column` holds, else -1. */
  at(row: number, column: number): number;
}

const EMPTY = -1;
const SIGN = -0x80000000;

function hash(bits: number, mask: number): number {
  return (Math.imul(bits, 0x9e3779b1) >>> 16) & mask;
}

/**
 * The table of `spikes` (a column and a non-NaN value each; no two alike) over the row-major `features` with `cols`
 * per row. A spike of value 0 matches -0 as well, as `===` does.
 */
export function spikeTable(
  features: Float32Array,
  cols: number,
  spikes: ReadonlyArray<{ column: number; value: number }>,
): SpikeTable {
  const cells = new Int32Array(features.buffer, features.byteOffset, features.length);
  const bitsOf = new Int32Array(new Float32Array(1).buffer);
  const asFloat = new Float32Array(bitsOf.buffer);
  const perColumn = new Map<number, number[]>();
  spikes.forEach((s, k) => {
    const list = perColumn.get(s.column) ?? [];
    list.push(k);
    perColumn.set(s.column, list);
  });
  const columns = [...perColumn.keys()].sort((a, b) => a - b);
  // Per column: where its slots start and its mask (size - 1); every column's slots in one pair of arrays.
  const start = new Int32Array(cols).fill(-1);
  const maskOf = new Int32Array(cols);
  let total = 0;
  for (const j of columns) {
    let size = 8;
    while (size < 4 * ((perColumn.get(j) as number[]).length * 2)) size *= 2;
    start[j] = total;
    maskOf[j] = size - 1;
    total += size;
  }
  const keys = new Int32Array(total);
  const ids = new Int32Array(total).fill(EMPTY);
  const put = (j: number, bits: number, id: number) => {
    const s = start[j] as number;
    const mask = maskOf[j] as number;
    let h = hash(bits, mask);
    while (ids[s + h] !== EMPTY) h = (h + 1) & mask;
    keys[s + h] = bits;
    ids[s + h] = id;
  };
  for (const j of columns) {
    for (const k of perColumn.get(j) as number[]) {
      asFloat[0] = (spikes[k] as { value: number }).value;
      const bits = bitsOf[0] as number;
      put(j, bits, k);
      if (asFloat[0] === 0) put(j, bits ^ SIGN, k);
    }
  }
  return {
    columns,
    at(row: number, column: number): number {
      const s = start[column] as number;
      if (s < 0) return EMPTY;
      const mask = maskOf[column] as number;
      const bits = cells[row * cols + column] as number;
      let h = hash(bits, mask);
      for (;;) {
        const id = ids[s + h] as number;
        if (id === EMPTY || keys[s + h] === bits) return id;
        h = (h + 1) & mask;
      }
    },
  };
}
