import { describe, expect, it } from 'vitest';
import { trainSettingsFor } from '../train/defaults';
import { buildManifest, locatorUnits, type ManifestInput, manifestModel } from './build';
import { CanonicalJsonError, canonicalJson } from './canonical';
import { lineBreakAt, reportCell, reviewReportCsv, rowsWith, splitRecords, subsetCsv } from './csv';
import { base64url, fromBase64url, sha256Hex } from './hash';
import { parseManifest } from './schema';
import { verifyManifest } from './sign';
import {
  CSV,
  CSV_TEXT,
  cleanCsvOf,
  fixtureManifest,
  ingested,
  QUARANTINE,
  signedManifest,
} from './test-fixture';
import type { Manifest } from './types';

const decoder = new TextDecoder();

describe('canonical JSON', () => {
  it('sorts keys at every depth, writes no whitespace, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 0, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,1,{"y":null,"z":0}]},"b":1}',
    );
  });
  it('writes numbers and strings as JSON.stringify does (ECMAScript serialisation)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'é\u2028"\n'])).toBe('[1e+21,0.1,0,1.5e-7,"é\u2028\\"\\n"]');
  });
  it('sorts keys by UTF-16 code units as RFC 8785 does', () => {
    expect(canonicalJson({ '\u{1F600}': 1, '\uFFFF': 2, a: 3 })).toBe('{"a":3,"\u{1F600}":1,"\uFFFF":2}');
  });
  it('refuses non-finite numbers, undefined and non-plain objects, naming the path', () => {
    expect(() => canonicalJson({ a: [0, Number.NaN] })).toThrow(/a\[1\].*not a finite number/);
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ t: new Float32Array(2) })).toThrow(/t.*Float32Array/);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(CanonicalJsonError);
  });
  it('writes booleans and null, takes null-prototype objects, and names the kind of value it refuses', () => {
    expect(canonicalJson([true, false, null])).toBe('[true,false,null]');
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: true, a: false });
    expect(canonicalJson(bare)).toBe('{"a":false,"b":true}');
    expect(() => canonicalJson({ n: 1n })).toThrow(new CanonicalJsonError('n', 'a bigint is not JSON data'));
    expect(() => canonicalJson([() => 0])).toThrow(
      'Cannot write [0] as canonical JSON: a function is not JSON data.',
    );
    expect(() => canonicalJson(undefined)).toThrow(
      'Cannot write the value as canonical JSON: a undefined is not JSON data.',
    );
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(
      'Cannot write d as canonical JSON: a Date object is not JSON data.',
    );
    expect(new CanonicalJsonError('x', 'why').name).toBe('CanonicalJsonError');
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow(
      'Cannot write a.b as canonical JSON: a undefined is not JSON data.',
    );
    const orphan = Object.create(Object.create(null)) as object; // no constructor anywhere on its chain
    expect(() => canonicalJson({ o: orphan })).toThrow(
      'Cannot write o as canonical JSON: a non-plain object is not JSON data.',
    );
  });
  it('is the same for equal values built in different key orders', () => {
    expect(canonicalJson({ x: 1, y: [{ p: 1, q: 2 }] })).toBe(canonicalJson({ y: [{ q: 2, p: 1 }], x: 1 }));
  });
});

describe('hashing helpers', () => {
  it('SHA-256 hex matches the FIPS 180-2 test vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('base64url round-trips every byte value and refuses other alphabets', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = base64url(bytes);
    expect(text).not.toMatch(/[+/=]/);
    expect(fromBase64url(text)).toEqual(bytes);
    expect(() => fromBase64url('ab+c')).toThrow('not base64url text');
    // Unpadded lengths 2 and 3 (mod 4) decode.
    expect(Array.from(fromBase64url('YQ'))).toEqual([97]);
    expect(Array.from(fromBase64url('YWI'))).toEqual([97, 98]);
    expect(base64url(Uint8Array.from([251, 255]))).toBe('-_8');
  });
});

