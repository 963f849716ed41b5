/** Numeric cells from bytes: the grammar, the missing-value words, and bit-identity with Number(). */
import { describe, expect, it } from 'vitest';
import { NON_NUMERIC, parseNumberBytes, parseNumberText } from './numbers';

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

describe('parseNumberText', () => {
  it('reads numbers and refuses the rest', () => {
    expect(parseNumberText(' 2.5e1 ')).toBe(25);
    expect(parseNumberText('0x10')).toBeNull();
    expect(parseNumberText('1e309')).toBeNull();
    expect(parseNumberText('')).toBeNull();
  });
});
