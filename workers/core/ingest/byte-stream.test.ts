/**
 * CsvByteStream on its own, chunk by chunk: the size limit at exactly its value, the file hash against node:crypto,
 * the byte-order mark split over chunks (and three bytes that only start like one), NUL bytes and invalid UTF-8
 * with their offsets and lines counted by hand, a character cut off by the end, the sniffed delimiter.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsvByteStream } from './byte-stream';
import { IngestError } from './ingest-error';
import type { RecordSink } from './tokenizer';

interface Seen {
  text: string;
  line: number;
  offset: number;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const SAVE = 'Save it as UTF-8 CSV and import it again.';

function stream(delimiter: string | null, maxBytes = 1000, totalBytes = 0, hashing = true) {
  const seen: Seen[] = [];
  const sink: RecordSink = {
    record(bytes, start, end, _fieldEnds, _fieldCount, line, fileOffset) {
      seen.push({ text: new TextDecoder().decode(bytes.subarray(start, end)), line, offset: fileOffset });
    },
  };
  const s = new CsvByteStream({ file: 'a.csv', totalBytes, maxBytes, hashing, delimiter }, sink);
  return { s, seen };
}

/** The message of the IngestError `run` throws. */
function refusal(run: () => void): string {
  let caught: unknown = null;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(IngestError);
  return (caught as IngestError).message;
}

