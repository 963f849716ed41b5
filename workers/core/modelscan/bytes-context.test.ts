/**
 * The scanner's two foundations on bytes written by hand: the bounds-checked little-endian reads (bytes.ts) and the
 * scan's state (context.ts: findings kept once and capped, refusals, the time budget read off a fake clock, the
 * inflated-bytes cap, verdicts, byte counts and quoted text). Every expected value is worked out from the bytes.
 */
import { describe, expect, it } from 'vitest';
import { ByteReader, decodeUtf8, startsWith } from './bytes';
import { effectOf, formatBytes, quote, ScanContext, ScanStop, verdictOf } from './context';
import { refusal } from './test-zip-bytes';
import { DEFAULT_LIMITS, type Finding } from './types';

const ctx = () => new ScanContext(DEFAULT_LIMITS, () => 0);
const reader = (...bytes: number[]) => new ByteReader(Uint8Array.from(bytes), ctx(), 'member x');

describe('ByteReader', () => {
  it('reads little-endian unsigned integers up to the last byte', () => {
    const r = reader(0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xff);
    expect(r.length).toBe(8);
    expect(r.u8(0)).toBe(1);
    expect(r.u8(7)).toBe(255);
    expect(r.u16(0)).toBe(0x0201);
    expect(r.u16(6)).toBe(65535);
    expect(r.u32(0)).toBe(0x04030201);
    // All four high bits set: unsigned, not -1.
    expect(r.u32(4)).toBe(4294967295);
    expect(r.uint(0, 3)).toBe(0x030201);
    expect(r.uint(1, 1)).toBe(2);
    // One byte of 0xff is a value; two or more are HDF5's undefined address.
    expect(r.uint(4, 1)).toBe(255);
    expect(r.uint(4, 2)).toBeNull();
    expect(r.uint(4, 4)).toBeNull();
    expect(r.uint(3, 2)).toBe(0xff04);
  });

  it('reads 8-byte integers up to 2^53 − 1 and refuses larger ones', () => {
    const max = reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00);
    expect(max.uint(0, 8)).toBe(2 ** 53 - 1);
    const big = reader(0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00);
    expect(refusal(() => big.uint(0, 8, 'A chunk address'))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'member x',
      sentence: 'A chunk address at byte 0 is larger than 2^53.',
    });
    expect(reader(1, 0, 0, 0, 0, 0, 0, 0).defined(0, 8, 'A heap address')).toBe(1);
    expect(refusal(() => reader(0xff, 0xff).defined(0, 2, 'A heap address'))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'member x',
      sentence: 'A heap address at byte 0 is undefined.',
    });
  });

  it('refuses a read past the end, naming the field, its offset and what remains', () => {
    const r = reader(1, 2, 3);
    expect(r.slice(1, 2)).toEqual(Uint8Array.from([2, 3]));
    expect(r.slice(3, 0)).toEqual(new Uint8Array(0));
    expect(refusal(() => r.u32(1, 'The version'))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'member x',
      sentence: 'The version at byte 1 needs 4 bytes, but only 2 remain.',
    });
    expect(refusal(() => r.u32(0)).sentence).toBe('A field at byte 0 needs 4 bytes, but only 3 remain.');
    expect(refusal(() => r.u16(2)).sentence).toBe('A field at byte 2 needs 2 bytes, but only 1 remain.');
    expect(refusal(() => r.u8(3)).sentence).toBe('A field at byte 3 needs 1 bytes, but only 0 remain.');
    expect(refusal(() => r.u8(9)).sentence).toBe('A field at byte 9 needs 1 bytes, but only 0 remain.');
    expect(refusal(() => r.uint(0, 4)).sentence).toBe('A field at byte 0 needs 4 bytes, but only 3 remain.');
    expect(refusal(() => r.f64(0)).sentence).toBe('A field at byte 0 needs 8 bytes, but only 3 remain.');
    expect(refusal(() => r.slice(2, 2)).sentence).toBe('A field at byte 2 needs 2 bytes, but only 1 remain.');
    expect(refusal(() => r.text(0, 4)).sentence).toBe('A string at byte 0 needs 4 bytes, but only 3 remain.');
  });

  it('refuses an offset or size that is negative or not a whole number', () => {
    const r = reader(1, 2, 3);
    expect(refusal(() => r.check(-1, 1, 'A name')).sentence).toBe(
      'A name has an impossible offset or size (-1, 1).',
    );
    expect(refusal(() => r.check(0, -1, 'A name')).sentence).toBe(
      'A name has an impossible offset or size (0, -1).',
    );
    expect(refusal(() => r.check(0.5, 1, 'A name'))).toEqual({
      severity: 'high',
      kind: 'malformed',
      location: 'member x',
      sentence: 'A name has an impossible offset or size (0.5, 1).',
    });
    expect(refusal(() => r.check(0.5, 1, 'A name')).sentence).toBe(
      'A name has an impossible offset or size (0.5, 1).',
    );
    expect(refusal(() => r.check(0, 1.5, 'A name')).sentence).toBe(
      'A name has an impossible offset or size (0, 1.5).',
    );
    expect(refusal(() => r.check(0, 2 ** 53, 'A name')).sentence).toBe(
      `A name has an impossible offset or size (0, ${2 ** 53}).`,
    );
    expect(r.check(0, 3, 'A name')).toBeUndefined();
    expect(r.check(3, 0, 'A name')).toBeUndefined();
  });

  it('reads a float64 where the bytes start inside a larger buffer', () => {
    // 1.5 is 0x3ff8000000000000; the reader's bytes begin 3 bytes into the buffer.
    const buffer = Uint8Array.from([9, 9, 9, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 9]);
    const r = new ByteReader(buffer.subarray(3), ctx(), 'x');
    expect(r.f64(0)).toBe(1.5);
    // -2 is 0xc000000000000000, read at byte 1 of bytes that begin 2 bytes into their buffer.
    const minus = Uint8Array.from([9, 9, 9, 0, 0, 0, 0, 0, 0, 0, 0xc0]).subarray(2);
    expect(new ByteReader(minus, ctx(), 'x').f64(1)).toBe(-2);
    expect(r.u8(0, 'A byte')).toBe(0);
  });

  it('decodes text as UTF-8 with replacements or as Latin-1, and finds a byte within a window', () => {
    const r = reader(0x61, 0xc3, 0xa9, 0xe9, 0x00, 0x62);
    expect(r.text(0, 3)).toBe('aé');
    expect(r.text(3, 1)).toBe('\ufffd');
    expect(r.text(3, 1, 'A name', 'latin1')).toBe('é');
    expect(r.indexOf(0x00, 0, 10)).toBe(4);
    expect(r.indexOf(0x00, 0, 4)).toBe(-1);
    expect(r.indexOf(0x00, 0, 5)).toBe(4);
    expect(r.indexOf(0x62, 5, 1)).toBe(5);
    expect(r.indexOf(0x61, 1, 10)).toBe(-1);
    expect(r.indexOf(0x77, 0, 100)).toBe(-1);
  });

  it('decodeUtf8 is strict and startsWith compares at an offset', () => {
    expect(decodeUtf8(Uint8Array.from([0x68, 0xc3, 0xa9]))).toBe('hé');
    expect(decodeUtf8(Uint8Array.from([0x68, 0xe9]))).toBeNull();
    const b = Uint8Array.from([1, 2, 3, 4]);
    expect(startsWith(b, [1, 2])).toBe(true);
    expect(startsWith(b, [3, 4], 2)).toBe(true);
    expect(startsWith(b, [3, 5], 2)).toBe(false);
    expect(startsWith(b, [2, 2])).toBe(false);
    expect(startsWith(b, [4], 3)).toBe(true);
    expect(startsWith(b, [4, 0], 3)).toBe(false);
    expect(startsWith(b, [])).toBe(true);
  });
});

