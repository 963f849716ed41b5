/**
 * The verifier (sign.ts) against planted faults, one per check: each test fails when its check is removed or
 * loosened. Signatures and thumbprints are checked against node:crypto, an implementation independent of WebCrypto's
 * use here.
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from './canonical';
import { parseManifest } from './schema';
import { exportPublicJwk, generateSigningKey, jwkThumbprint, signManifest, verifyManifest } from './sign';
import { cleanCsvOf, fixtureManifest, QUARANTINE, signedManifest } from './test-fixture';
import type { Manifest, ManifestSignature } from './types';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** `manifest` with its signature block changed by `edit` (a copy; the signature itself is not redone). */
function withSignature(
  manifest: Manifest,
  edit: Partial<Record<keyof ManifestSignature, unknown>>,
): Manifest {
  const signature = manifest.signature;
  if (!signature) throw new Error('The manifest is not signed.');
  return { ...manifest, signature: { ...signature, ...edit } as ManifestSignature };
}

/** A CSV of the fixture's columns with `n` rows, ids k0…k(n-1). */
function rowsCsv(n: number): Uint8Array {
  const lines = ['id,label,a,b'];
  for (let i = 0; i < n; i++) lines.push(`k${i},${i % 2 === 0 ? 'cat' : 'dog'},${i},${i + 1}`);
  return encoder.encode(`${lines.join('\n')}\n`);
}

