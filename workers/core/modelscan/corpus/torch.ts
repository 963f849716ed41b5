/**
 * PyTorch checkpoints for the test corpus: the zip layout torch.save writes since 1.6 (`archive/data.pkl`, raw
 * storages in `archive/data/<key>`, `archive/version`, `archive/byteorder`) and the legacy stream (magic number,
 * protocol version, sys_info and the object as pickles, then the storage keys and the raw storages).
 */
import { strToU8, zipSync } from 'fflate';
import { assemble, stateDictPickle } from './pickle';
import { FIXED_TIME } from './time';

const TENSORS = [
  { name: 'fc.weight', key: '0', shape: [2, 3] },
  { name: 'fc.bias', key: '1', shape: [2] },
];

function storage(count: number): Uint8Array {
  return new Uint8Array(new Float32Array(count).fill(0.5).buffer);
}

/** A state_dict checkpoint in the zip layout; `pickle` replaces data.pkl, `extra` adds entries. */
export function torchZip(pickle?: Uint8Array, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync(
    {
      'archive/data.pkl': pickle ?? stateDictPickle(TENSORS),
      'archive/byteorder': strToU8('little'),
      'archive/data/0': storage(6),
      'archive/data/1': storage(2),
      'archive/version': strToU8('3\n'),
      'archive/.data/serialization_id': strToU8('1234567890'),
      ...extra,
    },
    { level: 0, mtime: FIXED_TIME },
  );
}

/** A legacy (non-zip) checkpoint: five pickles, then per storage an 8-byte element count and its data. */
export function torchLegacy(main?: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [
    new Uint8Array([
      0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
    ]),
    new Uint8Array([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]),
    assemble([['PROTO', 2], ['EMPTY_DICT'], ['STR', 'little_endian'], ['NEWTRUE'], ['SETITEM'], ['STOP']]),
    main ?? stateDictPickle(TENSORS),
    assemble([['PROTO', 2], ['MARK'], ['STR', '0'], ['STR', '1'], ['LIST'], ['STOP']]),
  ];
  for (const count of [6, 2]) {
    const size = new Uint8Array(8);
    size[0] = count;
    parts.push(size, storage(count));
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
