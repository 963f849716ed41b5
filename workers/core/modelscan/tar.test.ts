import { describe, expect, it } from 'vitest';
import { scanModelFile } from './scan';
import { TORCH_TARS } from './test-torch-tars';

// PyTorch's oldest checkpoint layout, a tar of sys_info, pickle, storages and tensors, as Python's tarfile and pickle
// write it (scripts/fixtures/test-torch-tars.py). Every pickle torch.load would unpickle is scanned; raw storage bytes are skipped by
// the sizes the records declare.

const tar = (name: string) => Uint8Array.from(atob(TORCH_TARS[name] ?? ''), (c) => c.charCodeAt(0));
const scan = (bytes: Uint8Array, limits = {}) => scanModelFile('t.pt', bytes, { limits });

describe('legacy PyTorch tar checkpoints', () => {
  it('a plain checkpoint passes and is read as legacy PyTorch', () => {
    const result = scan(tar('plain'));
    expect(result.findings).toEqual([]);
    expect(result.verdict).toBe('safe');
    expect(result.format).toBe('pytorch-legacy');
  });

  it('a hostile pickle member is named by the member', () => {
    const result = scan(tar('hostile-pickle'));
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.map((f) => [f.severity, f.location])).toEqual([
      ['critical', 't.pt › pickle, byte 2'],
    ]);
  });

  it('members a checkpoint does not have are noted by name, long names from their pax or ustar prefix record', () => {
    const pax = scan(tar('extra-members'));
    expect(pax.verdict).toBe('safe');
    expect(pax.findings).toEqual([
      {
        severity: 'medium',
        kind: 'unknown-entry',
        location: `t.pt › "${'x'.repeat(120)}"`,
        sentence: 'The tar holds a member that PyTorch checkpoints do not have.',
      },
    ]);
    expect(scan(tar('ustar-prefix')).findings.map((f) => f.location)).toEqual([
      `t.pt › "${'d'.repeat(60)}/${'e'.repeat(59)}…"`, // 121 characters: quoted up to 120
    ]);
  });

  it('a storage record whose type is no storage is flagged and refused, a tensor of rank 65 refused', () => {
    const storage = scan(tar('unknown-storage'));
    expect(storage.findings.map((f) => [f.kind, f.location])).toEqual([
      // The record's args pickle: PROTO 0–1, "0" 2–7, BINPUT 8–9, "cpu" 10–17, BINPUT 18–19, GLOBAL __main__ Hostile 20.
      ['pickle-global', 't.pt › storages, record 0, byte 20'],
      ['malformed', 't.pt › storages, record 0'],
    ]);
    expect(storage.findings[1]?.sentence).toBe(
      'The storage record names no storage type the scanner knows, so its size cannot be read.',
    );
    expect(scan(tar('rank-65')).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 't.pt › tensors, record 0',
        sentence: 'A tensor has rank 65.',
      },
    ]);
  });

  it('refuses sizes that are not octal, storages past the end, and more members than the cap', () => {
    const bytes = tar('plain');
    const badSize = bytes.slice();
    badSize[124] = 0x39; // "9" in the first member's size field
    expect(scan(badSize).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 't.pt, byte 0',
        sentence: 'A tar member size is not octal.',
      },
    ]);
    expect(scan(bytes, { maxEntries: 4 }).verdict).toBe('safe');
    expect(scan(bytes, { maxEntries: 3 }).findings.at(-1)?.sentence).toBe(
      'The tar holds more than 3 members.',
    );
  });

  it('a tar without storages is no checkpoint: its members are scanned by their bytes', () => {
    // Cut after the first two members (sys_info and pickle: a header block and a data block each).
    const result = scan(tar('plain').subarray(0, 4 * 512));
    expect(result).toMatchObject({ format: 'tar', verdict: 'safe', findings: [] });
    const hostile = scan(tar('hostile-pickle').subarray(0, 4 * 512));
    expect([hostile.format, hostile.verdict]).toEqual(['tar', 'unsafe']);
    expect(hostile.findings.map((f) => [f.severity, f.location])).toEqual([
      ['critical', 't.pt › pickle, byte 2'],
    ]);
  });
});