describe('sign and verify (WebCrypto ECDSA P-256)', () => {
  it('a signed manifest and its clean CSV verify; the JSON round trip keeps it valid', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
    expect(manifest.signature?.alg).toBe('ECDSA-P256-SHA256');
    expect(manifest.signature?.publicKeyJwk.crv).toBe('P-256');
    const reparsed = parseManifest(JSON.stringify(manifest, null, 2));
    if (!reparsed.ok) throw new Error(reparsed.problems.join('\n'));
    const result = await verifyManifest(reparsed.manifest, cleanCsvOf(manifest));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.rowsChecked).toBe(3);
  });
  it('names the manifest field that changed', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
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
    const manifest = await signedManifest(fixtureManifest());
    const other = await signedManifest(fixtureManifest());
    const swapped = { ...manifest, signature: { ...manifest.signature, value: other.signature?.value } };
    const result = await verifyManifest(swapped as Manifest);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "signature.value" changed: signature does not verify']);
    expect((await verifyManifest(fixtureManifest())).problems).toEqual([
      'manifest is not signed: it has no "signature" block',
    ]);
  });
  it('names the clean-CSV row that changed, a quarantined row present, and missing rows', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
    const clean = cleanCsvOf(manifest);
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

describe('signManifest, checked with node:crypto', () => {
  it('signs the canonical JSON without the signature block (P1363 r‖s), names its key by RFC 7638 thumbprint', async () => {
    const keys = await generateSigningKey();
    const jwk = await exportPublicJwk(keys.publicKey);
    const unsigned = fixtureManifest(new Map(QUARANTINE));
    const manifest = await signManifest(unsigned, keys.privateKey, jwk);
    const sig = manifest.signature;
    if (!sig) throw new Error('signManifest wrote no signature block.');
    expect(sig.publicKeyJwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
    const thumbprint = createHash('sha256')
      .update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`)
      .digest('base64url');
    expect(sig.keyId).toBe(thumbprint);
    expect(jwkThumbprint(jwk)).toBe(thumbprint);
    const key = { key: { ...jwk }, format: 'jwk', dsaEncoding: 'ieee-p1363' } as const;
    const value = Buffer.from(sig.value, 'base64url');
    expect(value.length).toBe(64);
    expect(nodeVerify('sha256', canonicalBytes(unsigned), key, value)).toBe(true);
    expect(
      nodeVerify('sha256', canonicalBytes(sig.locator), key, Buffer.from(sig.locatorValue, 'base64url')),
    ).toBe(true);
    // A re-signed manifest replaces the old block: the body it signs never contains a signature.
    const again = await signManifest(manifest, keys.privateKey, jwk);
    expect(
      nodeVerify(
        'sha256',
        canonicalBytes(unsigned),
        key,
        Buffer.from(again.signature?.value ?? '', 'base64url'),
      ),
    ).toBe(true);
  });

  it('keys: the private half is non-extractable unless asked; only P-256 public keys are exported', async () => {
    const keys = await generateSigningKey();
    expect(keys.privateKey.extractable).toBe(false);
    expect(keys.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect((await generateSigningKey(true)).privateKey.extractable).toBe(true);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, [
      'sign',
      'verify',
    ]);
    await expect(exportPublicJwk(p384.publicKey)).rejects.toThrow('Not a P-256 public key.');
  });

  it('the locator digests each leaf and each sample: 12 hex digits of SHA-256 of its canonical JSON', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
    const locator = manifest.signature?.locator ?? {};
    const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
    expect(locator['summary.kept']).toBe(digest('3'));
    expect(locator['dataset.name']).toBe(digest('"fixture"'));
    const rowHash = createHash('sha256').update('r4,cat,9,10').digest('hex');
    expect(locator['samples[4]']).toBe(
      digest(
        `{"decision":"keep","id":"r4","label":"cat","note":"","reasons":[],"row":4,"scores":{},"sha256":"${rowHash}"}`,
      ),
    );
    expect(Object.keys(locator).filter((path) => path.startsWith('samples'))).toEqual([
      'samples[0]',
      'samples[1]',
      'samples[2]',
      'samples[3]',
      'samples[4]',
    ]);
  });
});

describe('verifyManifest: the signature block', () => {
  it('refuses any algorithm but ECDSA-P256-SHA256, even when the signature itself is good', async () => {
    const manifest = await signedManifest(fixtureManifest());
    const result = await verifyManifest(withSignature(manifest, { alg: 'ECDSA-P384-SHA384' }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'manifest field "signature.alg" is "ECDSA-P384-SHA384"; only ECDSA-P256-SHA256 is supported',
    ]);
  });

  it('refuses a keyId that is not its public key’s thumbprint, even when the signature itself is good', async () => {
    const manifest = await signedManifest(fixtureManifest());
    const other = await signedManifest(fixtureManifest());
    const result = await verifyManifest(withSignature(manifest, { keyId: other.signature?.keyId }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "signature.keyId" does not match its public key']);
  });

  it('refuses a public key that is not a P-256 point, and checks nothing signed with it', async () => {
    const manifest = await signedManifest(fixtureManifest());
    const jwk = manifest.signature?.publicKeyJwk;
    const result = await verifyManifest(withSignature(manifest, { publicKeyJwk: { ...jwk, x: 'AAAA' } }));
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(
      /^manifest field "signature\.publicKeyJwk" is not a P-256 public key: \S/,
    );
  });

  it('a manifest signed by the key it names verifies with no CSV: ok, no problems, no rows checked', async () => {
    const result = await verifyManifest(await signedManifest(fixtureManifest(new Map(QUARANTINE))));
    expect(result).toEqual({ ok: true, problems: [], rowsChecked: 0 });
  });

  it('names a field added or removed after signing', async () => {
    const manifest = await signedManifest(fixtureManifest());
    const added = { ...manifest, tool: { ...manifest.tool, tfjs: '4.22.0' } };
    expect((await verifyManifest(added)).problems).toEqual([
      'manifest field "tool.tfjs" was added: signature does not verify',
    ]);
    const { backend: _backend, ...tool } = manifest.tool;
    const removed = { ...manifest, tool } as unknown as Manifest;
    expect((await verifyManifest(removed)).problems).toEqual([
      'manifest field "tool.backend" was removed: signature does not verify',
    ]);
    const lastRemoved = {
      ...manifest,
      samples: manifest.samples.slice(0, 4),
      dataset: { ...manifest.dataset },
    };
    expect((await verifyManifest(lastRemoved)).problems).toEqual([
      'manifest field "samples[4]" was removed: signature does not verify',
      'manifest field "summary.kept" is 5; the samples keep 4',
      'manifest field "dataset.rows" is 5; it lists 4',
    ]);
  });

  it('lists changed fields in path order, and names a sample by id only for samples[i] itself', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(), rowsCsv(12)));
    const tampered = structuredClone(manifest);
    tampered.tool.name = 'Other';
    tampered.dataset.labelColumn = 'y';
    tampered.dataset.idColumn = 'key';
    (tampered.samples[11] as Manifest['samples'][number]).note = 'edited';
    expect((await verifyManifest(tampered)).problems).toEqual([
      'manifest field "dataset.idColumn" changed: signature does not verify',
      'manifest field "dataset.labelColumn" changed: signature does not verify',
      'manifest field "samples[11]" (id k11) changed: signature does not verify',
      'manifest field "tool.name" changed: signature does not verify',
    ]);
    const run = manifest.run as NonNullable<Manifest['run']>;
    const withList = await signedManifest({ ...manifest, run: { ...run, scoring: { samples: [1] } } });
    const listEdited = { ...withList, run: { ...run, scoring: { samples: [2] } } };
    expect((await verifyManifest(listEdited)).problems).toEqual([
      'manifest field "run.scoring.samples[0]" changed: signature does not verify',
    ]);
  });

  it('says the locator was changed too when the locator no longer verifies, instead of trusting it', async () => {
    const manifest = await signedManifest(fixtureManifest());
    const locator = { ...manifest.signature?.locator, 'summary.kept': '000000000000' };
    const tampered = withSignature({ ...manifest, summary: { kept: 4, quarantined: 1 } }, { locator });
    const result = await verifyManifest(tampered);
    expect(result.problems[0]).toBe(
      'manifest signature does not verify, and its field locator was changed too',
    );
    const undecodable = withSignature({ ...manifest, createdAt: 'x' }, { locatorValue: '!!' });
    expect((await verifyManifest(undecodable)).problems).toEqual([
      'manifest signature does not verify, and its field locator was changed too',
    ]);
    const badValue = withSignature(manifest, { value: '!!' });
    expect((await verifyManifest(badValue)).problems).toEqual([
      'manifest field "signature.value" changed: signature does not verify',
    ]);
  });
});

describe('verifyManifest: the manifest’s own counts', () => {
  // Each manifest is built with a wrong count and then signed, so the signature verifies and only the count
  // check can catch it.
  /** The verdict on the fixture manifest (rows 1 and 3 quarantined) edited by `edit`, then signed. */
  const signedWith = async (edit: (base: Manifest) => Manifest) =>
    verifyManifest(await signedManifest(edit(fixtureManifest(new Map(QUARANTINE)))));

  it('refuses a summary.kept that is not the number of kept samples', async () => {
    const result = await signedWith((base) => ({ ...base, summary: { kept: 4, quarantined: 2 } }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "summary.kept" is 4; the samples keep 3']);
  });
  it('refuses a summary.quarantined that is not the number of quarantined samples', async () => {
    const result = await signedWith((base) => ({ ...base, summary: { kept: 3, quarantined: 1 } }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "summary.quarantined" is 1; the samples quarantine 2']);
  });
  it('refuses a dataset.rows that is not the number of samples listed', async () => {
    const result = await signedWith((base) => ({ ...base, dataset: { ...base.dataset, rows: 6 } }));
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['manifest field "dataset.rows" is 6; it lists 5']);
  });
  it('checks the counts of an unsigned manifest too', async () => {
    const base = fixtureManifest();
    expect((await verifyManifest({ ...base, summary: { kept: 0, quarantined: 0 } })).problems).toEqual([
      'manifest is not signed: it has no "signature" block',
      'manifest field "summary.kept" is 0; the samples keep 5',
    ]);
  });
});

describe('verifyManifest: the clean CSV', () => {
  it('a clean CSV that lacks only its last kept row fails, naming that row', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
    const text = decoder.decode(cleanCsvOf(manifest));
    const withoutLast = encoder.encode(text.slice(0, text.lastIndexOf('\r\n')));
    expect(decoder.decode(withoutLast)).toBe('id,label,a,b\r\nr0,cat,1,2\r\n"r2\nmulti",cat,5,6');
    const result = await verifyManifest(manifest, withoutLast);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['clean CSV has 2 data rows; the manifest keeps 3 (missing: r4)']);
    expect(result.rowsChecked).toBe(2);
  });

  it('names at most five missing rows: five in full, more with an ellipsis', async () => {
    const bytes = rowsCsv(8);
    const manifest = await signedManifest(fixtureManifest(new Map(), bytes));
    const text = decoder.decode(bytes);
    const firstThree = encoder.encode(text.split('\n').slice(0, 4).join('\n'));
    expect((await verifyManifest(manifest, firstThree)).problems).toEqual([
      'clean CSV has 3 data rows; the manifest keeps 8 (missing: k3, k4, k5, k6, k7)',
    ]);
    const headerOnly = encoder.encode('id,label,a,b\n');
    expect((await verifyManifest(manifest, headerOnly)).problems).toEqual([
      'clean CSV has 0 data rows; the manifest keeps 8 (missing: k0, k1, k2, k3, k4, …)',
    ]);
    expect((await verifyManifest(manifest, bytes)).ok).toBe(true);
  });

  it('refuses an empty clean CSV and a row the manifest does not keep', async () => {
    const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
    expect(await verifyManifest(manifest, new Uint8Array(0))).toEqual({
      ok: false,
      problems: ['clean CSV is empty: it has no header row'],
      rowsChecked: 0,
    });
    const extra = encoder.encode(`${decoder.decode(cleanCsvOf(manifest))}\r\nr5,cat,0,0`);
    const result = await verifyManifest(manifest, extra);
    expect(result.problems).toEqual(['row 4: not in the manifest (the manifest keeps 3 rows)']);
    expect(result.rowsChecked).toBe(4);
  });
});