describe('CsvByteStream', () => {
  it('takes a file of exactly the limit, and refuses one byte more, declared or pushed', () => {
    const ok = stream(',', 10, 10);
    ok.s.push(enc('a,b\n'));
    ok.s.push(enc('1,2\n3,4\n'.slice(0, 6)));
    ok.s.end();
    expect(ok.s.bytes).toBe(10);
    const over =
      'a.csv: the file is 11 bytes, over the limit of 10 bytes. The limit can be changed in the import settings.';
    expect(refusal(() => stream(',', 10, 11).s.push(enc('a')))).toBe(over);
    const late = stream(',', 10, 4);
    late.s.push(enc('a,b\n1,'));
    expect(refusal(() => late.s.push(enc('2\n3,4')))).toBe(over);
  });

  it('hashes every byte pushed, BOM included, or gives nothing when not hashing', () => {
    const bytes = enc('\ufeffid,x\n1,2\n');
    const h = stream(null);
    h.s.push(bytes.subarray(0, 2));
    h.s.push(bytes.subarray(2));
    h.s.end();
    expect(h.s.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
    const none = stream(null, 1000, 0, false);
    none.s.push(bytes);
    none.s.end();
    expect(none.s.sha256()).toBe('');
  });

  it('skips a byte-order mark split over three chunks, and keeps three bytes that only start like one', () => {
    const bom = stream(',');
    for (const c of [[0xef], [0xbb], [0xbf, 0x61, 0x2c, 0x62, 0x0a, 0x31]]) bom.s.push(Uint8Array.from(c));
    bom.s.end();
    expect(bom.seen).toEqual([
      { text: 'a,b', line: 1, offset: 3 },
      { text: '1', line: 2, offset: 7 },
    ]);
    // EF BB 80 is U+FEC0, a character: it is the first cell's text.
    const like = stream(',');
    for (const c of [[0xef], [0xbb, 0x80, 0x2c, 0x62, 0x0a]]) like.s.push(Uint8Array.from(c));
    like.s.end();
    expect(like.seen).toEqual([{ text: '\ufec0,b', line: 1, offset: 0 }]);
    const two = stream(',');
    two.s.push(Uint8Array.of(0xef, 0xbb));
    two.s.push(Uint8Array.of(0x80, 0x0a, 0x7a));
    two.s.end();
    expect(two.seen).toEqual([
      { text: '\ufec0', line: 1, offset: 0 },
      { text: 'z', line: 2, offset: 4 },
    ]);
  });

  it('refuses a file that ends inside a character, a BOM cut short included', () => {
    const cut = stream(',');
    cut.s.push(enc('a\nb\n'));
    cut.s.push(Uint8Array.of(0x63, 0xc3));
    expect(refusal(() => cut.s.end())).toBe(
      `a.csv, line 3: the file is not UTF-8 text (it ends in the middle of a multi-byte character). ${SAVE}`,
    );
    const bomOnly = stream(null);
    bomOnly.s.push(Uint8Array.of(0xef, 0xbb));
    expect(refusal(() => bomOnly.s.end())).toBe(
      `a.csv, line 1: the file is not UTF-8 text (it ends in the middle of a multi-byte character). ${SAVE}`,
    );
  });

  it('refuses a NUL byte at its offset, or names the file type its first bytes show', () => {
    const nul = (d: string): string => `a.csv: the file is not UTF-8 text (${d}). ${SAVE}`;
    const first = stream(',');
    expect(refusal(() => first.s.push(Uint8Array.of(0x00, 0x41)))).toBe(
      nul('it contains a NUL byte at offset 0, as binary files and UTF-16 text do'),
    );
    const later = stream(',');
    later.s.push(enc('abc'));
    expect(refusal(() => later.s.push(Uint8Array.of(0x64, 0x00)))).toBe(
      nul('it contains a NUL byte at offset 4, as binary files and UTF-16 text do'),
    );
    const utf16 = stream(',');
    expect(refusal(() => utf16.s.push(Uint8Array.of(0xff, 0xfe, 0x61, 0x00)))).toBe(
      nul('it starts with a UTF-16 byte-order mark: it is UTF-16 text'),
    );
  });

  it('names the first invalid byte, its offset and its line, while sniffing and after', () => {
    const bad = (line: number, d: string): string =>
      `a.csv, line ${line}: the file is not UTF-8 text (${d}). ${SAVE}`;
    const latin = '; the file may be Latin-1 or Windows-1252 text';
    const one = stream(null);
    expect(refusal(() => one.s.push(Uint8Array.of(...enc('id,x\nab,'), 0xff)))).toBe(
      bad(2, `byte 0xFF at offset 8 is not valid UTF-8${latin}`),
    );
    // The first chunk held for sniffing holds one line break; the second two more before the bad byte.
    const held = stream(null);
    held.s.push(enc('id,x\n'));
    expect(refusal(() => held.s.push(Uint8Array.of(0x61, 0x0a, 0x62, 0x0d, 0x0a, 0x9f)))).toBe(
      bad(4, 'byte 0x9F at offset 10 is not valid UTF-8'),
    );
    // A delimiter given: the tokenizer has read two lines when the bad byte comes.
    const given = stream(',');
    given.s.push(enc('id,x\nq\n'));
    expect(refusal(() => given.s.push(Uint8Array.of(0x7a, 0xe9, 0x41)))).toBe(
      bad(3, `byte 0xE9 at offset 8 is not valid UTF-8${latin}`),
    );
    const png = stream(null);
    expect(refusal(() => png.s.push(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a)))).toBe(
      `a.csv: the file is not UTF-8 text (it looks like a PNG image). ${SAVE}`,
    );
  });

  it('sniffs a file shorter than the sniffed head whole, its last line without a break included', () => {
    // The first line alone splits on ','; with the last, ';' splits the rows into more fields on average.
    const s = stream(null);
    s.s.push(enc('a,b\nc;d;e;f;g;h'));
    s.s.end();
    expect(s.s.delimiter).toBe(';');
  });

  it('sniffs the delimiter from the bytes held, and keeps its own copy of each chunk', () => {
    const s = stream(null);
    expect(s.s.delimiter).toBe(',');
    const chunk = enc('a;b\n1;2\n');
    s.s.push(chunk);
    chunk.fill(0x78);
    s.s.push(new Uint8Array(0));
    s.s.end();
    expect(s.s.delimiter).toBe(';');
    expect(s.seen).toEqual([
      { text: 'a;b', line: 1, offset: 0 },
      { text: '1;2', line: 2, offset: 4 },
    ]);
  });

  it('sniffs only the first 64 KiB when the first rows run past it, its cut-off last line left out', () => {
    // 65,536 bytes: `a;b`, a break, then 65,532 `c`s of a line that goes on past the head with `,d,e,f`.
    // The head without its cut-off line is one row of two fields by ';' (one by ',' or tab): ';'. Were the cut-off
    // line kept, ';' would average 1.5 fields and none reach two (papaparse's fallback ','); were the rest of the
    // line read, ',' would split it into four fields, 2.5 on average, and ';' 1.5: ','.
    const head = enc(`a;b\n${'c'.repeat(65532)}`);
    expect(head.length).toBe(64 * 1024);
    const tail = enc(',d,e,f\n');
    const expected = [
      { text: 'a;b', line: 1, offset: 0 },
      { text: `${'c'.repeat(65532)},d,e,f`, line: 2, offset: 4 },
    ];
    // In 64 chunks of 1,024 bytes (the tokenizer starts on the 64th) and in one chunk of exactly 64 KiB.
    for (const size of [1024, 64 * 1024]) {
      const s = stream(null, 100_000);
      for (let at = 0; at < head.length; at += size) s.s.push(head.slice(at, at + size));
      s.s.push(tail);
      s.s.end();
      expect(s.s.delimiter).toBe(';');
      expect(s.seen).toEqual(expected);
    }
  });
});
