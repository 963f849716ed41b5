import { describe, expect, it } from 'vitest';
import { scanModelFile } from './scan';

// safetensors headers checked as the reference implementation checks them (huggingface/safetensors, lib.rs
// `validate`): each broken header refuses the file with a sentence naming the tensor and the bytes at fault.

/** 8-byte little-endian header length, the JSON header, then `dataSize` zero bytes. */
function file(header: unknown, dataSize: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataSize);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
const tensor = (dtype: string, shape: unknown, data_offsets: unknown) => ({ dtype, shape, data_offsets });

const scan = (header: unknown, dataSize: number) => scanModelFile('m.safetensors', file(header, dataSize));
const refusal = (header: unknown, dataSize: number) => {
  const result = scan(header, dataSize);
  expect(result.verdict).toBe('refused');
  expect(result.findings).toHaveLength(1);
  return result.findings[0];
};

describe('well-formed safetensors', () => {
  it('passes every dtype with its size (sub-byte ones in bits), metadata of strings and empty tensors', () => {
    // bits per element: BOOL/U8/I8/F8_* 8, *16 16, *32 32, *64 and C64 64, F6_* 6, F4 4.
    const sizes: [string, number][] = [
      ['BOOL', 1],
      ['U8', 1],
      ['I8', 1],
      ['F8_E5M2', 1],
      ['F8_E4M3', 1],
      ['F8_E8M0', 1],
      ['I16', 2],
      ['U16', 2],
      ['F16', 2],
      ['BF16', 2],
      ['I32', 4],
      ['U32', 4],
      ['F32', 4],
      ['I64', 8],
      ['U64', 8],
      ['F64', 8],
      ['C64', 8],
    ];
    const header: Record<string, unknown> = { __metadata__: { format: 'pt', note: '' } };
    let at = 0;
    for (const [dtype, bytes] of sizes) {
      header[dtype] = tensor(dtype, [2, 2], [at, at + 4 * bytes]);
      at += 4 * bytes;
    }
    header.f6 = tensor('F6_E2M3', [4], [at, at + 3]); // 4 × 6 bits = 3 bytes
    header.f6b = tensor('F6_E3M2', [4], [at + 3, at + 6]);
    header.f4 = tensor('F4', [2, 3], [at + 6, at + 9]); // 6 × 4 bits = 3 bytes
    header.empty = tensor('F32', [0, 7], [at + 9, at + 9]);
    header.scalar = tensor('F64', [], [at + 9, at + 17]);
    const result = scan(header, at + 17);
    expect(result.findings).toEqual([]);
    expect(result.verdict).toBe('safe');
    expect(result.format).toBe('safetensors');
  });
});

