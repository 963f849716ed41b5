/**
 * The signed model-scan report (report.ts) in-process: built, signed, parsed and verified, with each problem the
 * verifier names word for word. The key id is checked against RFC 7638's thumbprint and the files' digests against
 * SHA-256, both computed here with node:crypto. (scripts/verify-model-scan.test.ts runs the same through the CLI.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportPublicJwk, generateSigningKey } from '../manifest/sign';
import {
  buildScanReport,
  looksLikeScanReport,
  parseScanReport,
  type ScanReport,
  signScanReport,
  verifyScanReport,
} from './report';
import { scanModelFile } from './scan';

const TOOL = { name: 'Sift', version: '0.1.0', scanner: '1.0.0' };
const PICKLE = Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]);
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest();
const b64url = (b: Buffer) => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

async function signed(edit?: (r: ScanReport) => void): Promise<ScanReport> {
  const keys = await generateSigningKey();
  const report = buildScanReport(
    [scanModelFile('a.pkl', PICKLE, { clock: () => 0 })],
    TOOL,
    '2026-12-05T00:00:00Z',
  );
  edit?.(report);
  return signScanReport(report, keys.privateKey, await exportPublicJwk(keys.publicKey));
}

describe('the scan report', () => {
  it('is built with the format, time, tool and files, and signed under its key’s RFC 7638 thumbprint', async () => {
    const files = [scanModelFile('a.pkl', PICKLE, { clock: () => 0 })];
    expect(buildScanReport(files, TOOL, 'then')).toEqual({
      format: 'sift-model-scan/1',
      createdAt: 'then',
      tool: TOOL,
      files,
    });
    expect(buildScanReport([], TOOL).createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const report = await signed();
    const jwk = report.signature?.publicKeyJwk;
    if (!jwk) throw new Error('no signature');
    const thumbprint = b64url(sha(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`));
    expect(report.signature).toMatchObject({ alg: 'ECDSA-P256-SHA256', keyId: thumbprint });
    expect(await verifyScanReport(report)).toEqual({ ok: true, problems: [], filesMatched: 0 });
    // Signing again replaces the old signature (it is not part of what is signed).
    const keys = await generateSigningKey();
    const again = await signScanReport(report, keys.privateKey, await exportPublicJwk(keys.publicKey));
    expect(again.signature?.keyId).not.toBe(thumbprint);
    expect((await verifyScanReport(again)).ok).toBe(true);
  });

  it('matches model files by SHA-256 and names the ones it does not hold', async () => {
    const report = await signed();
    const other = Uint8Array.from([1, 2, 3]);
    const digest = sha(other).toString('hex');
    expect(await verifyScanReport(report, [{ name: 'a.pkl', bytes: PICKLE }])).toEqual({
      ok: true,
      problems: [],
      filesMatched: 1,
    });
    expect(await verifyScanReport(report, [{ name: 'b.bin', bytes: other }])).toEqual({
      ok: false,
      problems: [
        `b.bin: its SHA-256 ${digest.slice(0, 16)}… is not in the report (a different file, or changed since the scan)`,
      ],
      filesMatched: 0,
    });
  });

  it('names a missing signature, a wrong key id, a changed report, a bad key and a verdict its findings contradict', async () => {
    const report = await signed();
    const { signature: _s, ...bare } = report;
    expect(await verifyScanReport(bare)).toEqual({
      ok: false,
      problems: ['report is not signed: it has no "signature" block'],
      filesMatched: 0,
    });
    const sig = report.signature;
    if (!sig) throw new Error('no signature');
    expect((await verifyScanReport({ ...report, signature: { ...sig, keyId: 'AAAA' } })).problems).toEqual([
      'report field "signature.keyId" does not match its public key',
    ]);
    expect((await verifyScanReport({ ...report, tool: { ...TOOL, version: '0.1.1' } })).problems).toEqual([
      'report signature does not verify: the report was changed after it was signed',
    ]);
    const badKey = { ...sig, publicKeyJwk: { ...sig.publicKeyJwk, x: 'AAAA' } };
    const bad = await verifyScanReport({ ...report, signature: badKey });
    expect(bad.ok).toBe(false);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/^report field "signature\.publicKeyJwk" is not a P-256 public key: \w/);
    const lying = await signed((r) => {
      (r.files[0] as { verdict: string }).verdict = 'unsafe';
    });
    expect((await verifyScanReport(lying)).problems).toEqual([
      'report field "files[0].verdict" is "unsafe", but its findings make it "safe"',
    ]);
  });

  it('parses its own JSON, and names what is not JSON or breaks the schema, at most 20 problems', async () => {
    const report = await signed();
    expect(parseScanReport(JSON.stringify(report))).toEqual({ ok: true, report });
    const notJson = parseScanReport('{"format":');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) {
      expect(notJson.problems).toHaveLength(1);
      expect(notJson.problems[0]).toMatch(/^report is not valid JSON: \w/);
    }
    const wrong = parseScanReport(
      JSON.stringify({ ...report, format: 'x', files: [{ ...report.files[0], sha256: 'z' }] }),
    );
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) {
      expect(wrong.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual([
        'report field "format"',
        'report field "files.0.sha256"',
      ]);
    }
    const many = parseScanReport(
      JSON.stringify({ ...report, files: new Array(30).fill({ ...report.files[0], bytes: -1 }) }),
    );
    expect(many.ok ? 0 : many.problems.length).toBe(20);
  });

  it('is recognised by its format field within the first 4,096 characters', () => {
    expect(looksLikeScanReport('{"format":"sift-model-scan/1"}')).toBe(true);
    expect(looksLikeScanReport('{ "format" :  "sift-model-scan/1" }')).toBe(true);
    expect(looksLikeScanReport('{"format":"sift-manifest/1"}')).toBe(false);
    expect(looksLikeScanReport(`${' '.repeat(4080)}{"format":"sift-model-scan/1"}`)).toBe(false);
    expect(looksLikeScanReport(`${' '.repeat(4060)}{"format":"sift-model-scan/1"}`)).toBe(true);
  });
});
