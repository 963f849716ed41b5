/**
 * scanModelFile's own rules (scan.ts): the file-size cap and the empty file before any reader, the format named when
 * nothing could be read, a plain pickle told from a legacy PyTorch stream, an error that is no refusal turned into one,
 * the elapsed time read off the clock, and the options scanModelFileHashed passes on.
 */
import { describe, expect, it } from 'vitest';
import { scanModelFile, scanModelFileHashed } from './scan';

const PICKLE = Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]);

describe('scanModelFile', () => {
  it('refuses a file over the size cap, not one at it, and an empty file, before reading either', () => {
    expect(scanModelFile('big.pkl', PICKLE, { limits: { maxFileBytes: 3 } })).toMatchObject({
      format: 'unknown',
      verdict: 'refused',
      findings: [
        {
          severity: 'high',
          kind: 'limit',
          location: 'big.pkl',
          sentence: 'The file is 4 bytes, over the 3 bytes cap on files.',
        },
      ],
    });
    expect(scanModelFile('ok.pkl', PICKLE, { limits: { maxFileBytes: 4 } }).verdict).toBe('safe');
    expect(scanModelFile('e.pkl', new Uint8Array(0))).toMatchObject({
      format: 'unknown',
      findings: [{ severity: 'high', kind: 'malformed', location: 'e.pkl', sentence: 'The file is empty.' }],
    });
  });

  it('names a plain pickle as a pickle', () => {
    expect(scanModelFile('p.pkl', PICKLE)).toMatchObject({ format: 'pickle', verdict: 'safe', findings: [] });
  });

  it('refuses, with the error’s message, a file whose scan failed for a reason that is no refusal', () => {
    // The clock is read when the scan starts and by the context; the third reading (the time budget's check at the
    // 4096th pickle opcode) throws.
    let reads = 0;
    const clock = () => {
      reads++;
      if (reads === 3) throw new Error('the clock stopped');
      return 0;
    };
    const ops = new Uint8Array(2 + 2 * 5000 + 2);
    ops.set([0x80, 0x02]);
    for (let i = 0; i < 5000; i++) ops.set([0x4e, 0x30], 2 + 2 * i);
    ops.set([0x4e, 0x2e], 2 + 2 * 5000);
    expect(scanModelFile('c.pkl', ops, { clock }).findings).toEqual([
      {
        severity: 'high',
        kind: 'malformed',
        location: 'c.pkl',
        sentence:
          'The scanner could not read the file (the clock stopped), so it refuses it rather than call it safe.',
      },
    ]);
  });

  it('reports the elapsed milliseconds to a tenth, from the clock', () => {
    const times = [1000, 1000, 1001.234];
    let i = 0;
    const clock = () => times[Math.min(i++, times.length - 1)] as number;
    expect(scanModelFile('p.pkl', PICKLE, { clock }).elapsedMs).toBe(1.2);
    // Without a clock: performance.now, a small number of milliseconds.
    const plain = scanModelFile('p.pkl', PICKLE).elapsedMs;
    expect(Number.isFinite(plain) && plain >= 0 && plain < 60_000).toBe(true);
  });
});

describe('scanModelFileHashed', () => {
  it('passes the limits on with the SHA-256 of the bytes (Python’s hashlib)', async () => {
    const result = await scanModelFileHashed('big.pkl', PICKLE, { limits: { maxFileBytes: 3 } });
    expect(result.sha256).toBe('e71559db7df35982f168ca0bd6d35a0270e621095a7bfd0c3a1773ed09ae1a44');
    expect(result.verdict).toBe('refused');
  });
});
