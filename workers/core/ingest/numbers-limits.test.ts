/**
 * The number reader at its edges: only the bytes of its range are read, trailing text after a fraction or an
 * exponent is refused, 16 significant digits go to Number() (a 16-digit mantissa above 2^53 is not exact), long
 * words are not missing-value words, and an exponent cut short by saturation never reaches the exact fast paths.
 * Expected values are Number() on the same text, or the grammar's refusal.
 */
import { describe, expect, it } from 'vitest';
import { NON_NUMERIC, parseNumberBytes } from './numbers';

const encoder = new TextEncoder();

/** `parseNumberBytes` over `text` placed between `before` and `after`, which it must not read. */
function parseIn(before: string, text: string, after: string): number {
  const bytes = encoder.encode(`${before}${text}${after}`);
  const start = encoder.encode(before).length;
  return parseNumberBytes(bytes, start, start + encoder.encode(text).length);
}

describe('parseNumberBytes, its range only', () => {
  it('reads none of the digits, points, signs or exponents that follow its range', () => {
    const cases: [string, string][] = [
      [' 12', '7'],
      [' 5', '.'],
      [' 1.5', '7'],
      [' 5', 'e3'],
      [' 5e1', '2'],
      ['+3', '9'],
      ['-0.25', '1'],
      ['7', '.5'],
    ];
    for (const [text, after] of cases) {
      for (const before of ['', '9', '-']) {
        const got = parseIn(before, text, after);
        expect(Object.is(got, Number(text)), `${before}[${text}]${after}`).toBe(true);
      }
    }
  });

  it('reads an empty cell as missing even when the next byte is a space or a tab', () => {
    for (const after of ['\t', ' ', '\t7', ' 7']) {
      expect(parseIn('1\t', '', after), JSON.stringify(after)).toBeNaN();
      expect(parseIn('1\t', ' ', after), JSON.stringify(after)).toBeNaN();
    }
  });
});

describe('parseNumberBytes, trailing text and long cells', () => {
  it('refuses text after a fraction or an exponent', () => {
    for (const cell of [
      '1.x',
      '0.e',
      '1.5x',
      '1.5 x',
      '-2.25e',
      '1e5x',
      '1e3.5',
      '2E-3,5',
      '1e1 2',
      '4e+2-',
      '.5/',
    ]) {
      expect(parseIn('', cell, ''), JSON.stringify(cell)).toBe(NON_NUMERIC);
    }
  });

  it('trims spaces and tabs after a fraction, as Number() does', () => {
    for (const cell of ['1.5 ', '1.5\t', '-0.125  ', '3. ']) {
      expect(parseIn('', cell, ''), JSON.stringify(cell)).toBe(Number(cell));
    }
  });

  it('reads 16 significant digits as Number() does, though the mantissa is above 2^53', () => {
    // Found by search: a 16-digit mantissa rounded to a double and then scaled gives the neighbour of Number()'s
    // answer (9007199254740993 × 10 → 90071992547409920, Number says 90071992547409940).
    for (const cell of [
      '9007199254740993e1',
      '9007199254740997e1',
      '900719925474099.5',
      '900719925474099.7',
      '-900719925474099.9',
    ]) {
      expect(Object.is(parseIn('', cell, ''), Number(cell)), cell).toBe(true);
    }
  });

  it('reads a long word as not a number, not as a missing value', () => {
    for (const cell of ['not a number', 'missing value', 'nan nan nan', 'infinityyyyy']) {
      expect(parseIn('', cell, ''), cell).toBe(NON_NUMERIC);
    }
  });

  it("gives Number()'s answer when as many zeros lead the digits as the exponent is cut to", () => {
    // 0.(100,000 zeros)1 × 10^1,000,005 is 10^900,004: past the double range, so missing. The exponent's digits
    // saturate at 100,000, which the leading zeros cancel: the fast path read it as 0.1.
    const zeros = '0'.repeat(100_000);
    expect(parseIn('', `0.${zeros}1e1000005`, '')).toBeNaN();
    expect(parseIn('', `-0.${zeros}1e1000005`, '')).toBeNaN();
    // Saturation with no such zeros still gives Number()'s 0 and infinity.
    expect(Object.is(parseIn('', '1e-1000005', ''), 0)).toBe(true);
    expect(parseIn('', '1e1000005', '')).toBeNaN();
    // Below saturation the exponent is read whole: 0.(99,999 zeros)1e100005 is 10^5.
    expect(parseIn('', `0.${'0'.repeat(99_999)}1e100005`, '')).toBe(
      Number(`0.${'0'.repeat(99_999)}1e100005`),
    );
  });
});
