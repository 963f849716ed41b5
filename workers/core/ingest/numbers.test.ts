/** Numeric cells from bytes: the grammar, the missing-value words, and bit-identity with Number(). */
import { describe, expect, it } from 'vitest';
import { NON_NUMERIC, parseNumberBytes, parseNumberGeneral, parseNumberText } from './numbers';

const parse = (text: string): number => {
  const bytes = new TextEncoder().encode(`#${text}#`);
  return parseNumberBytes(bytes, 1, bytes.length - 1);
};

describe('parseNumberBytes', () => {
  it('reads decimals and scientific notation exactly as Number() does', () => {
    const cells = [
      '0',
      '-0',
      '+0',
      '1',
      '-1',
      '0.1',
      '.5',
      '5.',
      '-.25',
      '1e3',
      '1E-3',
      '-2.5E+04',
      '1.5e0',
      '00012.500',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '0.1000000000000000055511151231257827',
      '1e22',
      '1e23',
      '1e-22',
      '1e-23',
      '4.9e-324',
      '2.2250738585072014e-308',
      '1.7976931348623157e308',
      '1e-400',
      '  42  ',
      '\t-7\t',
    ];
    for (const cell of cells) expect(Object.is(parse(cell), Number(cell)), cell).toBe(true);
  });

  it('agrees with Number() on many random decimals', () => {
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    for (let i = 0; i < 20_000; i++) {
      const digits = String(next()).slice(0, 1 + (next() % 10));
      const point = next() % (digits.length + 1);
      const exp = next() % 3 === 0 ? `e${(next() % 80) - 40}` : '';
      const cell = `${next() % 2 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}${exp}`;
      if (cell.replace(/^-/, '').startsWith('.e') || cell.replace(/^-/, '') === '.') continue;
      expect(Object.is(parse(cell), Number(cell)), cell).toBe(true);
    }
  });

  it('reads blanks, NaN, NA, null, ?, infinities and overflow as missing (NaN)', () => {
    for (const cell of [
      '',
      '   ',
      'NaN',
      'nan',
      '-nan',
      'NA',
      'n/a',
      '#N/A',
      'null',
      'None',
      '?',
      'inf',
      '-Infinity',
      '+INF',
      '1e309',
      '-1e400000',
    ]) {
      expect(parse(cell), JSON.stringify(cell)).toBeNaN();
    }
  });

  it('refuses what Number() or parseFloat would read but a dataset should not mean', () => {
    for (const cell of [
      '12abc',
      '0x1A',
      '0b101',
      '0o17',
      '1e',
      '1e+',
      '--1',
      '+-1',
      '1.2.3',
      '.',
      '-',
      'e5',
      '1 2',
      'abc',
      '1,5',
      '١٢',
    ]) {
      expect(parse(cell), JSON.stringify(cell)).toBe(NON_NUMERIC);
    }
  });
});

describe('parseNumberBytes short path (plain decimals of at most 15 digits)', () => {
  /** Both paths over the same bytes, and Number() on the text. */
  const both = (text: string) => {
    const bytes = new TextEncoder().encode(`#${text}#`);
    return {
      fast: parseNumberBytes(bytes, 1, bytes.length - 1),
      general: parseNumberGeneral(bytes, 1, bytes.length - 1),
    };
  };

  it('gives exactly what the general path and Number() give at its edges', () => {
    const cells = [
      '0',
      '-0',
      '-0.000',
      '0.',
      '-.0',
      '.5',
      '5.',
      '007',
      '-000.0100',
      '000000000000001', // 15 digits, leading zeros counted: short path
      '0000000000000001', // 16: general path
      '999999999999999',
      '-999999999999999',
      '99999999999999.9',
      '0.00000000000001',
      '0.000000000000001',
      '123456789012345',
      '1234567890123456',
      '.123456789012345',
      '-0.665',
      '4.799',
      '2.220446049250313',
      '0.1',
      '0.3',
    ];
    for (const cell of cells) {
      const { fast, general } = both(cell);
      expect(Object.is(fast, general), cell).toBe(true);
      expect(Object.is(fast, Number(cell)), cell).toBe(true);
    }
  });

  it('agrees with the general path and Number() on random plain decimals of 1 to 17 digits', () => {
    let state = 987654321;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    let checked = 0;
    for (let i = 0; i < 40_000; i++) {
      const length = 1 + (next() % 17);
      let digits = '';
      for (let k = 0; k < length; k++) digits += String(next() % 10);
      if (next() % 4 === 0) digits = `00${digits}`;
      const point = next() % (digits.length + 2); // past the end: no point
      const body = point > digits.length ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
      const cell = `${next() % 2 ? '-' : ''}${body}`;
      const { fast, general } = both(cell);
      expect(Object.is(fast, general), cell).toBe(true);
      expect(Object.is(fast, Number(cell)), cell).toBe(true);
      checked++;
    }
    expect(checked).toBe(40_000);
  });

  it('leaves signs, spaces, exponents and words to the general path, with its answers', () => {
    for (const cell of ['+1', ' 1', '1 ', '1e3', '-1E-3', '', '-', '.', '-.', 'NaN', '--1', '1.2.3', '1-']) {
      const { fast, general } = both(cell);
      expect(Object.is(fast, general), JSON.stringify(cell)).toBe(true);
    }
    expect(both('1e3').fast).toBe(1000);
    expect(both('+1').fast).toBe(1);
    expect(both('1-').fast).toBe(NON_NUMERIC);
  });
});

describe('parseNumberText', () => {
  it('reads numbers and refuses the rest', () => {
    expect(parseNumberText(' 2.5e1 ')).toBe(25);
    expect(parseNumberText('0x10')).toBeNull();
    expect(parseNumberText('1e309')).toBeNull();
    expect(parseNumberText('')).toBeNull();
  });
});
