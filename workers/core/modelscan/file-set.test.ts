/**
 * Files scanned together (file-set.ts): an ONNX model's external tensor data among them is known as its data, safe
 * with a note, where alone it is refused as no model format; nothing else about a file changes.
 */
import { describe, expect, it } from 'vitest';
import { systemCallPickle } from './corpus/pickle';
import { onnxBytes } from './corpus/plain';
import { type NamedFile, scanFiles } from './file-set';
import { onnxExternalData } from './onnx';

/** The fixture's model whose initializer "w" lives in `weights.bin`, beside it (scripts/fixtures/test-onnx-files.py). */
const MODEL = onnxBytes('external data beside the model');
const DATA = Float32Array.from({ length: 12 }, (_, i) => i / 7);
const dataBytes = new Uint8Array(DATA.buffer);

const named = (path: string, bytes: Uint8Array): NamedFile => ({
  name: `f/${path}`,
  path,
  size: bytes.length,
  read: async () => bytes,
});
const verdicts = async (files: NamedFile[], limits = {}) =>
  (await scanFiles(files, { limits }))?.map((r) => [r.file, r.format, r.verdict]);

describe('scanFiles', () => {
  it("reads an ONNX model's external data as its data, listed before or after it", async () => {
    const results = await scanFiles([named('sub/weights.bin', dataBytes), named('sub/model.onnx', MODEL)]);
    expect(results?.map((r) => [r.file, r.format, r.verdict])).toEqual([
      ['f/sub/weights.bin', 'onnx-data', 'safe'],
      ['f/sub/model.onnx', 'onnx', 'safe'],
    ]);
    expect(results?.[0]?.findings).toEqual([
      {
        severity: 'info',
        kind: 'weight-path',
        location: 'f/sub/weights.bin',
        sentence:
          'f/sub/model.onnx names this file as external data of its tensors; ONNX reads it as raw numbers, never as code, so it was not judged as a model file.',
      },
    ]);
    expect(results?.[0]?.sha256).toMatch(/^(?!0{64})[0-9a-f]{64}$/);
    expect(await verdicts([named('sub/model.onnx', MODEL), named('sub/weights.bin', dataBytes)])).toEqual([
      ['f/sub/model.onnx', 'onnx', 'safe'],
      ['f/sub/weights.bin', 'onnx-data', 'safe'],
    ]);
  });

  it('keeps a file the model does not name, or names from another folder, refused as no model format', async () => {
    const files = [
      named('model.onnx', MODEL),
      named('other.bin', dataBytes),
      named('sub/weights.bin', dataBytes),
    ];
    expect(await verdicts(files)).toEqual([
      ['f/model.onnx', 'onnx', 'safe'],
      ['f/other.bin', 'unknown', 'refused'],
      ['f/sub/weights.bin', 'unknown', 'refused'],
    ]);
    expect(await verdicts([named('weights.bin', dataBytes)])).toEqual([
      ['f/weights.bin', 'unknown', 'refused'],
    ]);
  });

  it('keeps a named data file that is unsafe by its own bytes unsafe, and one over the cap refused unread', async () => {
    const hostile = [named('model.onnx', MODEL), named('weights.bin', systemCallPickle())];
    expect(await verdicts(hostile)).toEqual([
      ['f/model.onnx', 'onnx', 'safe'],
      ['f/weights.bin', 'pickle', 'unsafe'],
    ]);
    const big = new Uint8Array(MODEL.length + 1);
    const capped = await scanFiles([named('model.onnx', MODEL), named('weights.bin', big)], {
      limits: { maxFileBytes: MODEL.length },
    });
    expect(capped?.map((r) => [r.file, r.verdict, r.sha256])).toEqual([
      ['f/model.onnx', 'safe', expect.stringMatching(/^(?!0{64})[0-9a-f]{64}$/)],
      ['f/weights.bin', 'refused', '0'.repeat(64)],
    ]);
  });

  it('matches paths written with empty or "." steps, as the command line gives them', async () => {
    const files = [named('/tmp/./m/model.onnx', MODEL), named('/tmp/m/weights.bin', dataBytes)];
    expect((await verdicts(files))?.map((v) => v[2])).toEqual(['safe', 'safe']);
    const glued = [named('m/model.onnx', MODEL), named('mweights.bin', dataBytes)]; // not m/weights.bin
    expect((await verdicts(glued))?.map((v) => v[2])).toEqual(['safe', 'refused']);
    const doubled = [named('m//model.onnx', MODEL), named('m/weights.bin', dataBytes)];
    expect((await verdicts(doubled))?.map((v) => v[2])).toEqual(['safe', 'safe']);
  });

  it('stops before the next file when told to', async () => {
    const beforeFile = async (done: number) => done < 1;
    expect(await scanFiles([named('a.onnx', MODEL), named('b.onnx', MODEL)], { beforeFile })).toBeNull();
  });
});

describe('onnxExternalData', () => {
  it("lists the in-folder locations of a model's tensors, and nothing for other bytes", () => {
    expect(onnxExternalData(MODEL)).toEqual(['weights.bin']);
    expect(onnxExternalData(onnxBytes('plain'))).toEqual([]);
    expect(onnxExternalData(onnxBytes('initializer outside the folder'))).toEqual([]);
    expect(onnxExternalData(dataBytes)).toEqual([]);
  });
});
