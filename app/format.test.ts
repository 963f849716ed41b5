import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatCountOf, formatSeconds, formatStat } from './format';

describe('formats', () => {
  it('groups counts the same on every machine', () => {
    expect(formatCount(1797)).toBe('1,797');
    expect(formatCount(200000)).toBe('200,000');
  });
  it('counts with their noun, singular only for one', () => {
    expect(formatCountOf(1, 'file')).toBe('1 file');
    expect(formatCountOf(0, 'file')).toBe('0 files');
    expect(formatCountOf(1797, 'row')).toBe('1,797 rows');
    expect(formatCountOf(2, 'class', 'classes')).toBe('2 classes');
  });
  it('sizes in powers of 1000', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(290327)).toBe('290.3 KB');
    expect(formatBytes(44998723)).toBe('45.0 MB');
    expect(formatBytes(3.2e9)).toBe('3.2 GB');
  });
  it('seconds with more decimals under one second', () => {
    expect(formatSeconds(3214)).toBe('3.2 s');
    expect(formatSeconds(87)).toBe('0.09 s');
  });
  it('feature statistics: integers exact, others to three decimals or exponent', () => {
    expect(formatStat(16)).toBe('16');
    expect(formatStat(4.88425)).toBe('4.884');
    expect(formatStat(0.0000123)).toBe('1.230e-5');
    expect(formatStat(Number.NaN)).toBe('—');
  });
});
