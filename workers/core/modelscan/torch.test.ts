/**
 * PyTorch checkpoints built member by member (torch.ts): the zip layout's data.pkl at the top or under a folder, its
 * storages skipped by their folder, TorchScript noted once, which other entries are read as pickles; the oldest tar
 * layout's count pickles (BININT1, BININT2, BININT), storage and tensor records and their refusals. Offsets in the
 * expected sentences are counted from the bytes written here (torch/serialization.py's legacy_load layout).
 */
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { assemble, type Op, stateDictPickle, systemCallPickle, torchScriptPickle } from './corpus/pickle';
import { scanModelFile } from './scan';
import type { Finding, ScanLimits } from './types';

const scan = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('t.pt', bytes, { limits, clock: () => 0 });
const zip = (entries: Record<string, Uint8Array>) => zipSync(entries, { level: 0 });
const PLAIN = stateDictPickle([{ name: 'w', key: '0', shape: [2] }]);
const bytes = (...v: number[]) => Uint8Array.from(v);
/** A pickle whose one byte string (at byte 7: PROTO, then BYTES and its 4-byte length) is itself a pickle. */
const nested = assemble([['PROTO', 2], ['BYTES', bytes(0x80, 2, 0x4e, 0x2e)], ['STOP']]);
const NESTING: Finding = {
  severity: 'high',
  kind: 'limit',
  location: 't.pt › archive/data.pkl › pickle inside the byte string at byte 7',
  sentence: 'Pickles nest deeper than 1 levels, the cap on nesting.',
};

describe('the zip layout', () => {
  it('finds data.pkl at the top of the archive or under its folder', () => {
    const top = scan(zip({ 'data.pkl': systemCallPickle(), 'data/0': new Uint8Array(8) }));
    expect(top.format).toBe('pytorch');
    expect(top.findings.map((f) => f.location)).toEqual(['t.pt › data.pkl, byte 2']);
    expect(scan(zip({ 'archive/data.pkl': PLAIN })).format).toBe('pytorch');
    // Neither name: a zip of other entries, scanned one by one.
    const other = scan(zip({ 'archive/xdata.pkl': PLAIN, 'archive/data.pkl.bak': bytes(1, 2) }));
    expect(other.format).toBe('zip');
  });

  it('skips the storages under the folder data.pkl sits in, however their bytes begin', () => {
    // Raw storage bytes that open like a protocol-2 pickle and then are none.
    const raw = bytes(0x80, 0x02, 0xff, 0xff);
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/data/0': raw }))).toMatchObject({
      verdict: 'safe',
      findings: [],
    });
    // A folder entry that holds bytes is not read, whatever they are.
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/weird/': systemCallPickle() })).findings).toEqual(
      [],
    );
    // The same bytes outside that folder are read as a pickle and refused.
    const outside = scan(zip({ 'archive/data.pkl': PLAIN, 'archive/extra/0': raw }));
    expect(outside.verdict).toBe('refused');
    expect(outside.findings[0]?.location).toMatch(/^t\.pt › archive\/extra\/0/);
  });

  it('notes TorchScript code once, at its first entry, at the top level too', () => {
    const note = (location: string): Finding => ({
      severity: 'medium',
      kind: 'torchscript',
      location,
      sentence:
        'The archive holds TorchScript code, which torch.jit.load compiles and runs when the model is called; the scanner lists it but does not analyse TorchScript.',
    });
    const two = scan(
      zip({ 'archive/data.pkl': PLAIN, 'archive/code/a.py': bytes(0x61), 'archive/code/b.py': bytes(0x62) }),
    );
    expect(two.findings).toEqual([note('t.pt › archive/code/a.py')]);
    const top = scan(zip({ 'data.pkl': PLAIN, 'code/m.py': bytes(0x61) }));
    expect(top.findings).toEqual([note('t.pt › code/m.py')]);
    expect(scan(zip({ 'data.pkl': PLAIN, 'mycode/m.py': bytes(0x61) })).findings).toEqual([]);
    // With code/ at the top, data.pkl's __torch__ class is TorchScript's own and no finding.
    const script = scan(zip({ 'data.pkl': torchScriptPickle(), 'code/__torch__.py': bytes(0x61) }));
    expect(script.findings).toEqual([note('t.pt › code/__torch__.py')]);
  });

  it('reads every .pkl entry as a pickle, and other entries only when they open like one', () => {
    // A protocol 0 pickle does not open with PROTO: read because of its name.
    const proto0 = new TextEncoder().encode("cposix\nsystem\n(S'id'\ntR.");
    const named = scan(zip({ 'archive/data.pkl': PLAIN, 'archive/extra.pkl': proto0 }));
    expect(named.findings.map((f) => [f.severity, f.location])).toEqual([
      ['critical', 't.pt › archive/extra.pkl, byte 0'],
    ]);
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/extra': proto0 })).findings).toEqual([]);
    // Empty entries are skipped, a one-byte .pkl is read (and is no pickle), two bytes that open one are read.
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/e.pkl': new Uint8Array(0) })).verdict).toBe('safe');
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/one.pkl': bytes(0x80) })).verdict).toBe('refused');
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/one': bytes(0x80) })).verdict).toBe('safe');
    expect(scan(zip({ 'archive/data.pkl': PLAIN, 'archive/two': bytes(0x80, 0x02) })).verdict).toBe(
      'refused',
    );
  });

  it('counts data.pkl one level inside the file for the nesting cap', () => {
    const file = zip({ 'archive/data.pkl': nested });
    expect(scan(file, { maxNesting: 2 }).findings).toEqual([]);
    expect(scan(file, { maxNesting: 1 }).findings).toEqual([NESTING]);
  });
});

