import { describe, expect, it } from 'vitest';
import { scanModelFile } from '../scan';
import { BUFFERS, type CpythonPickle, NUMPY, OS_SYSTEM, PLAIN, RNG } from './test-cpython-pickles';

// Pickles CPython's own pickler wrote (scripts/fixtures/test-cpython-pickles.py), not the test assembler: the scanner must walk every
// opcode Python 3 writes at each protocol to its STOP, and place what it reports at the offsets pickletools gives.

const bytesOf = (p: CpythonPickle) => Uint8Array.from(atob(p.base64), (c) => c.charCodeAt(0));

describe('pickles written by CPython', () => {
  it.each([...PLAIN, ...NUMPY, ...RNG, ...BUFFERS].map((p) => [p.protocol, p.opcodes, p] as const))(
    'protocol %i (%s) is read to its end and passes',
    (_protocol, _opcodes, p) => {
      const result = scanModelFile('data.pkl', bytesOf(p));
      expect(result.findings).toEqual([]);
      expect(result.verdict).toBe('safe');
      expect(result.format).toBe('pickle');
    },
  );

  it.each(OS_SYSTEM.map((p) => [p.protocol, p] as const))(
    'os.system from __reduce__ at protocol %i is critical, named, at the import and call offsets',
    (_protocol, p) => {
      const result = scanModelFile('evil.pkl', bytesOf(p));
      expect(result.verdict).toBe('unsafe');
      expect(result.findings).toEqual([
        {
          severity: 'critical',
          kind: 'pickle-call',
          location: `evil.pkl, byte ${p.imports[0]}`,
          sentence: `The pickle imports posix.system (byte ${p.imports[0]}) and calls it (byte ${p.calls[0]}); unpickling imports it and can run commands, code or file and network access through it.`,
          references: ['posix.system'],
        },
      ]);
    },
  );

  it('finds the call in every truncation of the hostile pickle that still reaches it, and never passes one', () => {
    for (const p of OS_SYSTEM) {
      const bytes = bytesOf(p);
      for (let end = 1; end < bytes.length; end++) {
        const result = scanModelFile('cut.pkl', bytes.subarray(0, end));
        expect(result.verdict, `protocol ${p.protocol} cut at ${end}`).not.toBe('safe');
      }
    }
  });
});
