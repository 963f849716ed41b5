import { expect } from 'vitest';
import { scanModelFile } from '../scan';
import type { Finding, ScanLimits } from '../types';

/** Concatenates assembled pickles and raw opcode bytes. */
export const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Scans the bytes as the file p.pkl. */
export const scan = (bytes: Uint8Array, limits: Partial<ScanLimits> = {}) =>
  scanModelFile('p.pkl', bytes, { limits });

/** The one finding of a scan (fails the test when there are none or more). */
export const only = (bytes: Uint8Array): Finding => {
  const { findings } = scan(bytes);
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
};
