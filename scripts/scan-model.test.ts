import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../workers/core/modelscan/corpus/index';
import { onnxBytes } from '../workers/core/modelscan/corpus/plain';
import { savedModelFolder } from '../workers/core/modelscan/corpus/savedmodel';
import { parseScanReport } from '../workers/core/modelscan/report';
import { runScanModel } from './scan-model';

async function write(names: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'sift-scan-model-'));
  return Promise.all(
    names.map(async (name) => {
      const file = CORPUS.find((f) => f.name === name);
      if (!file) throw new Error(`no corpus file ${name}`);
      const path = join(dir, name);
      await writeFile(path, file.bytes());
      return path;
    }),
  );
}

/** A SavedModel fixture written out as the folder `<tmp>/<name>`. */
async function writeFolder(fixture: string, name: string): Promise<string> {
  const root = join(await mkdtemp(join(tmpdir(), 'sift-scan-model-')), name);
  for (const [path, bytes] of Object.entries(savedModelFolder(fixture))) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), bytes);
  }
  return root;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runScanModel(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('npm run scan-model', () => {
  it('exits 0 when every file is safe', async () => {
    const { code, out } = await run(await write(['plain-sequential.keras', 'plain-state-dict.pt']));
    expect(code).toBe(0);
    expect(out.filter((l) => l.includes(': SAFE ('))).toHaveLength(2);
  });

  it('exits 1 and explains when a file is unsafe, listing the Lambda references', async () => {
    const { code, out } = await run(await write(['plain-legacy.h5', 'lambda-nested-sequential.keras']));
    expect(code).toBe(1);
    expect(out.some((l) => l.startsWith('lambda-nested-sequential.keras: UNSAFE (keras,'))).toBe(true);
    expect(out).toContain('    references: __import__, system, "os", "id"');
  });

  it('exits 1 for a refused file and writes a parseable report with --json', async () => {
    const { code, out } = await run([...(await write(['zip-bomb-declared.keras'])), '--json']);
    expect(code).toBe(1);
    const parsed = parseScanReport(out.join('\n'));
    expect(parsed.ok && parsed.report.files.map((f) => [f.file, f.verdict])).toEqual([
      ['zip-bomb-declared.keras', 'refused'],
    ]);
  });

  it("scans the files it is given together, so that an ONNX model's external data reads as its data", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sift-scan-model-'));
    await writeFile(join(dir, 'model.onnx'), onnxBytes('external data beside the model'));
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(48));
    const both = await run([join(dir, 'model.onnx'), join(dir, 'weights.bin')]);
    expect(both.code).toBe(0);
    expect(both.out.filter((l) => !l.startsWith(' ')).map((l) => l.split(' (')[0])).toEqual([
      'model.onnx: SAFE',
      'weights.bin: SAFE',
    ]);
    const alone = await run([join(dir, 'weights.bin')]);
    expect([alone.code, alone.out[0]?.split(' (')[0]]).toEqual([1, 'weights.bin: REFUSED']);
  });

  it('scans a SavedModel folder as one model, known by the SHA-256 of what sha256sum lists in it', async () => {
    const plain = await writeFolder('plain', 'served');
    const unsafe = await writeFolder('writes a file', 'export');
    const { code, out } = await run([plain, `${unsafe}/`]);
    expect(code).toBe(1);
    const listing = execFileSync('sh', [
      '-c',
      `cd '${plain}' && find . -type f -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum`,
    ]);
    const sha = listing.toString().split(' ')[0];
    expect(out.find((l) => l.startsWith('served/:'))).toMatch(
      new RegExp(`^served/: SAFE \\(tf-savedmodel, \\d+ bytes, .* sha256 ${sha}\\)$`),
    );
    expect(out.find((l) => l.startsWith('export/:'))).toMatch(/^export\/: UNSAFE \(tf-savedmodel,/);
  });

  it('refuses a file over the 2 GiB cap on files unread, as the page does, rather than failing to read it', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'sift-scan-model-')), 'huge.pt');
    await writeFile(path, '');
    await truncate(path, 2 * 1024 ** 3 + 1); // sparse: nothing is written, and reading it whole would fail
    const { code, out } = await run([path]);
    expect(code).toBe(1);
    expect(out).toEqual([
      `huge.pt: REFUSED (unknown, 2147483649 bytes, 0 ms, sha256 ${'0'.repeat(64)})`,
      '  high limit at huge.pt: The file is 2.0 GiB, over the 2.0 GiB cap on files, so it was not read.',
    ]);
  });

  it('refuses a folder of more than 10,000 files unread, as the page does', async () => {
    const root = join(await mkdtemp(join(tmpdir(), 'sift-scan-model-')), 'many');
    await mkdir(root);
    for (let i = 0; i <= 10_000; i++) await writeFile(join(root, `f${i}.npy`), '');
    const { code, out } = await run([root]);
    expect(code).toBe(1);
    expect(out).toEqual([
      `many/: REFUSED (unknown, 0 bytes, 0 ms, sha256 ${'0'.repeat(64)})`,
      '  high limit at many/: The folder holds more than 10,000 files (the cap); none was read.',
    ]);
  });

  it('exits 2 when a folder links to a folder, which it does not follow', async () => {
    const root = await writeFolder('plain', 'linked');
    await symlink(tmpdir(), join(root, 'elsewhere'));
    const { code, err } = await run([root]);
    expect(code).toBe(2);
    expect(err[0]).toBe(
      `cannot read ${root}: elsewhere links to a folder, which the scanner does not follow`,
    );
  });

  it('exits 2 with the usage line when no file is given, or a file cannot be read', async () => {
    expect((await run([])).code).toBe(2);
    const missing = await run(['/nonexistent/model.pt']);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toContain('cannot read /nonexistent/model.pt');
  });
});
