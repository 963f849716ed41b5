/**
 * Compressed model files (compressed.ts): gzip and zlib inflated under the caps and their content scanned, the other
 * compressors joblib writes named and refused, and broken or bombed streams refused with the reason.
 */
import { gzipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { compressionOf } from './compressed';
import { systemCallPickle } from './corpus/pickle';
import { scanModelFile } from './scan';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('compressionOf', () => {
  it('knows each compressor by its first bytes', () => {
    expect(compressionOf(bytes(0x1f, 0x8b, 0x08, 0))).toBe('gzip');
    expect(compressionOf(bytes(0x1f, 0x8b, 0x07, 0))).toBe(null);
    for (const level of [0x01, 0x5e, 0x9c, 0xda]) expect(compressionOf(bytes(0x78, level))).toBe('zlib');
    // 0x7800 + 0 is no multiple of 31, and 0x79 is no 32 KiB deflate window.
    expect(compressionOf(bytes(0x78, 0x00))).toBe(null);
    expect(compressionOf(bytes(0x79, 0x9c))).toBe(null);
    expect(compressionOf(bytes(0x78))).toBe(null);
    expect(compressionOf(bytes(0x42, 0x5a, 0x68, 0x39))).toBe('bz2');
    expect(compressionOf(bytes(0x42, 0x5a, 0x68, 0x31))).toBe('bz2');
    expect(compressionOf(bytes(0x42, 0x5a, 0x68, 0x30))).toBe(null);
    expect(compressionOf(bytes(0x42, 0x5a, 0x68, 0x3a))).toBe(null);
    expect(compressionOf(bytes(0x00, 0x00, 0x00, 0x35))).toBe(null);
    expect(compressionOf(bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00))).toBe('xz');
    expect(compressionOf(bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x01))).toBe(null);
    expect(compressionOf(bytes(0x5d, 0x00, 0x00, 0x80))).toBe('lzma');
    expect(compressionOf(bytes(0x5d, 0x00, 0x01))).toBe(null);
    expect(compressionOf(bytes(0x04, 0x22, 0x4d, 0x18))).toBe('lz4');
    expect(compressionOf(bytes(0x04, 0x22, 0x4d, 0x19))).toBe(null);
  });
});

describe('scanning a compressed file', () => {
  it('finds the call in a gzip or zlib pickle, inside the stream', () => {
    for (const [pack, step] of [
      [gzipSync, 'gunzipped'],
      [zlibSync, 'inflated from zlib'],
    ] as const) {
      const result = scanModelFile('m.pkl.gz', pack(systemCallPickle()));
      expect(result.verdict).toBe('unsafe');
      expect(result.format).toBe('pickle');
      expect(result.findings.map((f) => [f.location, f.references])).toEqual([
        [`m.pkl.gz › ${step}, byte 2`, ['os.system']],
      ]);
    }
  });

  it('names the compressors it cannot open, and how to open them', () => {
    const result = scanModelFile('m.joblib.xz', bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2));
    expect(result.verdict).toBe('refused');
    expect(result.findings).toEqual([
      {
        severity: 'high',
        kind: 'unsupported',
        location: 'm.joblib.xz',
        sentence:
          'The file is compressed with xz, which the scanner cannot open, so it cannot say what the file holds. Decompress it (for example with `xz -d`) and scan the result.',
      },
    ]);
    const commands = [
      [bytes(0x42, 0x5a, 0x68, 0x39, 0), 'bz2', 'bunzip2'],
      [bytes(0x5d, 0x00, 0x00, 0x80, 0), 'lzma', 'lzma -d'],
      [bytes(0x04, 0x22, 0x4d, 0x18, 0), 'lz4', 'lz4 -d'],
    ] as const;
    for (const [file, kind, command] of commands) {
      expect(scanModelFile('m', file).findings[0]?.sentence).toBe(
        `The file is compressed with ${kind}, which the scanner cannot open, so it cannot say what the file holds. Decompress it (for example with \`${command}\`) and scan the result.`,
      );
    }
  });

  it('stops a stream that inflates past the cap, without inflating it all', () => {
    const bomb = gzipSync(new Uint8Array(8 << 20));
    const result = scanModelFile('bomb.pkl.gz', bomb, { limits: { maxInflatedBytes: 1 << 20 } });
    expect(result.verdict).toBe('refused');
    expect(result.findings.map((f) => [f.kind, f.location])).toEqual([['limit', 'bomb.pkl.gz › gunzipped']]);
  });

  it('refuses a broken, cut or empty stream, and one nested past the cap', () => {
    const broken = scanModelFile('b.gz', bytes(0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff));
    expect(broken.findings.map((f) => [f.kind, f.location])).toEqual([['malformed', 'b.gz › gunzipped']]);
    expect(broken.findings[0]?.sentence.startsWith('The gzip stream does not inflate: ')).toBe(true);
    const whole = zlibSync(systemCallPickle());
    const cut = scanModelFile('c.z', whole.subarray(0, whole.length - 6));
    expect(cut.findings.map((f) => [f.kind, f.location])).toEqual([
      ['malformed', 'c.z › inflated from zlib'],
    ]);
    const empty = scanModelFile('e.gz', gzipSync(new Uint8Array(0)));
    expect(empty.findings.map((f) => [f.kind, f.sentence])).toEqual([
      ['malformed', 'The gzip stream holds no bytes.'],
    ]);
    const deep = gzipSync(gzipSync(gzipSync(systemCallPickle())));
    const nested = scanModelFile('d.gz', deep, { limits: { maxNesting: 2 } });
    expect(nested.findings.map((f) => [f.kind, f.location, f.sentence])).toEqual([
      [
        'limit',
        'd.gz › gunzipped › gunzipped › gunzipped',
        'Archives nest deeper than 2 levels, the cap on nesting.',
      ],
    ]);
    expect(scanModelFile('d.gz', deep).findings.map((f) => f.references)).toEqual([['os.system']]);
  });

  it('keeps to the time budget while it inflates, in steps of 64 KiB', () => {
    // 2 MiB that do not compress (xorshift32): 32 steps, a look at the clock every 16.
    let x = 2463534242;
    const noise = Uint8Array.from({ length: 2 << 20 }, () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x & 0xff;
    });
    const packed = gzipSync(noise, { level: 1 });
    expect(packed.length).toBeGreaterThan(2 << 20);
    let now = 0;
    const clock = () => {
      now += 1000;
      return now;
    };
    const result = scanModelFile('n.gz', packed, { clock, limits: { timeBudgetMs: 1000 } });
    expect(result.findings.map((f) => [f.kind, f.location])).toEqual([['limit', 'n.gz › gunzipped']]);
  });

  it('says which formats it knows when the bytes are none of them', () => {
    expect(scanModelFile('x.bin', bytes(1, 2, 3)).findings[0]?.sentence).toBe(
      'The bytes are no model format the scanner knows (zip, tar, HDF5, pickle, joblib, NumPy, safetensors, ONNX, TensorFlow SavedModel, GGUF, TF.js or Keras JSON, gzip or zlib), so it cannot say the file is safe.',
    );
  });
});
