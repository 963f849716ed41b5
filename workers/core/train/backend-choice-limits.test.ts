/**
 * The backend rule at its edges: every software adapter name, what counts as measured, the ties at "twice as slow"
 * and "fastest", the ratio's rounding, and each reason word for word (written out here by hand).
 */
import { describe, expect, it } from 'vitest';
import {
  type AdapterInfo,
  type BackendProbe,
  backendLabel,
  chooseBackend,
  chooseScoringBackend,
  isSoftwareAdapter,
} from './backend-choice';

const soft: AdapterInfo = { isFallbackAdapter: true, architecture: 'swiftshader', vendor: 'google' };
const hard: AdapterInfo = { isFallbackAdapter: false, architecture: 'rdna-3', vendor: 'amd' };
const gpu = (adapter: AdapterInfo | undefined, probeMs?: number): BackendProbe => ({
  backend: 'webgpu',
  available: true,
  adapter,
  probeMs,
});

describe('isSoftwareAdapter, every name', () => {
  it('knows each software renderer by name, in any field and any case', () => {
    const names = [
      'SwiftShader',
      'llvmpipe',
      'Lavapipe',
      'softpipe',
      'Software Rasterizer',
      'Microsoft Basic Render Driver',
      'WARP',
    ];
    for (const name of names) {
      for (const field of ['architecture', 'vendor', 'description'] as const) {
        expect(isSoftwareAdapter({ isFallbackAdapter: false, [field]: name }), `${field} ${name}`).toBe(true);
      }
    }
  });

  it('takes a named hardware adapter, or one with empty fields and no fallback flag, as hardware', () => {
    expect(isSoftwareAdapter({ architecture: 'ampere', vendor: 'nvidia', description: 'RTX 3080' })).toBe(
      false,
    );
    expect(
      isSoftwareAdapter({ isFallbackAdapter: false, architecture: '', vendor: '', description: '' }),
    ).toBe(false);
    expect(isSoftwareAdapter({})).toBe(false);
  });
});

