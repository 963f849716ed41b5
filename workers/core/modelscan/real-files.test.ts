import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanModelFile } from './scan';

const real = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./corpus/real/${name}`, import.meta.url)));

// Files written by torch.save and h5py themselves (see corpus/real/README.md), not by the corpus's own writers.
describe('files written by PyTorch 1.13', () => {
  it('reads a state dict whose zip carries a ZIP64 record it does not need, and calls it safe', () => {
    const result = scanModelFile('sd.pt', real('torch-1.13-state-dict.pt'));
    expect(result.format).toBe('pytorch');
    expect(result.verdict).toBe('safe');
  });
  it('reads the legacy (non-zip) format', () => {
    const result = scanModelFile('legacy.pt', real('torch-1.13-legacy.pt'));
    expect(result.format).toBe('pytorch-legacy');
    expect(result.verdict).toBe('safe');
  });
  it('names the class a whole pickled module imports and calls', () => {
    const result = scanModelFile('full.pt', real('torch-1.13-full-module.pt'));
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.flatMap((f) => f.references)).toContain('torch.nn.modules.linear.Linear');
  });
  it('finds os.system inside a real checkpoint, with the entry and byte', () => {
    const result = scanModelFile('evil.pt', real('torch-1.13-os-system.pt'));
    expect(result.verdict).toBe('unsafe');
    const critical = result.findings.filter((f) => f.severity === 'critical');
    expect(critical.flatMap((f) => f.references)).toContain('posix.system');
    expect(critical[0]?.location).toContain('evil/data.pkl');
  });
});

describe('Keras 2 layouts written by h5py 3.7', () => {
  it('calls a Dense model safe', () => {
    const result = scanModelFile('dense.h5', real('h5py-keras2-dense.h5'));
    expect(result.format).toBe('keras-h5');
    expect(result.verdict).toBe('safe');
  });
  it('reads a 78 KB model config in a version 2 object header and finds the Lambda layer after 800 others', () => {
    const result = scanModelFile('big.h5', real('h5py-keras2-lambda-78k-config.h5'));
    expect(result.verdict).toBe('unsafe');
    const lambda = result.findings.find((f) => f.kind === 'lambda');
    expect(lambda?.location).toContain('config.layers[800]');
    expect(lambda?.references).toEqual(expect.arrayContaining(['__import__', 'system', '"os"']));
  });
});
