import { describe, expect, it } from 'vitest';
import { MAX_SAMPLES, manifestSchema, parseManifest } from './schema';
import { fixtureManifest } from './test-fixture';
import type { Manifest } from './types';

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

describe('parseManifest: keys and formats', () => {
  const good = JSON.stringify(fixtureManifest());
  const problems = (text: string) => {
    const parsed = parseManifest(text);
    return parsed.ok ? [] : parsed.problems;
  };
  it('says why text is not JSON', () => {
    expect(problems('{')).toEqual([expect.stringMatching(/^manifest is not valid JSON: \S/)]);
  });
  it('finds prototype keys at any depth, inside arrays too, and names each', () => {
    expect(problems(good.replace('"hidden":[8]', '"hidden":[8,{"constructor":1}]'))).toEqual([
      'manifest holds a forbidden key at "run.model.hidden[1].constructor"',
    ]);
    expect(problems(good.replace('"scoring":{', '"scoring":{"prototype":{},'))).toEqual([
      'manifest holds a forbidden key at "run.scoring.prototype"',
    ]);
  });
  it('takes hashes, base64url and locator digests whole, not a valid run inside a longer string', () => {
    const manifest = fixtureManifest();
    const sha = manifest.samples[0]?.sha256 ?? '';
    for (const bad of [`x${sha}`, `${sha}x`]) {
      expect(problems(good.replace(sha, bad))).toEqual([
        'manifest field "samples.0.sha256": must be 64 lower-case hex digits',
      ]);
    }
    const signature = {
      alg: 'ECDSA-P256-SHA256',
      publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
      keyId: 'AA',
      value: 'AA',
      locator: { 'summary.kept': '0123456789ab' },
      locatorValue: 'AA',
    };
    const withSignature = (edit: object) =>
      JSON.stringify({ ...manifest, signature: { ...signature, ...edit } });
    expect(problems(withSignature({}))).toEqual([]);
    for (const keyId of ['=AA', 'AA=']) {
      expect(problems(withSignature({ keyId }))).toEqual([
        'manifest field "signature.keyId": must be base64url text',
      ]);
    }
    for (const digest of ['0123456789abc', 'x0123456789ab']) {
      expect(problems(withSignature({ locator: { 'summary.kept': digest } }))).toEqual([
        expect.stringMatching(/^manifest field "signature\.locator\.summary\.kept": /),
      ]);
    }
  });
  it('lists at most 20 problems', () => {
    const manifest = fixtureManifest();
    const many = {
      ...manifest,
      samples: Array.from({ length: 30 }, () => ({ ...manifest.samples[0], sha256: 'x' })),
    };
    expect(problems(JSON.stringify(many))).toHaveLength(20);
  });
});

describe('parseManifest: sizes are capped before anything is used', () => {
  const base = fixtureManifest();
  const sample = base.samples[0] as Manifest['samples'][number];
  /** The problems of `manifest` (its JSON text parsed), or [] when it parses. */
  const problemsOf = (manifest: unknown): string[] => {
    const parsed = parseManifest(JSON.stringify(manifest));
    return parsed.ok ? [] : parsed.problems;
  };
  const withSample = (edit: Partial<Manifest['samples'][number]>) => ({
    ...base,
    samples: [{ ...sample, ...edit }, ...base.samples.slice(1)],
  });

  it('refuses more than 64 reasons or 64 scores on a sample, naming the sample', () => {
    const reasons = (n: number) => Array.from({ length: n }, (_, i) => `reason ${i}`);
    expect(problemsOf(withSample({ reasons: reasons(64) }))).toEqual([]);
    expect(problemsOf(withSample({ reasons: reasons(65) }))).toEqual([
      expect.stringMatching(/^manifest field "samples\.0\.reasons": .*64/),
    ]);
    const scores = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, i]));
    expect(problemsOf(withSample({ scores: scores(64) }))).toEqual([]);
    expect(problemsOf(withSample({ scores: scores(65) }))).toEqual([
      'manifest field "samples.0.scores": at most 64 scores per sample',
    ]);
  });

  it('refuses text over 10,000 characters and JSON arrays over 10,000 items in the run record', () => {
    expect(problemsOf(withSample({ note: 'x'.repeat(10_000) }))).toEqual([]);
    expect(problemsOf(withSample({ note: 'x'.repeat(10_001) }))).toEqual([
      expect.stringMatching(/^manifest field "samples\.0\.note": .*10000/),
    ]);
    const run = base.run as NonNullable<Manifest['run']>;
    const long = (n: number) => ({ ...base, run: { ...run, scoring: { list: new Array(n).fill(0) } } });
    expect(problemsOf(long(10_000))).toEqual([]);
    expect(problemsOf(long(10_001)).length).toBeGreaterThan(0);
    expect(problemsOf(long(10_001)).every((p) => p.startsWith('manifest field "run.scoring'))).toBe(true);
  });

  it(`refuses more than ${MAX_SAMPLES.toLocaleString('en')} samples without reading them`, () => {
    expect(MAX_SAMPLES).toBe(2_000_000);
    // One sample object repeated: the array's length is what is refused, before any element is parsed.
    const tooMany = { ...base, samples: new Array(MAX_SAMPLES + 1).fill(sample) };
    const result = manifestSchema.safeParse(tooMany);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.code])).toEqual([
      ['samples', 'too_big'],
    ]);
  });
});