describe('ScanContext', () => {
  const finding = (sentence: string, kind: Finding['kind'] = 'module'): Finding => ({
    severity: 'high',
    kind,
    location: 'file',
    sentence,
  });

  it('keeps an identical finding once and counts those past the cap in a last line', () => {
    const c = new ScanContext({ ...DEFAULT_LIMITS, maxFindings: 2 }, () => 0);
    c.add(finding('a'));
    c.add(finding('a'));
    c.add(finding('a', 'lambda'));
    expect(c.allFindings()).toEqual([finding('a'), finding('a', 'lambda')]);
    expect(c.allFindings()).toBe(c.findings);
    c.add(finding('b'));
    c.add(finding('c'));
    c.add(finding('c'));
    expect(c.findings).toEqual([finding('a'), finding('a', 'lambda')]);
    expect(c.allFindings()).toEqual([
      finding('a'),
      finding('a', 'lambda'),
      {
        severity: 'info',
        kind: 'limit',
        location: 'file',
        sentence: '2 more findings were found and not listed (the list stops at 2).',
      },
    ]);
  });

  it('refuses with a ScanStop that carries the finding', () => {
    const c = ctx();
    let stop: unknown = null;
    try {
      c.refuse('unsupported', 'entry a', 'No.');
    } catch (e) {
      stop = e;
    }
    expect(stop).toBeInstanceOf(ScanStop);
    const s = stop as ScanStop;
    expect(s.name).toBe('ScanStop');
    expect(s.message).toBe('No.');
    expect(s.finding).toEqual({
      severity: 'high',
      kind: 'unsupported',
      location: 'entry a',
      sentence: 'No.',
    });
  });

  it('reads the clock once every `every` ticks and refuses past the deadline, not at it', () => {
    let now = 100;
    let reads = 0;
    const c = new ScanContext({ ...DEFAULT_LIMITS, timeBudgetMs: 1500 }, () => {
      reads++;
      return now;
    });
    expect(reads).toBe(1);
    now = 1600;
    for (let i = 0; i < 3; i++) c.tick('here', 4);
    expect(reads).toBe(1);
    c.tick('here', 4);
    expect(reads).toBe(2);
    now = 1601;
    for (let i = 0; i < 3; i++) c.tick('here', 4);
    expect(refusal(() => c.tick('here', 4))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'here',
      sentence: 'The scan ran past its time budget of 1.5 s, so the rest of the file was not read.',
    });
    // The default checks every 1024 calls.
    let late = 0;
    let dReads = 0;
    const d = new ScanContext({ ...DEFAULT_LIMITS, timeBudgetMs: 0 }, () => {
      dReads++;
      return late;
    });
    late = 1;
    for (let i = 0; i < 1023; i++) d.tick('x');
    expect(dReads).toBe(1);
    expect(refusal(() => d.tick('x')).kind).toBe('limit');
  });

  it('counts inflated bytes of every archive against one cap', () => {
    const c = new ScanContext({ ...DEFAULT_LIMITS, maxInflatedBytes: 3 * 1024 }, () => 0);
    c.addInflated(2048, 'a');
    c.addInflated(1024, 'b');
    expect(c.inflated).toBe(3072);
    expect(refusal(() => c.addInflated(1, 'c'))).toEqual({
      severity: 'high',
      kind: 'limit',
      location: 'c',
      sentence: "Inflating the archive's entries would take more than 3.0 KiB, the cap on inflated bytes.",
    });
  });
});

