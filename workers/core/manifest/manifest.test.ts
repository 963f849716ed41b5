import { describe, expect, it } from 'vitest';
import { trainSettingsFor } from '../train/defaults';
import { locatorUnits, manifestModel } from './build';
import { CanonicalJsonError, canonicalJson } from './canonical';
import { reportCell, reviewReportCsv, rowsWith, splitRecords, subsetCsv } from './csv';
import { base64url, fromBase64url, sha256Hex } from './hash';
import { parseManifest } from './schema';
import { exportPublicJwk, generateSigningKey, signManifest, verifyManifest } from './sign';
import { CSV, CSV_TEXT, fixtureManifest, ingested, QUARANTINE } from './test-fixture';
import type { Manifest } from './types';

const decoder = new TextDecoder();

async function signed(manifest: Manifest) {
  const keys = await generateSigningKey();
  return signManifest(manifest, keys.privateKey, await exportPublicJwk(keys.publicKey));
}

function cleanCsv(manifest: Manifest): Uint8Array {
  const data = ingested();
  const quarantined = new Set(manifest.samples.filter((s) => s.decision === 'quarantine').map((s) => s.row));
  return subsetCsv(
    CSV,
    data,
    rowsWith(data.ids.length, (r) => quarantined.has(r), 'keep'),
  );
}

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
    expect(() => fromBase64url('ab+c')).toThrow();
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
  it('locator units: one per leaf outside samples, one per sample', () => {
    const units = new Map(locatorUnits(fixtureManifest()));
    expect(units.get('summary.kept')).toBe(5);
    expect(units.get('run.model.hidden[0]')).toBe(8);
    expect(units.has('samples[4]')).toBe(true);
    expect(units.has('samples[4].id')).toBe(false);
  });
  it('run.model records the batch size and learning rate the run trained with, through a signed round trip', async () => {
    const base = fixtureManifest();
    if (!base.run) throw new Error('The fixture has a run.');
    const settings = trainSettingsFor(20_000);
    const manifest = await signed({ ...base, run: { ...base.run, model: manifestModel(settings) } });
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
    expect((await verifyManifest(reparsed.manifest, cleanCsv(manifest))).ok).toBe(true);
  });
});

describe('CSV', () => {
  it('clean CSV = original header and kept rows, byte for byte, with the file’s own line breaks', () => {
    const manifest = fixtureManifest(new Map(QUARANTINE));
    const clean = decoder.decode(cleanCsv(manifest));
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

describe('sign and verify (WebCrypto ECDSA P-256)', () => {
  it('a signed manifest and its clean CSV verify; the JSON round trip keeps it valid', async () => {
    const manifest = await signed(fixtureManifest(new Map(QUARANTINE)));
    expect(manifest.signature?.alg).toBe('ECDSA-P256-SHA256');
    expect(manifest.signature?.publicKeyJwk.crv).toBe('P-256');
    const reparsed = parseManifest(JSON.stringify(manifest, null, 2));
    if (!reparsed.ok) throw new Error(reparsed.problems.join('\n'));
    const result = await verifyManifest(reparsed.manifest, cleanCsv(manifest));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.rowsChecked).toBe(3);
  });
  it('names the manifest field that changed', async () => {
    const manifest = await signed(fixtureManifest(new Map(QUARANTINE)));
    const tampered = structuredClone(manifest);
    tampered.summary.kept = 4;
    const result = await verifyManifest(tampered);
    expect(result.ok).toBe(false);
    expect(result.problems).toContain('manifest field "summary.kept" changed: signature does not verify');
    const sampleEdit = structuredClone(manifest);
    (sampleEdit.samples[2] as Manifest['samples'][number]).label = 'dog';
    expect((await verifyManifest(sampleEdit)).problems).toEqual([
      'manifest field "samples[2]" (id r2\nmulti) changed: signature does not verify',
    ]);
  });
  it('a signature from another key, or an unsigned manifest, fails', async () => {
    const manifest = await signed(fixtureManifest());
    const other = await signed(fixtureManifest());
    const swapped = { ...manifest, signature: { ...manifest.signature, value: other.signature?.value } };
    const result = await verifyManifest(swapped as Manifest);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "signature.value" changed: signature does not verify']);
    expect((await verifyManifest(fixtureManifest())).problems).toEqual([
      'manifest is not signed: it has no "signature" block',
    ]);
  });
  it('names the clean-CSV row that changed, a quarantined row present, and missing rows', async () => {
    const manifest = await signed(fixtureManifest(new Map(QUARANTINE)));
    const clean = cleanCsv(manifest);
    const edited = clean.slice();
    edited[decoder.decode(clean).indexOf('9,10') + 0] = '8'.charCodeAt(0);
    expect((await verifyManifest(manifest, edited)).problems).toEqual([
      'row 3 (id r4): sha256 differs from the manifest',
    ]);
    const withQuarantined = new TextEncoder().encode(`${decoder.decode(clean)}\r\nr3,dog,7,8\r\n`);
    expect((await verifyManifest(manifest, withQuarantined)).problems).toEqual([
      'row 4: holds quarantined sample r3, which must not be in the clean CSV',
    ]);
    const truncated = new TextEncoder().encode('id,label,a,b\r\nr0,cat,1,2\r\n');
    expect((await verifyManifest(manifest, truncated)).problems).toEqual([
      'clean CSV has 1 data rows; the manifest keeps 3 (missing: r2\nmulti, r4)',
    ]);
    const header = new TextEncoder().encode(decoder.decode(clean).replace('id,label,a,b', 'id,label,a,c'));
    expect((await verifyManifest(manifest, header)).problems).toEqual([
      'clean CSV header differs from the dataset header in the manifest',
    ]);
  });
});

describe('parseManifest (untrusted input)', () => {
  it('refuses bad JSON, wrong types, prototype keys and unknown fields, naming where', () => {
    expect(parseManifest('{').ok).toBe(false);
    const good = JSON.stringify(fixtureManifest());
    const wrongType = parseManifest(good.replace('"kept":5', '"kept":"5"'));
    expect(wrongType.ok ? [] : wrongType.problems).toEqual([expect.stringMatching(/"summary\.kept"/)]);
    const proto = parseManifest(good.replace('"summary":{', '"summary":{"__proto__":{"x":1},'));
    expect(proto.ok ? [] : proto.problems).toEqual(['manifest holds a forbidden key at "summary.__proto__"']);
    const extra = parseManifest(good.replace('"format":', '"extra":1,"format":'));
    expect(extra.ok).toBe(false);
    const ok = parseManifest(good);
    expect(ok.ok).toBe(true);
  });

  it('takes the tfjs version in tool as optional text: older manifests without it still parse', () => {
    const good = JSON.stringify(fixtureManifest());
    expect(good).not.toContain('"tfjs"');
    const withTfjs = parseManifest(good.replace('"backend":"cpu"', '"backend":"cpu","tfjs":"4.22.0"'));
    expect(withTfjs.ok && withTfjs.manifest.tool.tfjs).toBe('4.22.0');
    const numeric = parseManifest(good.replace('"backend":"cpu"', '"backend":"cpu","tfjs":4'));
    expect(numeric.ok ? [] : numeric.problems).toEqual([expect.stringMatching(/"tool\.tfjs"/)]);
  });
});
