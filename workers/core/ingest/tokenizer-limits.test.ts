/**
 * The tokenizer's edges that the papaparse comparison does not see: each record's file offset and byte range, field
 * ends past the first 64 fields, records longer than the held buffer, a CRLF split between chunks, the messages of
 * its two errors and the delimiters it refuses. Expected values come from how each file is built, never from the
 * tokenizer.
 */
import { describe, expect, it } from 'vitest';
import { thrownBy } from './test-helpers';
import { CsvSyntaxError, CsvTokenizer } from './tokenizer';

interface Seen {
  text: string;
  ends: number[];
  line: number;
  offset: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `bytes` in chunks of `chunk` bytes (the chunk sizes cycle through `chunk` when it is a list). */
function run(bytes: Uint8Array, delimiter: string, chunk: number | number[], startOffset = 0): Seen[] {
  const out: Seen[] = [];
  const tokenizer = new CsvTokenizer(
    delimiter,
    {
      record(b, start, end, ends, count, line, offset) {
        out.push({
          text: decoder.decode(b.subarray(start, end)),
          ends: Array.from(ends.subarray(0, count)),
          line,
          offset,
        });
      },
    },
    startOffset,
  );
  const sizes = Array.isArray(chunk) ? chunk : [chunk];
  let k = 0;
  for (let at = 0; at < bytes.length; k++) {
    const size = Math.min(sizes[k % sizes.length] ?? 1, bytes.length - at);
    tokenizer.feed(bytes.subarray(at, at + size));
    at += size;
  }
  tokenizer.finish();
  return out;
}

/** Field ends of `fields` joined by one delimiter byte: field k ends at the sum of the lengths before it plus k. */
function endsOf(fields: string[]): number[] {
  const ends: number[] = [];
  let at = 0;
  for (const field of fields) {
    at += encoder.encode(field).length;
    ends.push(at);
    at += 1;
  }
  return ends;
}

const CHUNKS: (number | number[])[] = [1, 2, 3, 5, 7, 64, 100_000, [1, 9], [4, 1, 2]];

describe('CsvTokenizer offsets and byte ranges', () => {
  // Records and what follows each: the offsets are summed here as the file is built.
  const parts: [string, string][] = [
    ['h1,h2', '\r\n'],
    ['a,1', '\n'],
    ['', '\r\n'], // a blank line: no record
    ['"x\r\ny",2', '\r'],
    ['b,3', '\r\n'],
    ['', '\n'],
    ['', '\r'],
    ['"q""",4', '\n'],
    ['c,5', ''],
  ];
  const expected: { text: string; line: number; offset: number }[] = [];
  let file = '';
  let line = 1;
  for (const [text, end] of parts) {
    if (text !== '') expected.push({ text, line, offset: encoder.encode(file).length });
    file += text + end;
    line += (text.match(/\r\n|\r|\n/g) ?? []).length + (end === '' ? 0 : 1);
  }
  const bytes = encoder.encode(file);

  it('gives each record its first line, its file offset and exactly its bytes, in any chunking', () => {
    expect(expected.map((e) => [e.offset, e.line])).toEqual([
      [0, 1],
      [7, 2],
      [13, 4],
      [22, 6],
      [29, 9],
      [37, 10],
    ]);
    for (const chunk of CHUNKS) {
      const seen = run(bytes, ',', chunk);
      expect(
        seen.map(({ text, line: l, offset }) => ({ text, line: l, offset })),
        `chunk ${chunk}`,
      ).toEqual(expected);
    }
  });

  it('counts offsets from the start offset it is given (after a byte-order mark)', () => {
    for (const chunk of CHUNKS) {
      const seen = run(bytes, ',', chunk, 3);
      expect(
        seen.map((s) => s.offset),
        `chunk ${chunk}`,
      ).toEqual(expected.map((e) => e.offset + 3));
    }
  });

  it('moves a record start past the LF of a CRLF whose CR ended the previous chunk', () => {
    // 'a,1\r' | '\nb,2\r' | '\nc,3': every LF opens a chunk.
    const text = 'a,1\r\nb,2\r\nc,3';
    const seen = run(encoder.encode(text), ',', [4, 5]);
    expect(seen.map((s) => [s.text, s.line, s.offset])).toEqual([
      ['a,1', 1, 0],
      ['b,2', 2, 5],
      ['c,3', 3, 10],
    ]);
    // A blank CRLF line split the same way: 'a\r' | '\n\r' | '\nb'.
    const blank = run(encoder.encode('a\r\n\r\nb'), ',', [2, 2]);
    expect(blank.map((s) => [s.text, s.line, s.offset])).toEqual([
      ['a', 1, 0],
      ['b', 3, 5],
    ]);
  });

  it('counts a quoted CR that ends a chunk once, with or without an LF opening the next', () => {
    // '"a\r' | '\nb",1\nz' and '"a\r' | 'b",1\nz': the quoted field spans lines 1-2, z is on line 3.
    for (const text of ['"a\r\nb",1\nz', '"a\rb",1\nz']) {
      const seen = run(encoder.encode(text), ',', [3, 100]);
      expect(
        seen.map((s) => [s.text, s.line, s.offset]),
        JSON.stringify(text),
      ).toEqual([
        [text.slice(0, text.indexOf('\nz')), 1, 0],
        ['z', 3, text.indexOf('z')],
      ]);
    }
  });

  it('counts a line break that opens the file, and one after an empty chunk', () => {
    const blankFirst = run(encoder.encode('\nh\n'), ',', [1, 100]);
    expect(blankFirst.map((s) => [s.text, s.line, s.offset])).toEqual([['h', 2, 1]]);
    // 'a\r' | '' | '\nb': the empty chunk does not end the CRLF.
    const text = encoder.encode('a\r\nb');
    const lines: [string, number, number][] = [];
    const tokenizer = new CsvTokenizer(',', {
      record(b, start, end, _ends, _count, line, offset) {
        lines.push([decoder.decode(b.subarray(start, end)), line, offset]);
      },
    });
    tokenizer.feed(text.subarray(0, 2));
    tokenizer.feed(text.subarray(2, 2));
    tokenizer.feed(text.subarray(2));
    tokenizer.finish();
    expect(lines).toEqual([
      ['a', 1, 0],
      ['b', 2, 3],
    ]);
  });
});

describe('CsvTokenizer wide and long records', () => {
  it('gives every field end of records with 63 to 200 fields, quoted or not, ended or not', () => {
    for (const count of [63, 64, 65, 127, 128, 129, 200]) {
      for (const quoted of [false, true]) {
        const fields = Array.from({ length: count }, (_, k) => (quoted && k % 2 === 0 ? `"f${k}"` : `f${k}`));
        const record = fields.join(',');
        for (const newline of ['\n', '']) {
          const bytes = encoder.encode(`${record}${newline}${record}${newline}`);
          for (const chunk of [1, 7, 100_000]) {
            const seen = run(bytes, ',', chunk);
            const what = `${count} fields, quoted ${quoted}, newline ${JSON.stringify(newline)}, chunk ${chunk}`;
            if (newline === '') {
              // No line break between them: one record of 2 × count - 1 fields (the middle two run together).
              expect(seen, what).toHaveLength(1);
              expect(seen[0]?.ends, what).toHaveLength(2 * count - 1);
              continue;
            }
            expect(seen, what).toHaveLength(2);
            expect(seen[0]?.ends, what).toEqual(endsOf(fields));
            expect(seen[1]?.ends, what).toEqual(endsOf(fields));
            expect(seen[1]?.offset, what).toBe(encoder.encode(record).length + 1);
          }
        }
      }
    }
  });

  it('ends a last record of exactly 64 fields that has no line break', () => {
    const fields = Array.from({ length: 64 }, (_, k) => `v${k}`);
    const seen = run(encoder.encode(`h\n${fields.join(';')}`), ';', 3);
    expect(seen[1]?.ends).toEqual(endsOf(fields));
    expect(seen[1]?.text).toBe(fields.join(';'));
  });

  it('holds records far longer than its 4 KB buffer across chunks', () => {
    for (const size of [4095, 4096, 4097, 10_000, 70_000]) {
      const long = 'x'.repeat(size);
      const text = `a,${long}\n${long},b\nc,d`;
      const bytes = encoder.encode(text);
      for (const chunk of [1000, 4096, [3, 20_000], 100_000]) {
        const seen = run(bytes, ',', chunk);
        expect(
          seen.map((s) => [s.text.length, s.ends, s.offset]),
          `size ${size}, chunk ${chunk}`,
        ).toEqual([
          [size + 2, [1, size + 2], 0],
          [size + 2, [size, size + 2], size + 3],
          [3, [1, 3], 2 * size + 6],
        ]);
        expect(seen[1]?.text).toBe(`${long},b`);
      }
    }
  });
});

describe('CsvTokenizer closing quotes and errors', () => {
  it('allows spaces and tabs after a closing quote, but a tab only when it is not the delimiter', () => {
    const comma = run(encoder.encode('"a" \t ,"b"\t\n'), ',', 1);
    expect(comma.map((s) => s.ends)).toEqual([[6, 11]]);
    const tab = run(encoder.encode('"a"\t"b"  \n'), '\t', 1);
    expect(tab.map((s) => s.ends)).toEqual([[3, 9]]);
  });

  it('reads a doubled quote after spaces as an error, not as an escaped quote', () => {
    const error = thrownBy(() => run(encoder.encode('x,"ab" "c"\n'), ',', 100));
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 1, field: 1, after: '"', message: 'unexpected " after quote' });
  });

