/**
 * Signing and verification of manifests with ECDSA P-256 / SHA-256 through WebCrypto (`globalThis.crypto.subtle`:
 * browsers, workers and Node ≥ 20 alike). The signature covers the canonical JSON (canonical.ts) of the manifest
 * without its `signature` block.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { locatorUnits, unsignedPart } from './build';
import { canonicalBytes, canonicalJson } from './canonical';
import { splitRecords } from './csv';
import { base64url, fromBase64url, sha256Hex } from './hash';
import { type EcPublicJwk, type Manifest, SIGNATURE_ALG } from './types';

const ECDSA = { name: 'ECDSA', hash: 'SHA-256' } as const;
const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The outcome of a verification: ok only when `problems` is empty; each problem names what does not match. */
export interface VerifyResult {
  ok: boolean;
  problems: string[];
  /** How many clean-CSV data rows were checked (0 without a CSV). */
  rowsChecked: number;
}

/** BufferSource view WebCrypto accepts under TypeScript's ArrayBuffer-backed typing. */
function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/** RFC 7638 JWK thumbprint (base64url SHA-256 of the canonical required members). */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  return base64url(sha256(canonicalBytes({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })));
}

/** Digest prefix per locator unit (see ManifestSignature.locator). */
export function locatorOf(manifest: Omit<Manifest, 'signature'>): Record<string, string> {
  const locator: Record<string, string> = {};
  for (const [path, value] of locatorUnits(manifest))
    locator[path] = sha256Hex(canonicalJson(value)).slice(0, 12);
  return locator;
}

/** A new P-256 key pair; the private key is non-extractable unless `extractable` (tests). */
export function generateSigningKey(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(P256, extractable, ['sign', 'verify']);
}

/** The public key of a pair as a JWK with only the EC members. */
export async function exportPublicJwk(publicKey: CryptoKey): Promise<EcPublicJwk> {
  const jwk = await crypto.subtle.exportKey('jwk', publicKey);
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('Not a P-256 public key.');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** Base64url ECDSA P-256 / SHA-256 signature of the canonical JSON of `body` (manifests and model-scan reports). */
export async function signCanonical(body: unknown, privateKey: CryptoKey): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.sign(ECDSA, privateKey, buf(canonicalBytes(body)))));
}

/** The verifying key of a public JWK, or the reason it is not a P-256 public key. */
export async function importPublicKey(jwk: EcPublicJwk): Promise<CryptoKey | string> {
  try {
    return await crypto.subtle.importKey('jwk', { ...jwk, ext: true }, P256, true, ['verify']);
  } catch (error) {
    return String(error);
  }
}

/** Returns the manifest with a signature block (any old one replaced). */
export async function signManifest(
  manifest: Manifest,
  privateKey: CryptoKey,
  publicKeyJwk: EcPublicJwk,
): Promise<Manifest> {
  const body = unsignedPart(manifest);
  const locator = locatorOf(body);
  return {
    ...body,
    signature: {
      alg: SIGNATURE_ALG,
      publicKeyJwk,
      keyId: jwkThumbprint(publicKeyJwk),
      value: await signCanonical(body, privateKey),
      locator,
      locatorValue: await signCanonical(locator, privateKey),
    },
  };
}

/** Whether base64url `signature` is a valid ECDSA P-256 / SHA-256 signature of `data` under `key`. */
export async function verifyBytes(key: CryptoKey, signature: string, data: Uint8Array): Promise<boolean> {
  let sig: Uint8Array;
  try {
    sig = fromBase64url(signature);
  } catch {
    return false; // undecodable signature text: it cannot verify, which is the answer
  }
  return crypto.subtle.verify(ECDSA, key, buf(sig), buf(data));
}

/** Names the changed parts when the main signature fails, from a locator that itself verifies. */
function changedParts(manifest: Manifest, locator: Record<string, string>): string[] {
  const now = locatorOf(unsignedPart(manifest));
  const out: string[] = [];
  const label = (path: string) => {
    const m = /^samples\[(\d+)\]$/.exec(path);
    const sample = m ? manifest.samples[Number(m[1])] : undefined;
    return sample ? `"${path}" (id ${sample.id})` : `"${path}"`;
  };
  for (const [path, digest] of Object.entries(now)) {
    if (!(path in locator)) out.push(`manifest field ${label(path)} was added: signature does not verify`);
    else if (locator[path] !== digest)
      out.push(`manifest field ${label(path)} changed: signature does not verify`);
  }
  for (const path of Object.keys(locator)) {
    if (!(path in now)) out.push(`manifest field "${path}" was removed: signature does not verify`);
  }
  return out;
}

