import { describe, expect, it } from 'vitest';
import { exportPublicJwk, generateSigningKey } from './core/manifest/sign';
import { CORPUS } from './core/modelscan/corpus/index';
import { onnxBytes } from './core/modelscan/corpus/plain';
import { savedModelFolder } from './core/modelscan/corpus/savedmodel';
import type { ModelScanProgress } from './modelscan.api';
import { createModelScanService } from './modelscan.service';

const pick = (name: string) => {
  const file = CORPUS.find((f) => f.name === name);
  if (!file) throw new Error(name);
  return new File([file.bytes() as Uint8Array<ArrayBuffer>], name);
};

async function key() {
  const pair = await generateSigningKey();
  return { privateKey: pair.privateKey, publicKeyJwk: await exportPublicJwk(pair.publicKey) };
}

describe('model-scan service', () => {
  it('scans files in order with progress, signs the report, and verifies it back with the files', async () => {
    const service = createModelScanService();
    const progress: ModelScanProgress[] = [];
    const files = [pick('plain-legacy.h5'), pick('legacy-lambda.h5')];
    const out = await service.scan(
      { jobId: 1, files, signingKey: await key(), tool: { name: 'Sift', version: 'test' } },
      (p) => progress.push(p),
    );
    const report = out.kind === 'finished' ? out.report : null;
    expect(report?.files.map((f) => [f.file, f.verdict])).toEqual([
      ['plain-legacy.h5', 'safe'],
      ['legacy-lambda.h5', 'unsafe'],
    ]);
    expect(progress.map((p) => p.done)).toEqual([0, 1, 2]);
    const check = await service.verify(JSON.stringify(report), files);
    expect([check.ok, check.filesMatched, check.problems]).toEqual([true, 2, []]);
  });

  it('stops before the next file when cancelled', async () => {
    const service = createModelScanService();
    const job = service.scan(
      {
        jobId: 7,
        files: [pick('plain-state-dict.pt'), pick('plain.safetensors')],
        signingKey: await key(),
        tool: { name: 'Sift', version: 'test' },
      },
      () => undefined,
    );
    await service.cancel(7);
    expect((await job).kind).toBe('cancelled');
  });

  it('scans a SavedModel folder as one model, with progress by path', async () => {
    const service = createModelScanService();
    const progress: string[] = [];
    const folder = savedModelFolder('lists files');
    const paths = Object.keys(folder);
    const files = paths.map(
      (p) => new File([folder[p] as Uint8Array<ArrayBuffer>], p.split('/').pop() as string),
    );
    const out = await service.scan(
      {
        jobId: 2,
        files,
        folder: { name: 'export', paths },
        signingKey: await key(),
        tool: { name: 'Sift', version: 't' },
      },
      (p) => progress.push(`${p.done}/${p.total} ${p.file}`),
    );
    const report = out.kind === 'finished' ? out.report : null;
    expect(report?.files.map((f) => [f.file, f.format, f.verdict])).toEqual([
      ['export/', 'tf-savedmodel', 'unsafe'],
    ]);
    expect(progress).toEqual([
      ...paths.map((p, i) => `${i}/${paths.length} export/${p}`),
      `${paths.length}/${paths.length} `,
    ]);
  });

  it('stops a folder before its next file when cancelled', async () => {
    const service = createModelScanService();
    const files = [pick('plain-state-dict.pt'), pick('plain.safetensors')];
    const folder = { name: 'drop', paths: ['a.pt', 'b.safetensors'] };
    const job = service.scan(
      { jobId: 8, files, folder, signingKey: await key(), tool: { name: 'Sift', version: 'test' } },
      () => undefined,
    );
    await service.cancel(8);
    expect((await job).kind).toBe('cancelled');
  });

  it("scans files dropped together together: an ONNX model's external data is its data", async () => {
    const model = onnxBytes('external data beside the model'); // its initializer lives in weights.bin
    const files = [
      new File([new Uint8Array(48) as Uint8Array<ArrayBuffer>], 'weights.bin'),
      new File([model as Uint8Array<ArrayBuffer>], 'model.onnx'),
    ];
    const out = await createModelScanService().scan(
      { jobId: 9, files, signingKey: await key(), tool: { name: 'Sift', version: 'test' } },
      () => {},
    );
    const report = out.kind === 'finished' ? out.report : null;
    expect(report?.files.map((f) => [f.file, f.format, f.verdict])).toEqual([
      ['weights.bin', 'onnx-data', 'safe'],
      ['model.onnx', 'onnx', 'safe'],
    ]);
  });

  it('reports a dropped text that is no report', async () => {
    const check = await createModelScanService().verify('{"format":"sift-model-scan/1"}', []);
    expect(check.ok).toBe(false);
    expect(check.report).toBeNull();
    expect(check.problems[0]).toContain('report field');
  });
});
