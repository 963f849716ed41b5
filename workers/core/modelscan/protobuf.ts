/**
 * A protobuf wire-format reader for the ONNX and TensorFlow scanners (onnx.ts, savedmodel.ts): the fields of one message in order, each with its
 * number, wire type and value (a varint as a number, or the bounds of a length-delimited field), every length checked
 * against the message's end before it is trusted. Groups (wire types 3 and 4), which neither writes, are refused.
 */
import type { ScanContext } from './context';

export interface ProtoField {
  /** The field number. */
  field: number;
  /** 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. */
  wire: number;
  /** A varint's value (exact up to 2^53); 0 for the other wire types. */
  value: number;
  /** The bytes of a length-delimited field; of the others, the value's own bytes. */
  start: number;
  end: number;
  /** Offset of the field's key in the file. */
  at: number;
}

/** The varint at `p` and the offset after it; null when it runs past `end` or over 10 bytes. */
export function varint(bytes: Uint8Array, p: number, end: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && p + i < end; i++) {
    const b = bytes[p + i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return [value, p + i + 1];
  }
  return null;
}

/** The fields of the message in bytes[start, end); refuses what runs past `end` or is no protobuf. */
export function fields(
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: ScanContext,
  where: string,
): ProtoField[] {
  const out: ProtoField[] = [];
  let p = start;
  const fail = (at: number, why: string): never =>
    ctx.refuse('malformed', `${where}, byte ${at}`, `The protobuf ${why}, so the model cannot be read.`);
  while (p < end) {
    ctx.tick(where, 4096);
    const at = p;
    const key = varint(bytes, p, end) ?? fail(at, 'has a field key that runs past its message');
    const field = Math.floor(key[0] / 8);
    const wire = key[0] % 8;
    p = key[1];
    if (field === 0) fail(at, 'has a field numbered 0');
    if (wire === 0) {
      const v = varint(bytes, p, end) ?? fail(at, `field ${field} has a number that runs past its message`);
      out.push({ field, wire, value: v[0], start: p, end: v[1], at });
      p = v[1];
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      if (p + size > end) fail(at, `field ${field} runs past its message`);
      out.push({ field, wire, value: 0, start: p, end: p + size, at });
      p += size;
    } else if (wire === 2) {
      const length =
        varint(bytes, p, end) ?? fail(at, `field ${field} has a length that runs past its message`);
      if (length[1] + length[0] > end)
        fail(at, `field ${field} claims ${length[0]} bytes, past the end of its message`);
      out.push({ field, wire, value: 0, start: length[1], end: length[1] + length[0], at });
      p = length[1] + length[0];
    } else fail(at, `field ${field} has wire type ${wire}, which ONNX and TensorFlow do not write`);
  }
  return out;
}
