import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPublicJwk, generateSigningKey } from '../workers/core/manifest/sign';
import { CORPUS } from '../workers/core/modelscan/corpus/index';
import { savedModelFolder } from '../workers/core/modelscan/corpus/savedmodel';
import { scanModelFolder } from '../workers/core/modelscan/folder';
import { buildScanReport, type ScanReport, signScanReport } from '../workers/core/modelscan/report';
import { scanModelFile } from '../workers/core/modelscan/scan';
import { folderFiles } from './folder-files';
import { runVerify } from './verify';

const NAMES = ['plain-state-dict.pt', 'pickle-os-system.pkl'];

async function setup(edit?: (report: ScanReport) => void) {
  const dir = await mkdtemp(join(tmpdir(), 'sift-verify-scan-'));
  const files = NAMES.map((name) => ({
    name,
    bytes: (CORPUS.find((f) => f.name === name) as { bytes: () => Uint8Array }).bytes(),
  }));
  const keys = await generateSigningKey();
  const report = await signScanReport(
    buildScanReport(
      files.map((f) => scanModelFile(f.name, f.bytes)),
      { name: 'Sift', version: '0.1.0', scanner: '1.0.0' },
    ),
    keys.privateKey,
    await exportPublicJwk(keys.publicKey),
  );
  edit?.(report);
  const reportPath = join(dir, 'scan.json');
  await writeFile(reportPath, JSON.stringify(report, null, 2));
  const models = await Promise.all(
    files.map(async (f) => {
      const path = join(dir, f.name);
      await writeFile(path, f.bytes);
      return path;
    }),
  );
  return { reportPath, models, dir };
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerify(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('npm run verify on a model-scan report', () => {
  it('exits 0 when the signature verifies and the model files match their SHA-256', async () => {
    const { reportPath, models } = await setup();
    const { code, out } = await run([reportPath, ...models]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(
      /^OK: model-scan report signature verifies \(key [\w-]+\); 2 files: 1 safe, 1 unsafe, 0 refused; 2 model files match their SHA-256$/,
    );
  });

  it('names a verdict changed after signing (the signature and the findings both disagree)', async () => {
    const { reportPath } = await setup((r) => {
      (r.files[1] as { verdict: string }).verdict = 'safe';
    });
    const { code, err } = await run([reportPath]);
    expect(code).toBe(1);
    expect(err).toEqual([
      'MISMATCH report signature does not verify: the report was changed after it was signed',
      'MISMATCH report field "files[1].verdict" is "safe", but its findings make it "unsafe"',
    ]);
  });

  it('says which model file is not the one scanned', async () => {
    const { reportPath, dir } = await setup();
    const other = join(dir, 'other.pt');
    await writeFile(other, new Uint8Array([1, 2, 3]));
    const { code, err } = await run([reportPath, other]);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/other\.pt: its SHA-256 039058c6f2c0cb49… is not in the report/);
  });

  it('refuses an unsigned report and one with unknown fields', async () => {
    const unsigned = await setup((r) => {
      delete r.signature;
    });
    expect((await run([unsigned.reportPath])).err).toEqual([
      'MISMATCH report is not signed: it has no "signature" block',
    ]);
    const extra = await setup((r) => {
      (r as unknown as Record<string, unknown>).extra = 1;
    });
    const result = await run([extra.reportPath]);
    expect(result.code).toBe(1);
    expect(result.err[0]).toContain('MISMATCH report field ""');
  });

  it('matches a folder as its scan named it: a SavedModel by its listing, any other folder file by file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-verify-folder-'));
    const write = async (root: string, files: Record<string, Uint8Array>) => {
      for (const [path, bytes] of Object.entries(files)) {
        await mkdir(join(root, path, '..'), { recursive: true });
        await writeFile(join(root, path), bytes);
      }
      return root;
    };
    const model = await write(join(dir, 'export'), savedModelFolder('plain'));
    const corpus = (name: string) =>
      (CORPUS.find((f) => f.name === name) as { bytes: () => Uint8Array }).bytes();
    const drop = await write(join(dir, 'drop'), { 'a/m.pt': corpus('plain-state-dict.pt') });
    const keys = await generateSigningKey();
    const results = [
      ...((await scanModelFolder('export', await folderFiles(model))) ?? []),
      ...((await scanModelFolder('drop', await folderFiles(drop))) ?? []),
    ];
    const report = await signScanReport(
      buildScanReport(results, { name: 'Sift', version: '0.1.0', scanner: '1.0.0' }),
      keys.privateKey,
      await exportPublicJwk(keys.publicKey),
    );
    const reportPath = join(dir, 'scan.json');
    await writeFile(reportPath, JSON.stringify(report));
    const ok = await run([reportPath, model, drop]);
    expect([ok.code, ok.err]).toEqual([0, []]);
    expect(ok.out[0]).toMatch(/; 2 files: 2 safe, 0 unsafe, 0 refused; 2 model files match their SHA-256$/);
    // One byte of a checkpoint shard changed: the folder is no longer the one scanned.
    await writeFile(join(model, 'variables', 'variables.index'), new Uint8Array([0]));
    const changed = await run([reportPath, model]);
    expect(changed.code).toBe(1);
    expect(changed.err[0]).toMatch(/^MISMATCH export\/: its SHA-256 [0-9a-f]{16}… is not in the report/);
  });
});
