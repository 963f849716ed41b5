/**
 * The signed model-scan report (`sift-model-scan/1`): every scanned file's SHA-256, verdict and findings, the
 * scanner's version, signed with ECDSA P-256 / SHA-256 over the canonical JSON of everything but `signature` — the
 * same key and canonical form as manifests (workers/core/manifest). Verification checks the signature, that each
 * verdict follows from its findings, and, given the model files, that their SHA-256 match.
 */
import { z } from 'zod';
import { errorText } from '../error-text';
import { canonicalBytes } from '../manifest/canonical';
import { sha256Hex } from '../manifest/hash';
import { importPublicKey, jwkThumbprint, signCanonical, verifyBytes } from '../manifest/sign';
import { type EcPublicJwk, SIGNATURE_ALG } from '../manifest/types';
import { verdictOf } from './context';
import { FINDING_KINDS, MODEL_FORMATS, type ModelScanResult } from './types';

export const SCAN_REPORT_FORMAT = 'sift-model-scan/1';

export interface ScanReport {
  format: typeof SCAN_REPORT_FORMAT;
  /** ISO 8601 UTC. */
  createdAt: string;
  tool: { name: string; version: string; scanner: string };
  files: ModelScanResult[];
  signature?: { alg: typeof SIGNATURE_ALG; publicKeyJwk: EcPublicJwk; keyId: string; value: string };
}

z.config({ jitless: true }); // the page's CSP forbids eval (see manifest/schema.ts)

const text = z.string().max(10_000);
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
const finding = z.strictObject({
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  kind: z.enum(FINDING_KINDS),
  location: text,
  sentence: text,
  references: z.array(text).max(1000).optional(),
});
const reportSchema = z.strictObject({
  format: z.literal(SCAN_REPORT_FORMAT),
  createdAt: text,
  tool: z.strictObject({ name: text, version: text, scanner: text }),
  files: z
    .array(
      z.strictObject({
        file: text,
        bytes: z.number().int().nonnegative(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        format: z.enum(MODEL_FORMATS),
        verdict: z.enum(['safe', 'unsafe', 'refused']),
        findings: z.array(finding).max(1001),
        elapsedMs: z.number().nonnegative(),
      }),
    )
    .max(10_000),
  signature: z
    .strictObject({
      alg: z.literal(SIGNATURE_ALG),
      publicKeyJwk: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url, y: b64url }),
      keyId: b64url,
      value: b64url,
    })
    .optional(),
});

/** A report of `files`, unsigned. */
export function buildScanReport(
  files: ModelScanResult[],
  tool: ScanReport['tool'],
  createdAt = new Date().toISOString(),
): ScanReport {
  return { format: SCAN_REPORT_FORMAT, createdAt, tool, files };
}

function unsigned(report: ScanReport): Omit<ScanReport, 'signature'> {
  const { signature: _signature, ...body } = report;
  return body;
}

/** The report with its signature block (any old one replaced). */
export async function signScanReport(
  report: ScanReport,
  privateKey: CryptoKey,
  publicKeyJwk: EcPublicJwk,
): Promise<ScanReport> {
  const body = unsigned(report);
  const value = await signCanonical(body, privateKey);
  return {
    ...body,
    signature: { alg: SIGNATURE_ALG, publicKeyJwk, keyId: jwkThumbprint(publicKeyJwk), value },
  };
}

export type ParsedReport = { ok: true; report: ScanReport } | { ok: false; problems: string[] };

/** Parses report text against the schema; each refusal names the field. */
export function parseScanReport(textIn: string): ParsedReport {
  let raw: unknown;
  try {
    raw = JSON.parse(textIn);
  } catch (error) {
    return {
      ok: false,
      problems: [`report is not valid JSON: ${errorText(error)}`],
    };
  }
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues
        .slice(0, 20)
        .map((i) => `report field "${i.path.map(String).join('.')}": ${i.message}`),
    };
  }
  return { ok: true, report: parsed.data as ScanReport };
}

/** Whether a JSON text claims to be a model-scan report (its `format` field), without parsing it all. */
export function looksLikeScanReport(textIn: string): boolean {
  return /"format"\s*:\s*"sift-model-scan\/1"/.test(textIn.slice(0, 4096));
}

export interface ReportCheck {
  ok: boolean;
  problems: string[];
  /** Files given alongside whose SHA-256 matched a report entry. */
  filesMatched: number;
}

/** Verifies the signature and each verdict against its findings; `models` (name → bytes) are matched by SHA-256. */
export async function verifyScanReport(
  report: ScanReport,
  models: ReadonlyArray<{ name: string; bytes: Uint8Array } | { name: string; sha256: string }> = [],
): Promise<ReportCheck> {
  const problems: string[] = [];
  const sig = report.signature;
  if (!sig) problems.push('report is not signed: it has no "signature" block');
  else {
    const key = await importPublicKey(sig.publicKeyJwk);
    if (typeof key === 'string')
      problems.push(`report field "signature.publicKeyJwk" is not a P-256 public key: ${key}`);
    else {
      if (sig.keyId !== jwkThumbprint(sig.publicKeyJwk))
        problems.push('report field "signature.keyId" does not match its public key');
      if (!(await verifyBytes(key, sig.value, canonicalBytes(unsigned(report))))) {
        problems.push('report signature does not verify: the report was changed after it was signed');
      }
    }
  }
  report.files.forEach((file, i) => {
    const expected = verdictOf(file.findings);
    if (expected !== file.verdict)
      problems.push(
        `report field "files[${i}].verdict" is "${file.verdict}", but its findings make it "${expected}"`,
      );
  });
  let filesMatched = 0;
  for (const model of models) {
    // A folder comes with its digest already taken (folder.ts, folderDigests).
    const digest = 'sha256' in model ? model.sha256 : sha256Hex(model.bytes);
    const entry = report.files.find((f) => f.sha256 === digest);
    if (entry) filesMatched++;
    else
      problems.push(
        `${model.name}: its SHA-256 ${digest.slice(0, 16)}… is not in the report (a different file, or changed since the scan)`,
      );
  }
  return { ok: problems.length === 0, problems, filesMatched };
}
