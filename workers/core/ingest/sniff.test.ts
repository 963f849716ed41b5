/** The delimiter sniffer, called directly (papaparse's guess: the delimiter with the steadiest field count wins). */
import { describe, expect, it } from 'vitest';
import { DELIMITERS, sniffDelimiter } from './sniff';

describe('sniffDelimiter', () => {
  it('picks comma, semicolon or tab, and comma when none splits the rows', () => {
    expect(DELIMITERS).toEqual([',', ';', '\t']);
    expect(sniffDelimiter('a;b\n1;2\n', false)).toBe(';');
    expect(sniffDelimiter('a\tb\n1\t2\n', false)).toBe('\t');
    expect(sniffDelimiter('a,b\n1,2\n', false)).toBe(',');
    expect(sniffDelimiter('a\n1\n', false)).toBe(',');
  });

  it('guesses among its three only: a pipe that splits rows more is not taken over a semicolon', () => {
    // Among papaparse's default candidates '|' (3 fields a row) would beat ';' (2).
    expect(sniffDelimiter('a;b|c|d\n1;2|3|4\n', false)).toBe(';');
    expect(sniffDelimiter('a|b\n1|2\n', false)).toBe(',');
  });

  it('skips empty lines when counting fields', () => {
    // Counted, the empty lines would make ';' rows of 2, 1, 2, 1, 2 fields: no steady split, so ','.
    expect(sniffDelimiter('a;b\n\n1;2\n\n3;4\n', false)).toBe(';');
  });

  it('leaves out the last line of a truncated head, after a line feed or a carriage return', () => {
    // With the partial "3" the ';' rows would be 2, 2, 1 fields: too unsteady, so ','.
    expect(sniffDelimiter('a;b\n1;2\n3', true)).toBe(';');
    expect(sniffDelimiter('a;b\r1;2\r3', true)).toBe(';');
    expect(sniffDelimiter('a;b\r\n1;2\r\n3', true)).toBe(';');
    expect(sniffDelimiter('a;b\n1;2\n3', false)).toBe(',');
    // The only break at the very start: nothing would be left, so the text is kept.
    expect(sniffDelimiter('\na;b;c', true)).toBe(';');
    expect(sniffDelimiter('a;b;c', true)).toBe(';');
  });
});