/** A ustar archive of `members` (readTar checks the size, type and magic, not the checksum). */
function tar(members: Array<[string, Uint8Array]>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const [name, data] of members) {
    const header = new Uint8Array(512);
    header.set(enc.encode(name), 0);
    header.set(enc.encode(`${data.length.toString(8).padStart(11, '0')}\0`), 124);
    header[156] = 0x30;
    header.set(enc.encode('ustar\u000000'), 257);
    blocks.push(header, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(blocks));
}

const p2 = (...ops: Op[]) => assemble([['PROTO', 2], ...ops, ['STOP']]);
/** Count pickles: BININT1 (K), BININT2 (M) and BININT (J) after PROTO 2. */
const countK = (n: number) => bytes(0x80, 2, 0x4b, n, 0x2e);
const countM = (n: number) => bytes(0x80, 2, 0x4d, n & 0xff, n >> 8, 0x2e);
const countJ = (n: number) =>
  bytes(0x80, 2, 0x4a, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24, 0x2e);
const storageArgs = p2(['GLOBAL', 'torch', 'FloatStorage'], ['TUPLE1']);
const u64 = (n: number) => bytes(n, 0, 0, 0, 0, 0, 0, 0);
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
/** One float storage of `numel` elements (4 bytes each). */
const storage = (numel: number) => join(storageArgs, u64(numel), new Uint8Array(4 * numel));
const tensorArgs = p2(['NONE']);
/** One tensor record: args pickle, ndim, 4 skipped bytes, sizes and strides, offset. */
const tensor = (ndim: number) => join(tensorArgs, bytes(ndim, 0, 0, 0), new Uint8Array(4 + 16 * ndim + 8));
const SYS = p2(['EMPTY_DICT']);

function checkpoint(parts: {
  sys?: Uint8Array | null;
  pickle?: Uint8Array;
  storages?: Uint8Array;
  tensors?: Uint8Array | null;
}) {
  const members: Array<[string, Uint8Array]> = [];
  if (parts.sys !== null) members.push(['sys_info', parts.sys ?? SYS]);
  members.push(['pickle', parts.pickle ?? p2(['NONE'])]);
  members.push(['storages', parts.storages ?? join(countK(1), storage(2))]);
  if (parts.tensors !== null) members.push(['tensors', parts.tensors ?? join(countK(1), tensor(2))]);
  return tar(members);
}
const refusal = (file: Uint8Array, limits: Partial<ScanLimits> = {}) => scan(file, limits).findings.at(-1);

