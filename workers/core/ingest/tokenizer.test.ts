/** The byte tokenizer against papaparse, the project's CSV parser, on well-formed input; and its own rules. */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { thrownBy } from './test-helpers';
import { CsvSyntaxError, CsvTokenizer } from './tokenizer';

interface Token {
  cells: string[];
  line: number;
  text: string;
}

/** Tokenizes `text` fed in chunks of `chunk` bytes; cells unquoted the way papaparse does. */
function tokenize(text: string, delimiter: string, chunk = Number.POSITIVE_INFINITY): Token[] {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder();
  const out: Token[] = [];
  const tokenizer = new CsvTokenizer(delimiter, {
    record(b, start, end, ends, count, line) {
      const cells: string[] = [];
      let s = start;
      for (let k = 0; k < count; k++) {
        const e = start + ends[k];
        let cell = decoder.decode(b.subarray(s, e));
        if (cell.startsWith('"'))
          cell = cell
            .replace(/"[ \t]*$/, '')
            .slice(1)
            .replaceAll('""', '"');
        cells.push(cell);
        s = e + 1;
      }
      out.push({ cells, line, text: decoder.decode(b.subarray(start, end)) });
    },
  });
  const step = Math.min(chunk, bytes.length || 1);
  for (let at = 0; at < bytes.length; at += step) tokenizer.feed(bytes.subarray(at, at + step));
  tokenizer.finish();
  return out;
}

/** A seeded uniform [0, 1) stream (mulberry32), so the random cases are the same on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random well-formed CSV: fields with delimiters, quotes, newlines, spaces, unicode; records joined by `newline`. */
function randomCsv(seed: number, delimiter: string, newline: string): string {
  const random = createRandom(seed);
  const pieces = ['a', 'b', '7', '-1.5e3', ' ', delimiter, '"', '\n', '\r\n', 'é', '日', '🐱', ''];
  const columns = 1 + Math.floor(random() * 5);
  const records: string[] = [];
  for (let r = 0; r < 12; r++) {
    const fields: string[] = [];
    for (let c = 0; c < columns; c++) {
      let value = '';
      const length = Math.floor(random() * 5);
      for (let k = 0; k < length; k++) value += pieces[Math.floor(random() * pieces.length)];
      // papaparse's skipEmptyLines drops a record of one empty field, even a quoted `""`; the tokenizer keeps a
      // non-blank line. Avoid that case (blank lines are covered below).
      if (columns === 1 && value === '') value = 'x';
      const mustQuote = /["\r\n]/.test(value) || value.includes(delimiter);
      fields.push(mustQuote || random() < 0.2 ? `"${value.replaceAll('"', '""')}"` : value);
    }
    records.push(fields.join(delimiter));
  }
  return records.join(newline) + (random() < 0.5 ? newline : '');
}

describe('CsvTokenizer', () => {
  it('splits fields exactly as papaparse does, for random well-formed CSV, in any chunking', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const delimiter = [',', ';', '\t'][seed % 3];
      const newline = seed % 2 === 0 ? '\n' : '\r\n';
      const text = randomCsv(seed, delimiter, newline);
      const papa = Papa.parse<string[]>(text, { delimiter, newline, skipEmptyLines: true });
      expect(papa.errors, `seed ${seed}`).toEqual([]);
      const ours = tokenize(text, delimiter);
      expect(
        ours.map((t) => t.cells),
        `seed ${seed}: ${JSON.stringify(text)}`,
      ).toEqual(papa.data);
      for (const chunk of [1, 2, 3, 7]) {
        expect(tokenize(text, delimiter, chunk), `seed ${seed}, chunk ${chunk}`).toEqual(ours);
      }
    }
  });

  it('numbers lines across quoted line breaks (LF, CRLF, CR) and skips blank lines', () => {
    const text = 'h1,h2\n"a\nb",1\r\n\r\n"c\r\nd",2\r"e\rf",3\n\n  \ng,4';
    expect(tokenize(text, ',').map((t) => [t.line, t.text])).toEqual([
      [1, 'h1,h2'],
      [2, '"a\nb",1'],
      [5, '"c\r\nd",2'],
      [7, '"e\rf",3'],
      [10, '  '],
      [11, 'g,4'],
    ]);
  });

  it('a quote inside an unquoted field is text, as in papaparse', () => {
    expect(tokenize('a"b,"c"\n', ',').map((t) => t.cells)).toEqual([['a"b', 'c']]);
  });

  it('reports an unclosed quote at the line and field where it opens', () => {
    const error = thrownBy(() => tokenize('a,b\n1,2\n3,"4\n5,6\n', ',', 2));
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 3, field: 1, after: undefined });
  });

  it('reports text after a closing quote, with the character found', () => {
    expect(thrownBy(() => tokenize('"ab"x,1\n', ','))).toMatchObject({ line: 1, field: 0, after: 'x' });
    const error = thrownBy(() => tokenize('1,"ab"é\n', ','));
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 1, field: 1, after: 'é' });
  });

  it('refuses a delimiter that is not one ASCII character', () => {
    expect(() => new CsvTokenizer('::', { record() {} })).toThrow(/one ASCII character/);
  });
});