/** Checks the manifest's own counts against its samples. */
function consistency(manifest: Manifest): string[] {
  const problems: string[] = [];
  let kept = 0;
  for (const s of manifest.samples) if (s.decision === 'keep') kept++;
  const quarantined = manifest.samples.length - kept;
  if (manifest.summary.kept !== kept) {
    problems.push(`manifest field "summary.kept" is ${manifest.summary.kept}; the samples keep ${kept}`);
  }
  if (manifest.summary.quarantined !== quarantined) {
    problems.push(
      `manifest field "summary.quarantined" is ${manifest.summary.quarantined}; the samples quarantine ${quarantined}`,
    );
  }
  if (manifest.dataset.rows !== manifest.samples.length) {
    problems.push(
      `manifest field "dataset.rows" is ${manifest.dataset.rows}; it lists ${manifest.samples.length}`,
    );
  }
  return problems;
}

/** Checks a clean CSV against the manifest: header, every kept row's hash, in order, and no quarantined row. */
function checkCleanCsv(manifest: Manifest, csv: Uint8Array): { problems: string[]; rowsChecked: number } {
  const problems: string[] = [];
  const records = splitRecords(csv);
  const header = records[0];
  if (!header) return { problems: ['clean CSV is empty: it has no header row'], rowsChecked: 0 };
  if (sha256Hex(csv.subarray(header[0], header[1])) !== manifest.dataset.headerSha256) {
    problems.push('clean CSV header differs from the dataset header in the manifest');
  }
  const kept = manifest.samples.filter((s) => s.decision === 'keep');
  const quarantinedBySha = new Map<string, string>();
  for (const s of manifest.samples) if (s.decision === 'quarantine') quarantinedBySha.set(s.sha256, s.id);
  const data = records.length - 1;
  for (let i = 0; i < data; i++) {
    const [start, end] = records[i + 1] as [number, number];
    const digest = sha256Hex(csv.subarray(start, end));
    const expected = kept[i];
    const quarantinedId = quarantinedBySha.get(digest);
    if (quarantinedId !== undefined) {
      problems.push(
        `row ${i + 1}: holds quarantined sample ${quarantinedId}, which must not be in the clean CSV`,
      );
    } else if (!expected) {
      problems.push(`row ${i + 1}: not in the manifest (the manifest keeps ${kept.length} rows)`);
    } else if (expected.sha256 !== digest) {
      problems.push(`row ${i + 1} (id ${expected.id}): sha256 differs from the manifest`);
    }
  }
  if (data < kept.length) {
    const missing = kept.slice(data);
    const names = missing.slice(0, 5).map((s) => s.id);
    problems.push(
      `clean CSV has ${data} data rows; the manifest keeps ${kept.length} (missing: ${names.join(', ')}${missing.length > 5 ? ', …' : ''})`,
    );
  }
  return { problems, rowsChecked: data };
}

/**
 * Verifies a signed manifest: the signature over its canonical JSON (naming the changed fields when it fails),
 * its counts and, given the clean CSV's bytes, the header and every kept row's SHA-256, with no quarantined row.
 */
export async function verifyManifest(manifest: Manifest, cleanCsv?: Uint8Array): Promise<VerifyResult> {
  const problems: string[] = [];
  const sig = manifest.signature;
  if (!sig) {
    problems.push('manifest is not signed: it has no "signature" block');
  } else if (sig.alg !== SIGNATURE_ALG) {
    problems.push(`manifest field "signature.alg" is "${sig.alg}"; only ${SIGNATURE_ALG} is supported`);
  } else {
    const imported = await importPublicKey(sig.publicKeyJwk);
    const key = typeof imported === 'string' ? null : imported;
    if (typeof imported === 'string') {
      problems.push(`manifest field "signature.publicKeyJwk" is not a P-256 public key: ${imported}`);
    }
    if (key) {
      if (sig.keyId !== jwkThumbprint(sig.publicKeyJwk)) {
        problems.push('manifest field "signature.keyId" does not match its public key');
      }
      const ok = await verifyBytes(key, sig.value, canonicalBytes(unsignedPart(manifest)));
      if (!ok) {
        const locatorOk = await verifyBytes(key, sig.locatorValue, canonicalBytes(sig.locator));
        const changed = locatorOk ? changedParts(manifest, sig.locator) : [];
        if (changed.length > 0) problems.push(...changed);
        else if (locatorOk)
          problems.push('manifest field "signature.value" changed: signature does not verify');
        else problems.push('manifest signature does not verify, and its field locator was changed too');
      }
    }
  }
  problems.push(...consistency(manifest));
  let rowsChecked = 0;
  if (cleanCsv) {
    const csv = checkCleanCsv(manifest, cleanCsv);
    problems.push(...csv.problems);
    rowsChecked = csv.rowsChecked;
  }
  return { ok: problems.length === 0, problems, rowsChecked };
}
