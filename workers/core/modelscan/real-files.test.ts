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

describe('a NumPy array pickled at protocol 5', () => {
  it('is safe: numpy.core.numeric._frombuffer builds an array from bytes', () => {
    // pickle.dumps(np.arange(3, dtype=np.int16), protocol=5), NumPy 1.24 (Debian's python3-numpy).
    const hex =
      '80059579000000000000008c126e756d70792e636f72652e6e756d65726963948c0b5f66726f6d62756666657294939428960600000000000000000001000200948c056e756d7079948c0564747970659493948c02693294898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b0385948c014394749452942e';
    const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    const result = scanModelFile('array.pkl', bytes);
    expect(result.verdict).toBe('safe');
    expect(result.findings).toEqual([]);
  });
});