  it('names the whole character after a closing quote, of one to four bytes', () => {
    for (const after of ['z', 'é', '日', 'अ', '🐱']) {
      const error = thrownBy(() => run(encoder.encode(`a\n1,2,"q"${after}\n`), ',', 100_000));
      expect(error, after).toBeInstanceOf(CsvSyntaxError);
      expect(error, after).toMatchObject({
        name: 'CsvSyntaxError',
        line: 2,
        field: 2,
        after,
        message: `unexpected ${after} after quote`,
      });
    }
  });

  it('says on which line an unclosed quote opened', () => {
    const error = thrownBy(() => run(encoder.encode('a,b\n1,"2\n3\n4'), ',', 2));
    expect(error).toMatchObject({
      name: 'CsvSyntaxError',
      line: 2,
      field: 1,
      message: 'quote opened on line 2 is never closed',
    });
  });

  it('gives the line after every line break read so far', () => {
    const lines: number[] = [];
    const tokenizer = new CsvTokenizer(',', { record() {} });
    lines.push(tokenizer.currentLine);
    tokenizer.feed(encoder.encode('a\r\nb\n"c\nd"\r'));
    lines.push(tokenizer.currentLine);
    tokenizer.feed(encoder.encode('\ne'));
    lines.push(tokenizer.currentLine);
    expect(lines).toEqual([1, 5, 5]);
  });

  it('accepts any one ASCII delimiter and refuses others', () => {
    expect(run(encoder.encode('a\u007fb\n'), '\u007f', 1).map((s) => s.ends)).toEqual([[1, 3]]);
    for (const delimiter of ['', '::', 'é', '\u0080']) {
      expect(() => new CsvTokenizer(delimiter, { record() {} }), JSON.stringify(delimiter)).toThrow(
        `The delimiter must be one ASCII character, got ${JSON.stringify(delimiter)}`,
      );
    }
  });
});