describe('the tar layout', () => {
  it('reads a checkpoint with or without sys_info and tensors, and scans sys_info', () => {
    expect(scan(checkpoint({}))).toMatchObject({ format: 'pytorch-legacy', verdict: 'safe', findings: [] });
    expect(scan(checkpoint({ sys: null, tensors: null }))).toMatchObject({ verdict: 'safe', findings: [] });
    expect(scan(checkpoint({ sys: systemCallPickle() })).findings.map((f) => f.location)).toEqual([
      't.pt › sys_info, byte 2',
    ]);
  });

  it('reads record counts written as BININT1, BININT2 and BININT, up to the member cap', () => {
    const four = join(countK(4), storage(0), storage(0), storage(0), storage(0));
    expect(scan(checkpoint({ storages: four, tensors: null }), { maxEntries: 4 }).findings).toEqual([]);
    expect(scan(checkpoint({ storages: join(countM(2), storage(1), storage(3)) })).findings).toEqual([]);
    expect(scan(checkpoint({ storages: join(countJ(1), storage(1)) })).findings).toEqual([]);
    expect(scan(checkpoint({ tensors: countK(0) })).findings).toEqual([]);
    // 256 records declared by BININT2, none written: the first is missing.
    expect(refusal(checkpoint({ storages: countM(256) }))?.location).toBe('t.pt › storages, record 0');
    const notSmall = {
      severity: 'high',
      kind: 'malformed',
      location: 't.pt › storages',
      sentence: 'The record count is not a small integer.',
    };
    expect(refusal(checkpoint({ storages: countJ(65536) }))).toEqual(notSmall);
    expect(refusal(checkpoint({ storages: countK(5) }), { maxEntries: 4 })).toEqual(notSmall);
    expect(refusal(checkpoint({ storages: p2(['NONE']) }))).toEqual(notSmall);
  });

  it('finds the storage type among the record’s globals by its whole name', () => {
    const decoys = p2(
      ['GLOBAL', 'mytorch', 'FloatStorage'],
      ['POP'],
      ['GLOBAL', 'torch', 'FloatStorageX'],
      ['POP'],
      ['GLOBAL', 'torch', 'HalfStorage'],
      ['TUPLE1'],
    );
    const findings = scan(
      checkpoint({ storages: join(countK(1), decoys, u64(3), new Uint8Array(6)) }),
    ).findings;
    expect(findings.map((f) => f.kind)).toEqual(['pickle-global', 'pickle-global']);
    const unknown = join(countK(1), p2(['GLOBAL', 'torch', 'QuintStorage'], ['TUPLE1']), u64(1), bytes(0));
    expect(refusal(checkpoint({ storages: unknown }))?.sentence).toBe(
      'The storage record names no storage type the scanner knows, so its size cannot be read.',
    );
    // Names of Object's own properties are no storage types either.
    for (const name of ['constructorStorage', 'toStringStorage', '__proto__Storage']) {
      const odd = join(countK(1), p2(['GLOBAL', 'torch', name], ['TUPLE1']), u64(1), bytes(0));
      expect(refusal(checkpoint({ storages: odd, tensors: null }))?.sentence).toBe(
        'The storage record names no storage type the scanner knows, so its size cannot be read.',
      );
    }
  });

  it('refuses a storage or tensor record cut short, naming the field', () => {
    const at = (kind: string, sentence: string) => ({
      severity: 'high',
      kind: 'malformed',
      location: `t.pt › ${kind}`,
      sentence,
    });
    // The count pickle is 5 bytes, the storage args pickle 24 (PROTO 2, GLOBAL 1 + 19, TUPLE1, STOP): the size at byte 29.
    expect(storageArgs.length).toBe(24);
    expect(refusal(checkpoint({ storages: join(countK(1), storageArgs, bytes(1, 0)) }))).toEqual(
      at('storages', 'A storage size at byte 29 needs 8 bytes, but only 2 remain.'),
    );
    expect(
      refusal(checkpoint({ storages: join(countK(1), storageArgs, u64(2), new Uint8Array(7)) })),
    ).toEqual(at('storages', 'The storage data at byte 0 needs 45 bytes, but only 44 remain.'));
    // The tensor args pickle is 4 bytes: the rank at byte 9.
    expect(refusal(checkpoint({ tensors: join(countK(1), tensorArgs, bytes(1)) }))).toEqual(
      at('tensors', 'A tensor rank at byte 9 needs 4 bytes, but only 1 remain.'),
    );
    expect(refusal(checkpoint({ tensors: join(countK(1), tensor(1).subarray(0, 30)) }))).toEqual(
      at('tensors', 'The tensor record at byte 0 needs 41 bytes, but only 35 remain.'),
    );
    // Rank 64 is read (8 + 16 · 64 + 8 bytes after the rank); tar.test.ts refuses rank 65.
    expect(scan(checkpoint({ tensors: join(countK(1), tensor(64)) })).findings).toEqual([]);
  });

  it('counts the tar’s pickles one level inside the file for the nesting cap', () => {
    const where = (member: string) => ({
      ...NESTING,
      location: `t.pt › ${member} › pickle inside the byte string at byte 7`,
    });
    expect(scan(checkpoint({ pickle: nested }), { maxNesting: 2 }).findings).toEqual([]);
    expect(refusal(checkpoint({ pickle: nested }), { maxNesting: 1 })).toEqual(where('pickle'));
    expect(refusal(checkpoint({ storages: join(nested, countK(0)) }), { maxNesting: 1 })).toEqual(
      where('storages'),
    );
    const record = join(countK(1), p2(['BYTES', bytes(0x80, 2, 0x4e, 0x2e)]), tensor(1).subarray(4));
    expect(refusal(checkpoint({ tensors: record }), { maxNesting: 1 })?.location).toBe(
      't.pt › tensors, record 0 › pickle inside the byte string at byte 7',
    );
  });
});
