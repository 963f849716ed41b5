/** RangeHasher against node:crypto and against the hashes CsvIngestor computes inline, whatever the chunking. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CsvIngestor } from './ingest';
import { previewCsv } from './preview';
import { RangeHasher } from './range-hasher';
import { utf8 } from './test-helpers';

const hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Deterministic bytes, every value 0..255 present. */
function bytesOf(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + (i >> 5)) & 0xff;
  return out;
}

/** Rows of lengths 1..200 with gaps of 0..3 bytes between them (as dropped rows and line breaks leave). */
function rangesOf(total: number): { starts: Float64Array; ends: Float64Array } {
  const starts: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (let k = 0; ; k++) {
    const start = at + (k % 4);
    const end = start + 1 + ((k * 37) % 200);
    if (end > total) break;
    starts.push(start);
    ends.push(end);
    at = end;
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends) };
}

describe('RangeHasher', () => {
  const data = bytesOf(20_000);
  const { starts, ends } = rangesOf(data.length);

  it('hashes the file and every range as node:crypto does, for chunks smaller and larger than a row', () => {
    expect(starts.length).toBeGreaterThan(150);
    for (const chunk of [1, 7, 64, 100, 1000, 20_000]) {
      const hasher = new RangeHasher();
      let next = 0;
      for (let at = 0; at < data.length; at += chunk) {
        const to = Math.min(data.length, at + chunk);
        hasher.pushBytes(data.slice(at, to));
        // Hash the rows whose bytes have all arrived, as the ingest worker does after each chunk.
        let upTo = next;
        while (upTo < ends.length && ends[upTo] <= to) upTo++;
        hasher.hashRows(starts.subarray(next, upTo), ends.subarray(next, upTo));
        next = upTo;
      }
      const { sha256, rowSha256 } = hasher.finish();
      expect(sha256, `chunk ${chunk}`).toBe(hex(data));
      expect(rowSha256).toHaveLength(starts.length * 32);
      for (let r = 0; r < starts.length; r++) {
        const got = Buffer.from(rowSha256.subarray(r * 32, r * 32 + 32)).toString('hex');
        expect(got, `chunk ${chunk}, row ${r}`).toBe(hex(data.subarray(starts[r], ends[r])));
      }
    }
  });

  it('hands back only buffers it no longer needs: chunks read into them at once leave every hash unchanged', () => {
    for (const chunk of [64, 100, 1000]) {
      const hasher = new RangeHasher();
      const pool: ArrayBuffer[] = [];
      let allocated = 0;
      let reused = 0;
      let next = 0;
      for (let at = 0; at < data.length; at += chunk) {
        const to = Math.min(data.length, at + chunk);
        let buffer = pool.pop();
        if (buffer === undefined) {
          buffer = new ArrayBuffer(chunk);
          allocated++;
        } else {
          reused++;
        }
        const view = new Uint8Array(buffer, 0, to - at);
        view.set(data.subarray(at, to));
        hasher.pushBytes(view);
        let upTo = next;
        while (upTo < ends.length && ends[upTo] <= to) upTo++;
        hasher.hashRows(starts.subarray(next, upTo), ends.subarray(next, upTo));
        next = upTo;
        for (const back of hasher.takeReleased()) {
          new Uint8Array(back).fill(0xee); // a released buffer may be overwritten at once
          pool.push(back);
        }
      }
      const { sha256, rowSha256 } = hasher.finish();
      expect(sha256, `chunk ${chunk}`).toBe(hex(data));
      for (let r = 0; r < starts.length; r++) {
        const got = Buffer.from(rowSha256.subarray(r * 32, r * 32 + 32)).toString('hex');
        expect(got, `chunk ${chunk}, row ${r}`).toBe(hex(data.subarray(starts[r], ends[r])));
      }
      expect(reused, `chunk ${chunk}`).toBeGreaterThan(allocated);
      // After finish every buffer it held comes back, each once.
      const last = hasher.takeReleased();
      expect(new Set(last).size).toBe(last.length);
      expect(last.length).toBeGreaterThan(0);
    }
  });

  it('never hands back a buffer that a chunk still held shares', () => {
    const whole = data.slice(0, 300);
    const hasher = new RangeHasher();
    hasher.pushBytes(whole.subarray(0, 100));
    hasher.pushBytes(whole.subarray(100, 200));
    hasher.pushBytes(whole.subarray(200, 300));
    hasher.hashRows(Float64Array.of(250), Float64Array.of(260)); // lets go of the first two chunks
    expect(hasher.takeReleased()).toEqual([]);
    hasher.finish();
    expect(hasher.takeReleased()).toEqual([whole.buffer]);
  });

  it('refuses a row out of order or beyond the bytes pushed', () => {
    const hasher = new RangeHasher();
    hasher.pushBytes(data.slice(0, 100));
    expect(() => hasher.hashRows(Float64Array.of(10), Float64Array.of(101))).toThrow(/outside what is held/);
    hasher.hashRows(Float64Array.of(10), Float64Array.of(50));
    expect(() => hasher.hashRows(Float64Array.of(40), Float64Array.of(60))).toThrow(/outside what is held/);
  });

  it('refuses a row that ends before it starts; an empty row, even at the end of the bytes, is the empty digest', () => {
    const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const hasher = new RangeHasher();
    hasher.pushBytes(data.slice(0, 50));
    hasher.pushBytes(data.slice(50, 100));
    expect(() => hasher.hashRows(Float64Array.of(40), Float64Array.of(30))).toThrow(
      'row 0 spans bytes 40..30, outside what is held',
    );
    hasher.hashRows(Float64Array.of(10, 100), Float64Array.of(10, 100));
    const { rowSha256 } = hasher.finish();
    expect(Buffer.from(rowSha256).toString('hex')).toBe(empty + empty);
  });

  it('lets go of a chunk as soon as a row starts where it ends', () => {
    const first = data.slice(0, 100);
    const hasher = new RangeHasher();
    hasher.pushBytes(first);
    hasher.pushBytes(data.slice(100, 200));
    hasher.hashRows(Float64Array.of(100), Float64Array.of(150));
    expect(hasher.takeReleased()).toEqual([first.buffer]);
    expect(Buffer.from(hasher.finish().rowSha256).toString('hex')).toBe(hex(data.subarray(100, 150)));
  });

  it("gives the same file and row hashes as CsvIngestor's inline hashing, rows dropped for missing values", () => {
    const lines = ['\uFEFFid,label,a,b'];
    for (let r = 0; r < 3000; r++) lines.push(`r${r},${r % 3},${r % 17 === 0 ? '' : r * 0.5},"${r}"`);
    const bytes = utf8(`${lines.join('\r\n')}\n`);
    const preview = previewCsv(bytes.subarray(0, 65536), 'x.csv', bytes.length);
    const plan = { ...preview.suggested, missing: 'drop-row' as const };
    const inline = new CsvIngestor({ fileName: 'x.csv', totalBytes: bytes.length, plan });
    inline.push(bytes);
    const expected = inline.finish();

    const apart = new CsvIngestor({ fileName: 'x.csv', totalBytes: bytes.length, plan, validateOnly: true });
    const hasher = new RangeHasher();
    for (let at = 0; at < bytes.length; at += 4096) {
      const chunk = bytes.slice(at, at + 4096);
      const before = apart.rowsKept;
      apart.push(chunk);
      hasher.pushBytes(chunk);
      const { starts, ends } = apart.keptRanges(before);
      hasher.hashRows(starts, ends);
    }
    const before = apart.rowsKept;
    const dataset = apart.finish();
    const { starts, ends } = apart.keptRanges(before);
    hasher.hashRows(starts, ends);
    const hashes = hasher.finish();
    expect(dataset.rows).toBe(expected.rows);
    expect(expected.rows).toBeLessThan(3000);
    expect(hashes.sha256).toBe(expected.sha256);
    expect(hashes.sha256).toBe(hex(bytes));
    expect(Buffer.from(hashes.rowSha256).equals(Buffer.from(expected.rowSha256))).toBe(true);
  });
});