describe('verdicts, byte counts and quotes', () => {
  const f = (severity: Finding['severity'], kind: Finding['kind']): Finding => ({
    severity,
    kind,
    location: 'file',
    sentence: 's',
  });

  it('a refusal kind refuses unless it is a note; other kinds are unsafe when critical or high', () => {
    expect(effectOf(f('high', 'malformed'))).toBe('refused');
    expect(effectOf(f('low', 'limit'))).toBe('refused');
    expect(effectOf(f('info', 'unsupported'))).toBe('note');
    expect(effectOf(f('critical', 'module'))).toBe('unsafe');
    expect(effectOf(f('high', 'lambda'))).toBe('unsafe');
    expect(effectOf(f('medium', 'lambda'))).toBe('note');
    expect(effectOf(f('info', 'module'))).toBe('note');
    expect(verdictOf([])).toBe('safe');
    expect(verdictOf([f('info', 'limit'), f('medium', 'module')])).toBe('safe');
    expect(verdictOf([f('high', 'limit'), f('info', 'module')])).toBe('refused');
    expect(verdictOf([f('high', 'limit'), f('high', 'module')])).toBe('unsafe');
    expect(verdictOf([f('critical', 'module'), f('high', 'limit')])).toBe('unsafe');
  });

  it('writes bytes in the largest unit that keeps the figure at least 1', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1024 ** 2 - 1)).toBe('1024.0 KiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.0 MiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2.0 GiB');
    expect(formatBytes(1024 ** 4)).toBe('1.0 TiB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5.0 PiB');
    expect(formatBytes(1024 ** 6)).toBe('1.0 EiB');
    expect(formatBytes(2048 * 1024 ** 6)).toBe('2048.0 EiB');
  });

  it('quotes text with quotes, backslashes and invisible characters escaped, shortened past `max`', () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    // Controls below 0x20 and 0x7f–0x9f are escaped; the space, '~' and 0xa0 are not.
    expect(quote('\u001f \u007e\u007f\u009f\u00a0')).toBe('"\\u001f ~\\u007f\\u009f\u00a0"');
    // Zero-width 0x200b–0x200f, overrides 0x202a–0x202e and isolates 0x2066–0x2069; their neighbours are kept.
    expect(quote('\u200a\u200b\u200f\u2010')).toBe('"\u200a\\u200b\\u200f\u2010"');
    expect(quote('\u2029\u202a\u202e\u202f')).toBe('"\u2029\\u202a\\u202e\u202f"');
    expect(quote('\u2065\u2066\u2069\u206a')).toBe('"\u2065\\u2066\\u2069\u206a"');
    expect(quote('abcd', 4)).toBe('"abcd"');
    expect(quote('abcde', 4)).toBe('"abcd…"');
    expect(quote('x'.repeat(121))).toBe(`"${'x'.repeat(120)}…"`);
    expect(quote('x'.repeat(120))).toBe(`"${'x'.repeat(120)}"`);
  });
});