describe('buildManifest', () => {
  it('lists every row with its hash, label, decision and rounded scores, and counts the decisions', () => {
    const manifest = fixtureManifest(new Map(QUARANTINE));
    const data = ingested();
    expect(manifest.format).toBe('sift-manifest/1');
    expect(manifest.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(manifest.summary).toEqual({ kept: 3, quarantined: 2 });
    expect(manifest.dataset.rows).toBe(5);
    expect(manifest.samples.map((s) => s.id)).toEqual(['r0', 'r1,x', 'r2\nmulti', 'r3', 'r4']);
    expect(manifest.samples.map((s) => s.decision)).toEqual([
      'keep',
      'quarantine',
      'keep',
      'quarantine',
      'keep',
    ]);
    // Row hashes are over the original row text between line breaks (quotes included).
    expect(manifest.samples[1]?.sha256).toBe(sha256Hex('"r1,x",dog,3,4'));
    expect(manifest.samples[4]?.sha256).toBe(sha256Hex('r4,cat,9,10'));
    expect(manifest.samples[1]).toMatchObject({
      label: 'dog',
      reasons: ['label', 'free text'],
      note: '=cmd',
    });
    // Scores follow sampleRows; NaN becomes null; float32 noise is rounded to 6 digits; row 4 was not scored.
    expect(manifest.samples[3]?.scores).toEqual({ aum: 1.5, suspicion: 0.9 });
    expect(Object.keys(manifest.samples[3]?.scores ?? {})).toEqual(['aum', 'suspicion']); // by name
    expect(manifest.samples[1]?.scores).toEqual({ aum: null, suspicion: 0.8 });
    expect(manifest.samples[2]?.scores).toEqual({ aum: 0, suspicion: 0.2 });
    expect(manifest.samples[4]?.scores).toEqual({});
    expect(manifest.signature).toBeUndefined();
    expect('signature' in manifest).toBe(false);
    expect(data.ids).toHaveLength(5);
  });
  it('refuses a decision on a row the dataset does not have', () => {
    expect(() => fixtureManifest(new Map([[9, { decision: 'quarantine', reasons: [], note: '' }]]))).toThrow(
      /row 9/,
    );
  });
  it('refuses arrays of different lengths, decisions on missing rows and scores of rows outside the dataset', () => {
    const input = (over: Partial<ManifestInput>): ManifestInput => ({
      createdAt: new Date(0),
      tool: { name: 'Sift', version: '0', backend: 'cpu' },
      dataset: {
        name: 'd',
        sha256: '0',
        labelColumn: 'y',
        idColumn: null,
        headerSha256: '0',
        classes: ['a'],
      },
      ids: ['x', 'y'],
      labels: Int32Array.from([0, 3]),
      rowSha256: new Uint8Array(64).fill(171),
      run: null,
      scores: null,
      decisions: new Map(),
      ...over,
    });
    const two = buildManifest(input({}));
    expect(two.samples.map((s) => [s.label, s.sha256])).toEqual([
      ['a', 'ab'.repeat(32)],
      ['3', 'ab'.repeat(32)],
    ]);
    expect(() => buildManifest(input({ labels: Int32Array.from([0]) }))).toThrow(
      'buildManifest: 2 ids, 1 labels, 2 row digests.',
    );
    expect(() => buildManifest(input({ rowSha256: new Uint8Array(96) }))).toThrow(
      'buildManifest: 2 ids, 2 labels, 3 row digests.',
    );
    const decided = (row: number) =>
      input({ decisions: new Map([[row, { decision: 'quarantine', reasons: [], note: '' }]]) });
    expect(buildManifest(decided(0)).summary).toEqual({ kept: 1, quarantined: 1 });
    expect(buildManifest(decided(1)).summary).toEqual({ kept: 1, quarantined: 1 });
    for (const row of [2, -1, 0.5]) {
      expect(() => buildManifest(decided(row))).toThrow(
        `buildManifest: a decision names row ${row}; the dataset has rows 0..1.`,
      );
    }
    const scored = (rows: number[], value = 0.123456789, scoreDigits?: number) =>
      buildManifest(
        input({
          scores: { sampleRows: Int32Array.from(rows), values: { s: Float32Array.from(rows, () => value) } },
          ...(scoreDigits ? { scoreDigits } : {}),
        }),
      );
    expect(scored([1]).samples.map((s) => s.scores)).toEqual([{}, { s: 0.123457 }]);
    expect(scored([0], 0.123456789, 2).samples[0]?.scores).toEqual({ s: 0.12 });
    for (const row of [2, -1]) {
      expect(() => scored([row])).toThrow(`buildManifest: scored row ${row} is outside the dataset.`);
    }
  });
  it('locator units: one per leaf outside samples, one per sample', () => {
    const units = new Map(locatorUnits(fixtureManifest()));
    expect(units.get('summary.kept')).toBe(5);
    expect(units.get('run.model.hidden[0]')).toBe(8);
    expect(units.has('samples[4]')).toBe(true);
    expect(units.has('samples[4].id')).toBe(false);
    // Nulls and empty containers are leaves too.
    const base = fixtureManifest();
    const run = base.run as NonNullable<Manifest['run']>;
    const sparse = new Map(
      locatorUnits({ ...base, dataset: { ...base.dataset, idColumn: null }, run: { ...run, scoring: {} } }),
    );
    expect(sparse.get('dataset.idColumn')).toBeNull();
    expect(sparse.get('run.scoring')).toEqual({});
    expect(sparse.get('dataset.name')).toBe('fixture');
  });
  it('run.model records the batch size and learning rate the run trained with, through a signed round trip', async () => {
    const base = fixtureManifest();
    if (!base.run) throw new Error('The fixture has a run.');
    const settings = trainSettingsFor(20_000);
    const manifest = await signedManifest({ ...base, run: { ...base.run, model: manifestModel(settings) } });
    const reparsed = parseManifest(JSON.stringify(manifest));
    if (!reparsed.ok) throw new Error(reparsed.problems.join('\n'));
    expect(reparsed.manifest.run?.model).toEqual({
      kind: 'mlp',
      hidden: [64],
      optimizer: 'adam',
      batchSize: 512,
      learningRate: settings.learningRate,
    });
    const units = new Map(locatorUnits(reparsed.manifest));
    expect(units.get('run.model.batchSize')).toBe(512);
    expect((await verifyManifest(reparsed.manifest, cleanCsvOf(manifest))).ok).toBe(true);
  });
});

describe('CSV', () => {
  it('clean CSV = original header and kept rows, byte for byte, with the file’s own line breaks', () => {
    const manifest = fixtureManifest(new Map(QUARANTINE));
    const clean = decoder.decode(cleanCsvOf(manifest));
    expect(clean).toBe('id,label,a,b\r\nr0,cat,1,2\r\n"r2\nmulti",cat,5,6\r\nr4,cat,9,10');
    const data = ingested();
    const quarantine = decoder.decode(subsetCsv(CSV, data, [1, 3]));
    expect(quarantine).toBe('id,label,a,b\r\n"r1,x",dog,3,4\r\nr3,dog,7,8\r\n');
    // The last row (no break after it in the file) gets the header's break when more rows follow.
    expect(decoder.decode(subsetCsv(CSV, data, [4, 0]))).toBe(
      'id,label,a,b\r\nr4,cat,9,10\r\nr0,cat,1,2\r\n',
    );
    expect(decoder.decode(subsetCsv(CSV, data, []))).toBe('id,label,a,b\r\n');
    expect(CSV_TEXT.startsWith('id,label')).toBe(true);
  });
  it('keeps each row’s own line break (CR, LF, CRLF); a header-only file gets LF; unknown rows are refused', () => {
    const bytes = new TextEncoder().encode('h\rA\nB\r\nC');
    const ranges = {
      headerEnd: 1,
      rowStart: Float64Array.from([2, 4, 7]),
      rowEnd: Float64Array.from([3, 5, 8]),
    };
    expect(decoder.decode(subsetCsv(bytes, ranges, [0, 1, 2]))).toBe('h\rA\nB\r\nC');
    expect(decoder.decode(subsetCsv(bytes, ranges, [2, 1]))).toBe('h\rC\rB\r\n');
    expect(Array.from(lineBreakAt(bytes, 1) ?? [])).toEqual([13]);
    expect(Array.from(lineBreakAt(bytes, 5) ?? [])).toEqual([13, 10]);
    expect(lineBreakAt(bytes, 0)).toBeNull();
    expect(lineBreakAt(bytes, bytes.length)).toBeNull();
    const headerOnly = new TextEncoder().encode('h');
    const none = { headerEnd: 1, rowStart: new Float64Array(0), rowEnd: new Float64Array(0) };
    expect(decoder.decode(subsetCsv(headerOnly, none, []))).toBe('h\n');
    expect(() => subsetCsv(bytes, ranges, [3])).toThrow('subsetCsv: row 3 is not in the dataset.');
    // A row with a start but no end (or an end but no start) is not in the dataset either.
    const noEnd = { ...ranges, rowEnd: Float64Array.from([3, 5]) };
    expect(() => subsetCsv(bytes, noEnd, [2])).toThrow('subsetCsv: row 2 is not in the dataset.');
    const noStart = { ...ranges, rowStart: Float64Array.from([2, 4]) };
    expect(() => subsetCsv(bytes, noStart, [2])).toThrow('subsetCsv: row 2 is not in the dataset.');
    expect(rowsWith(4, (r) => r % 2 === 1, 'quarantine')).toEqual([1, 3]);
    expect(rowsWith(4, (r) => r % 2 === 1, 'keep')).toEqual([0, 2]);
  });
  it('splits records quote-aware on CRLF, LF and CR, skipping blank lines', () => {
    const bytes = new TextEncoder().encode('a,b\r\n"x\r\ny",1\n\nz,2\rw,3');
    expect(splitRecords(bytes).map(([s, e]) => decoder.decode(bytes.subarray(s, e)))).toEqual([
      'a,b',
      '"x\r\ny",1',
      'z,2',
      'w,3',
    ]);
  });
  it('report cells: formula prefixes escaped, RFC 4180 quoting, numbers untouched', () => {
    expect(reportCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(reportCell('+1')).toBe("'+1");
    expect(reportCell('-x')).toBe("'-x");
    expect(reportCell('@cmd')).toBe("'@cmd");
    expect(reportCell('\tx')).toBe("'\tx");
    expect(reportCell('\rx')).toBe('"\'\rx"');
    expect(reportCell('a,"b"')).toBe('"a,""b"""');
    expect(reportCell('line\nbreak')).toBe('"line\nbreak"');
    expect(reportCell('plain')).toBe('plain');
    expect(reportCell(-0.25)).toBe('-0.25');
    expect(reportCell(Number.NaN)).toBe('');
    expect(reportCell(Number.POSITIVE_INFINITY)).toBe('');
    expect(reportCell('a"b')).toBe('"a""b"');
    expect(reportCell('x-y=z')).toBe('x-y=z');
    expect(reportCell(null)).toBe('');
  });
  it('review report has the documented columns', () => {
    const csv = reviewReportCsv(
      ['aum'],
      [
        {
          id: '=x',
          label: 'cat',
          decision: 'quarantine',
          reasons: ['label', 'a,b'],
          suspicion: 0.5,
          scores: { aum: 1 },
          note: '',
        },
      ],
    );
    expect(csv).toBe(
      'id,label,decision,reasons,suspicion,aum,note\r\n\'=x,cat,quarantine,"label; a,b",0.5,1,\r\n',
    );
  });
});