describe('broken safetensors headers', () => {
  it('names a dtype that is not one, including names every object has', () => {
    for (const dtype of ['F128', 'f32', 'toString', 'constructor']) {
      expect(refusal({ w: tensor(dtype, [1], [0, 4]) }, 4)).toEqual({
        severity: 'high',
        kind: 'malformed',
        location: 'm.safetensors: tensor "w"',
        sentence: `The tensor has dtype "${dtype}", which is not a safetensors dtype.`,
      });
    }
    expect(refusal({ w: { shape: [1], data_offsets: [0, 4] } }, 4)?.sentence).toBe(
      'The tensor has dtype "undefined", which is not a safetensors dtype.',
    );
  });

  it('shapes that are not lists of non-negative integers, or have more than 64 dimensions', () => {
    const bad = 'The tensor shape is not a list of non-negative integers.';
    for (const shape of [2, [2, -1], [1.5], ['2'], null]) {
      expect(refusal({ w: tensor('U8', shape, [0, 2]) }, 2)?.sentence).toBe(bad);
    }
    expect(refusal({ w: tensor('U8', new Array(65).fill(1), [0, 1]) }, 1)?.sentence).toBe(bad);
    expect(scan({ w: tensor('U8', new Array(64).fill(1), [0, 1]) }, 1).verdict).toBe('safe');
  });

  it('offsets that are not a pair of non-negative integers, are reversed or run past the data', () => {
    const bad = 'data_offsets is not a pair of non-negative integers.';
    for (const offsets of [[0], [0, 4, 8], [-4, 0], [0, 4.5], '0,4', [0, '4']]) {
      expect(refusal({ w: tensor('U8', [4], offsets) }, 4)?.sentence).toBe(bad);
    }
    expect(refusal({ w: tensor('U8', [0], [4, 0]) }, 4)?.sentence).toBe(
      "The tensor's data_offsets [4, 0] fall outside the 4 bytes of data.",
    );
    expect(refusal({ w: tensor('U8', [5], [0, 5]) }, 4)?.sentence).toBe(
      "The tensor's data_offsets [0, 5] fall outside the 4 bytes of data.",
    );
  });

  it('a size unlike dtype × shape', () => {
    expect(refusal({ w: tensor('F32', [2, 3], [0, 20]) }, 20)?.sentence).toBe(
      "The tensor's F32 shape [2, 3] needs 24 bytes, but its offsets span 20.",
    );
    expect(refusal({ w: tensor('F4', [3], [0, 2]) }, 2)?.sentence).toBe(
      "The tensor's F4 shape [3] needs 1.5 bytes, but its offsets span 2.",
    );
  });

  it('overlaps, holes and bytes after the last tensor', () => {
    expect(refusal({ a: tensor('U8', [4], [0, 4]), b: tensor('U8', [4], [2, 6]) }, 6)).toMatchObject({
      location: 'm.safetensors: tensor "b"',
      sentence: "The tensor's bytes [2, 6] overlap another tensor's.",
    });
    expect(refusal({ b: tensor('U8', [2], [6, 8]), a: tensor('U8', [4], [0, 4]) }, 8)).toMatchObject({
      location: 'm.safetensors: tensor "b"',
      sentence: '2 bytes before the tensor belong to no tensor (a hole in the data).',
    });
    expect(refusal({ a: tensor('U8', [4], [0, 4]) }, 7)).toMatchObject({
      location: 'm.safetensors (data)',
      sentence: '3 bytes after the last tensor belong to no tensor.',
    });
    // Sorted by start, then end: an empty tensor at 4 and a tensor from 4 do not overlap.
    expect(
      scan({ b: tensor('U8', [2], [4, 6]), e: tensor('U8', [0], [4, 4]), a: tensor('U8', [4], [0, 4]) }, 6)
        .verdict,
    ).toBe('safe');
  });

  it('metadata that is not a map of strings, entries that are not objects, a header over 100 MiB', () => {
    expect(refusal({ __metadata__: { epochs: 3 } }, 0)).toMatchObject({
      location: 'm.safetensors: __metadata__',
      sentence: '__metadata__ must map names to strings.',
    });
    expect(refusal({ __metadata__: ['pt'] }, 0)?.sentence).toBe('__metadata__ must map names to strings.');
    expect(refusal({ w: [1, 2] }, 0)?.sentence).toBe('The tensor entry is not an object.');
    const huge = file({}, 0);
    new DataView(huge.buffer).setBigUint64(0, BigInt(100 * 1024 ** 2 + 1), true);
    const result = scanModelFile('m.safetensors', huge);
    expect(result.findings).toEqual([
      {
        severity: 'high',
        kind: 'limit',
        location: 'm.safetensors',
        sentence: "The header declares 100.0 MiB, over the format's 100 MiB cap.",
      },
    ]);
    new DataView(huge.buffer).setBigUint64(0, BigInt(100 * 1024 ** 2), true);
    expect(scanModelFile('m.safetensors', huge).findings[0]?.sentence).toBe(
      'The header at byte 8 needs 104857600 bytes, but only 2 remain.',
    );
  });
});

describe('headers refused from mutation testing', () => {
  it('a header that is not JSON is refused at the header', () => {
    const json = new TextEncoder().encode('{"w": ');
    const bytes = new Uint8Array(8 + json.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
    bytes.set(json, 8);
    const result = scanModelFile('m.safetensors', bytes);
    expect(result.verdict).toBe('refused');
    expect(result.findings[0]?.location).toBe('m.safetensors (header)');
  });

  it('metadata with one value that is not a string, a dtype that is not a string', () => {
    expect(refusal({ __metadata__: { format: 'pt', epochs: 3 } }, 0)?.sentence).toBe(
      '__metadata__ must map names to strings.',
    );
    // ["F32"] would name a dtype if it were turned into text
    expect(refusal({ w: { dtype: ['F32'], shape: [1], data_offsets: [0, 4] } }, 4)?.sentence).toBe(
      'The tensor has dtype "F32", which is not a safetensors dtype.',
    );
  });

  it('a size mismatch names the span of offsets that do not start at 0', () => {
    const header = { a: tensor('U8', [4], [0, 4]), b: tensor('F32', [2], [4, 10]) };
    expect(refusal(header, 10)).toMatchObject({
      location: 'm.safetensors: tensor "b"',
      sentence: "The tensor's F32 shape [2] needs 8 bytes, but its offsets span 6.",
    });
  });
});