describe('chooseBackend, edges', () => {
  it('keeps hardware WebGPU at exactly twice as slow, and leaves it just past that', () => {
    expect(chooseBackend([gpu(hard, 20), { backend: 'wasm', available: true, probeMs: 10 }]).backend).toBe(
      'webgpu',
    );
    expect(chooseBackend([gpu(hard, 20.5), { backend: 'wasm', available: true, probeMs: 10 }])).toEqual({
      backend: 'wasm',
      reason: 'WebGPU (amd rdna-3) measured 2.0× slower than WASM here: using WASM.',
    });
  });

  it('writes ratios of ten and more rounded, below ten to one decimal, and guards a 0 ms time', () => {
    const slower = (ms: number, other: number) =>
      chooseBackend([gpu(hard, ms), { backend: 'cpu', available: true, probeMs: other }]).reason;
    expect(slower(100, 10)).toBe('WebGPU (amd rdna-3) measured 10× slower than CPU here: using CPU.');
    expect(slower(99.6, 10)).toBe('WebGPU (amd rdna-3) measured 10.0× slower than CPU here: using CPU.');
    expect(slower(125, 10)).toBe('WebGPU (amd rdna-3) measured 13× slower than CPU here: using CPU.');
    // 0 ms counts as measured; the ratio divides by 1e-3 ms instead: 0.005 / 0.001 = 5.
    expect(slower(0.005, 0)).toBe('WebGPU (amd rdna-3) measured 5.0× slower than CPU here: using CPU.');
  });

  it('names an adapter by vendor, architecture, both, or as unknown', () => {
    const reason = (adapter: AdapterInfo) => chooseBackend([gpu(adapter)]).reason;
    expect(reason({ vendor: 'intel' })).toBe('WebGPU on a hardware adapter (intel).');
    expect(reason({ architecture: 'gen-12' })).toBe('WebGPU on a hardware adapter (gen-12).');
    expect(reason({ vendor: 'intel', architecture: 'gen-12', description: 'Iris' })).toBe(
      'WebGPU on a hardware adapter (intel gen-12).',
    );
    expect(reason({ isFallbackAdapter: true })).toBe('WebGPU adapter is software (unknown): using CPU.');
  });

  it('does not count a missing, infinite, NaN or negative time as measured', () => {
    for (const probeMs of [undefined, Number.POSITIVE_INFINITY, Number.NaN, -1]) {
      const choice = chooseBackend([
        { backend: 'cpu', available: true, probeMs: 1 },
        { backend: 'wasm', available: true, probeMs },
      ]);
      expect(choice, String(probeMs)).toEqual({ backend: 'cpu', reason: 'CPU measured fastest (1 ms).' });
      // Hardware WebGPU with such a time keeps its place against a faster CPU.
      expect(
        chooseBackend([gpu(hard, probeMs), { backend: 'cpu', available: true, probeMs: 1 }]).backend,
      ).toBe('webgpu');
    }
  });

  it('takes the fastest of several measured backends, listing the others rounded, unmeasured ones left out', () => {
    const choice = chooseBackend([
      { backend: 'cpu', available: true, probeMs: 90.4 },
      { backend: 'webgl', available: true },
      { backend: 'wasm', available: true, probeMs: 7.6 },
      { backend: 'webgl', available: false, probeMs: 1 },
    ]);
    expect(choice).toEqual({ backend: 'wasm', reason: 'WASM measured fastest (8 ms; CPU 90 ms).' });
    const three = chooseBackend([
      { backend: 'cpu', available: true, probeMs: 30 },
      { backend: 'webgl', available: true, probeMs: 20 },
      { backend: 'wasm', available: true, probeMs: 25 },
    ]);
    expect(three.reason).toBe('WebGL measured fastest (20 ms; CPU 30 ms, WASM 25 ms).');
  });

  it('lets a software adapter win only when strictly faster', () => {
    const tie = chooseBackend([gpu(soft, 10), { backend: 'wasm', available: true, probeMs: 10 }]);
    expect(tie).toEqual({
      backend: 'wasm',
      reason: 'WebGPU adapter is software (google swiftshader): WASM is 1.0× faster here.',
    });
    expect(chooseBackend([gpu(soft, 9), { backend: 'wasm', available: true, probeMs: 10 }])).toEqual({
      backend: 'webgpu',
      reason: "WebGPU's adapter is software (google swiftshader) but it measured fastest here.",
    });
  });

  it('without a measured rival, a measured software adapter still loses, with no ratio', () => {
    expect(chooseBackend([gpu(soft, 1), { backend: 'webgl', available: true }])).toEqual({
      backend: 'webgl',
      reason: 'WebGPU adapter is software (google swiftshader): using WebGL.',
    });
    expect(chooseBackend([gpu(soft, 1)])).toEqual({
      backend: 'cpu',
      reason: 'WebGPU adapter is software (google swiftshader): using CPU.',
    });
  });

  it('says which backend was first available when nothing was measured, or that only CPU is left', () => {
    expect(chooseBackend([{ backend: 'webgl', available: true }])).toEqual({
      backend: 'webgl',
      reason: 'WebGL: no WebGPU, nothing measured; WebGL is the first available of WASM, WebGL, CPU.',
    });
    expect(chooseBackend([{ backend: 'wasm', available: false, probeMs: 3 }])).toEqual({
      backend: 'cpu',
      reason: 'CPU: no other backend is available.',
    });
  });

  it('forces an available backend without comment on a hardware adapter; names an unavailable one with no error', () => {
    expect(
      chooseBackend([gpu(hard, 500), { backend: 'wasm', available: true, probeMs: 1 }], 'webgpu'),
    ).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU is forced by the backend setting.',
    });
    expect(chooseBackend([gpu(soft, 1), { backend: 'wasm', available: true, probeMs: 9 }], 'wasm')).toEqual({
      backend: 'wasm',
      reason: 'WASM is forced by the backend setting.',
    });
    expect(chooseBackend([{ backend: 'webgl', available: false }], 'webgl')).toEqual({
      backend: 'cpu',
      reason: 'WebGL was requested but is not available here; CPU: no other backend is available.',
    });
    expect(chooseBackend([{ backend: 'wasm', available: true, probeMs: 4 }], 'webgl').reason).toBe(
      'WebGL was requested but is not available here; WASM measured fastest (4 ms).',
    );
    expect(chooseBackend([{ backend: 'wasm', available: true, probeMs: 4 }], null).reason).toBe(
      'WASM measured fastest (4 ms).',
    );
  });

  it('names a WebGPU probe without adapter information as unknown, and keeps a measured hardware one alone', () => {
    expect(chooseBackend([gpu(undefined, 3), { backend: 'wasm', available: true }])).toEqual({
      backend: 'wasm',
      reason: 'WebGPU adapter is software (unknown): using WASM.',
    });
    expect(chooseBackend([gpu(hard, 5)])).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU on a hardware adapter (amd rdna-3).',
    });
  });

  it("gives the requested backend's own error, not another probe's", () => {
    const probes: BackendProbe[] = [
      { backend: 'webgpu', available: false, error: 'no adapter' },
      { backend: 'webgl', available: false },
      { backend: 'wasm', available: true, probeMs: 2 },
    ];
    expect(chooseBackend(probes, 'webgl').reason).toBe(
      'WebGL was requested but is not available here; WASM measured fastest (2 ms).',
    );
  });

  it('labels every backend', () => {
    expect((['webgpu', 'webgl', 'wasm', 'cpu'] as const).map(backendLabel)).toEqual([
      'WebGPU',
      'WebGL',
      'WASM',
      'CPU',
    ]);
  });
});

describe('chooseScoringBackend, edges', () => {
  it('adds the untimed sentence only for an available, untimed, software adapter that lost', () => {
    const tail = ' WebGPU was not timed on the scoring probe: on a software adapter it alone takes seconds.';
    const wasm = { backend: 'wasm', available: true, scoringMs: 5 } as const;
    const untimedSoft = chooseScoringBackend([gpu(soft), wasm]);
    expect(untimedSoft.reason.endsWith(tail)).toBe(true);
    // Hardware and untimed: WebGPU is chosen, nothing added.
    expect(chooseScoringBackend([gpu(hard), wasm]).reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WebGPU: WebGPU on a hardware adapter (amd rdna-3).',
    );
    // Software but timed (and slower): the ratio, nothing added.
    expect(chooseScoringBackend([{ ...gpu(soft), scoringMs: 50 }, wasm]).reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WASM: WebGPU adapter is software (google swiftshader): WASM is 10× faster here.',
    );
    // Software, untimed, but unavailable: not mentioned at all.
    expect(chooseScoringBackend([{ ...gpu(soft), available: false }, wasm]).reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WASM: WASM measured fastest (5 ms).',
    );
    // The WebGPU probe listed after another backend is still the one looked at.
    expect(chooseScoringBackend([wasm, gpu(soft)]).reason.endsWith(tail)).toBe(true);
    // Forced onto the untimed software adapter: it is the choice, nothing added.
    expect(chooseScoringBackend([gpu(soft), wasm], 'webgpu').reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WebGPU: WebGPU is forced by the backend setting (its adapter is software: google swiftshader).',
    );
  });
});
