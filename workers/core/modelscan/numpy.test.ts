import { describe, expect, it } from 'vitest';
import { scanModelFile } from './scan';
import { NUMPY_FILES } from './test-numpy-files';

// .npy files NumPy itself wrote (scripts/fixtures/test-numpy-files.py): every dtype kind and header version it writes must pass when
// the data is plain, and an object array's pickle must be scanned. The tampered ones are edits of the first file
// (float32 2×3, version 1.0: a 118-byte header from byte 10, data from byte 128, 24 bytes).

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const FLOAT32 = bytesOf(NUMPY_FILES[0]?.base64 ?? '');

/** The first file with `from` replaced by `to` (of the same length) in its header. */
function edited(from: string, to: string): Uint8Array {
  const text = new TextDecoder('latin1').decode(FLOAT32.subarray(0, 128));
  expect(text).toContain(from);
  expect(to.length).toBe(from.length);
  const out = FLOAT32.slice();
  out.set(
    Uint8Array.from(text.replace(from, to), (c) => c.charCodeAt(0)),
    0,
  );
  return out;
}

describe('.npy files NumPy wrote', () => {
  it.each(NUMPY_FILES.filter((f) => f.verdict === 'safe').map((f) => [f.what, f] as const))(
    '%s passes',
    (what, file) => {
      const result = scanModelFile('a.npy', bytesOf(file.base64));
      expect(result.format).toBe('numpy');
      // An object array's dtype is noted (medium) even when its pickle holds plain values.
      expect(result.findings.map((f) => f.severity)).toEqual(what.startsWith('object') ? ['medium'] : []);
      expect(result.verdict).toBe('safe');
    },
  );

  it.each(NUMPY_FILES.filter((f) => f.verdict === 'unsafe').map((f) => [f.what, f] as const))(
    '%s: the object dtype is noted and its pickle is scanned',
    (_what, file) => {
      const result = scanModelFile('a.npy', bytesOf(file.base64));
      expect(result.verdict).toBe('unsafe');
      expect(result.findings[0]).toEqual({
        severity: 'medium',
        kind: 'pickle-global',
        location: 'a.npy',
        sentence:
          'The array has dtype object: numpy.load unpickles it only with allow_pickle=True, and its pickle is scanned below.',
      });
      const call = result.findings[1];
      expect(call?.severity).toBe('critical');
      expect(call?.references).toEqual(['posix.system']);
      expect(call?.location).toMatch(/^a\.npy \(object array pickle\), byte \d+$/);
    },
  );
});

describe('tampered .npy files', () => {
  const refusal = (bytes: Uint8Array) => {
    const result = scanModelFile('a.npy', bytes);
    expect(result.verdict).toBe('refused');
    expect(result.findings).toHaveLength(1);
    return result.findings[0];
  };

  it('data shorter or longer than the shape declares', () => {
    expect(refusal(FLOAT32.subarray(0, 148))?.sentence).toBe(
      'The array declares 24 bytes but the file holds 20 bytes of data.',
    );
    expect(refusal(Uint8Array.from([...FLOAT32, 0, 0, 0, 0]))?.sentence).toBe(
      'The array declares 24 bytes but the file holds 28 bytes of data.',
    );
    expect(refusal(edited("'shape': (2, 3)", "'shape': (2, 4)"))?.sentence).toBe(
      'The array declares 32 bytes but the file holds 24 bytes of data.',
    );
    // Item sizes: 'f8' is 8 bytes an item, 'U2' 4 bytes a character, 'b1' and '?' one byte.
    expect(refusal(edited("'<f4'", "'<f8'"))?.sentence).toContain('declares 48 bytes');
    expect(refusal(edited("'<f4'", "'<U2'"))?.sentence).toContain('declares 48 bytes');
    expect(refusal(edited("'<f4'", "'|b1'"))?.sentence).toContain('declares 6 bytes');
    expect(refusal(edited("'<f4',", "'?',  "))?.sentence).toContain('declares 6 bytes');
    expect(scanModelFile('a.npy', edited('(2, 3)', '(3, 2)')).verdict).toBe('safe');
  });

  it('format versions other than 1 to 3', () => {
    const version = (major: number) => {
      const out = FLOAT32.slice();
      out[6] = major;
      return out;
    };
    expect(refusal(version(0))).toMatchObject({
      kind: 'unsupported',
      sentence: 'The .npy format version is 0; the scanner reads 1 to 3.',
    });
    expect(refusal(version(4))?.sentence).toBe('The .npy format version is 4; the scanner reads 1 to 3.');
  });

  it('headers without a dtype NumPy writes, or without descr or shape, or with a shape of non-integers', () => {
    expect(refusal(edited("'<f4'", "'<x4'"))?.sentence).toBe('The .npy dtype "<x4" is not one NumPy writes.');
    expect(refusal(edited("'shape'", "'shapf'"))?.sentence).toMatch(
      "The .npy header \"{'descr': '<f4', 'fortran_order': False, 'shapf': (2, 3), }                     …\" lacks its descr or shape.",
    );
    expect(refusal(edited("'descr'", "'descx'"))?.sentence).toContain('lacks its descr or shape.');
    expect(refusal(edited('(2, 3)', '(2, x)'))?.sentence).toBe('The .npy shape is not a tuple of integers.');
    expect(refusal(edited('(2, 3)', '(2,-3)'))?.sentence).toBe('The .npy shape is not a tuple of integers.');
  });
});
