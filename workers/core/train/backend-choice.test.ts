import { describe, expect, it } from 'vitest';
import { type BackendProbe, chooseBackend, chooseScoringBackend, isSoftwareAdapter } from './backend-choice';

const swiftshader = { isFallbackAdapter: true, architecture: 'swiftshader', vendor: 'google' };
const nvidia = { isFallbackAdapter: false, architecture: 'hopper', vendor: 'nvidia' };

describe('isSoftwareAdapter', () => {
  it('knows SwiftShader, llvmpipe and fallback adapters; a missing adapter counts as software', () => {
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: false, architecture: 'swiftshader' })).toBe(true);
    expect(
      isSoftwareAdapter({ isFallbackAdapter: false, vendor: 'mesa', description: 'llvmpipe (LLVM 15)' }),
    ).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true, vendor: 'nvidia' })).toBe(true);
    expect(isSoftwareAdapter(undefined)).toBe(true);
    expect(isSoftwareAdapter(nvidia)).toBe(false);
  });
});

describe('chooseBackend', () => {
  it('never picks a software WebGPU adapter by default, and says why with the measured ratio', () => {
    const probes: BackendProbe[] = [
      { backend: 'webgpu', available: true, adapter: swiftshader, probeMs: 600 },
      { backend: 'webgl', available: true, probeMs: 120 },
      { backend: 'wasm', available: true, probeMs: 10 },
      { backend: 'cpu', available: true, probeMs: 300 },
    ];
    expect(chooseBackend(probes)).toEqual({
      backend: 'wasm',
      reason: 'WebGPU adapter is software (google swiftshader): WASM is 60× faster here.',
    });
  });

  it('picks WASM over an unmeasured software adapter', () => {
    const choice = chooseBackend([
      { backend: 'webgpu', available: true, adapter: swiftshader },
      { backend: 'webgl', available: true },
      { backend: 'wasm', available: true },
    ]);
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(/^WebGPU adapter is software \(google swiftshader\): using WASM\.$/);
  });

  it('picks WebGPU on a hardware adapter, even if a tiny probe flatters WASM a little', () => {
    const probes: BackendProbe[] = [
      { backend: 'webgpu', available: true, adapter: nvidia, probeMs: 15 },
      { backend: 'wasm', available: true, probeMs: 10 },
    ];
    expect(chooseBackend(probes)).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU on a hardware adapter (nvidia hopper).',
    });
  });

  it('drops hardware WebGPU when it measured more than twice as slow', () => {
    const choice = chooseBackend([
      { backend: 'webgpu', available: true, adapter: nvidia, probeMs: 50 },
      { backend: 'wasm', available: true, probeMs: 10 },
    ]);
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(/measured 5\.0× slower than WASM/);
  });

  it('lets a software adapter win only when it measured fastest', () => {
    const choice = chooseBackend([
      { backend: 'webgpu', available: true, adapter: swiftshader, probeMs: 5 },
      { backend: 'wasm', available: true, probeMs: 10 },
    ]);
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toMatch(/software .* but it measured fastest/);
  });

  it('picks the fastest measured of WebGL, WASM and CPU without WebGPU', () => {
    const choice = chooseBackend([
      { backend: 'webgpu', available: false, error: 'no adapter' },
      { backend: 'webgl', available: true, probeMs: 8 },
      { backend: 'wasm', available: true, probeMs: 10 },
      { backend: 'cpu', available: true, probeMs: 90 },
    ]);
    expect(choice).toEqual({
      backend: 'webgl',
      reason: 'WebGL measured fastest (8 ms; WASM 10 ms, CPU 90 ms).',
    });
  });

  it('prefers WASM, then WebGL, then CPU when nothing was measured', () => {
    expect(
      chooseBackend([
        { backend: 'webgl', available: true },
        { backend: 'wasm', available: true },
      ]).backend,
    ).toBe('wasm');
    expect(
      chooseBackend([
        { backend: 'webgl', available: true },
        { backend: 'cpu', available: true },
      ]).backend,
    ).toBe('webgl');
    expect(chooseBackend([]).backend).toBe('cpu');
  });

  it('a user override forces an available backend, software adapter included', () => {
    const probes: BackendProbe[] = [
      { backend: 'webgpu', available: true, adapter: swiftshader, probeMs: 600 },
      { backend: 'wasm', available: true, probeMs: 10 },
    ];
    expect(chooseBackend(probes, 'webgpu')).toEqual({
      backend: 'webgpu',
      reason: 'WebGPU is forced by the backend setting (its adapter is software: google swiftshader).',
    });
    expect(chooseBackend(probes, 'cpu').backend).toBe('wasm');
    expect(chooseBackend(probes, 'cpu').reason).toMatch(
      /^CPU was requested but is not available here; WebGPU adapter/,
    );
  });

  it('says why an overridden backend is unavailable', () => {
    const choice = chooseBackend(
      [
        { backend: 'webgpu', available: false, error: 'navigator.gpu is undefined' },
        { backend: 'wasm', available: true },
      ],
      'webgpu',
    );
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(
      /^WebGPU was requested but is not available here \(navigator\.gpu is undefined\); /,
    );
  });
});

describe('chooseScoringBackend', () => {
  it('chooses on the scoring probe, so scoring can run on hardware WebGPU while training runs on WASM', () => {
    const probes: BackendProbe[] = [
      { backend: 'webgpu', available: true, adapter: nvidia, probeMs: 90, scoringMs: 4 },
      { backend: 'wasm', available: true, probeMs: 20, scoringMs: 40 },
      { backend: 'cpu', available: true, probeMs: 300, scoringMs: 900 },
    ];
    expect(chooseBackend(probes).backend).toBe('wasm');
    const scoring = chooseScoringBackend(probes);
    expect(scoring.backend).toBe('webgpu');
    expect(scoring.reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WebGPU: WebGPU on a hardware adapter (nvidia hopper).',
    );
  });

  it('leaves hardware WebGPU when its scoring probe is more than twice as slow, with the ratio', () => {
    const scoring = chooseScoringBackend([
      { backend: 'webgpu', available: true, adapter: nvidia, probeMs: 5, scoringMs: 30 },
      { backend: 'wasm', available: true, probeMs: 20, scoringMs: 10 },
    ]);
    expect(scoring.backend).toBe('wasm');
    expect(scoring.reason).toContain('measured 3.0× slower than WASM');
  });

  it('never picks an untimed software adapter, and says it was not timed', () => {
    const scoring = chooseScoringBackend([
      { backend: 'webgpu', available: true, adapter: swiftshader },
      { backend: 'webgl', available: true, probeMs: 120, scoringMs: 300 },
      { backend: 'wasm', available: true, probeMs: 10, scoringMs: 12 },
    ]);
    expect(scoring.backend).toBe('wasm');
    expect(scoring.reason).toBe(
      'Scoring (kNN, influence, spectral and Mahalanobis) on WASM: WebGPU adapter is software (google swiftshader): ' +
        'using WASM. WebGPU was not timed on the scoring probe: on a software adapter it alone takes seconds.',
    );
  });

  it('picks a software adapter only when its scoring probe measured fastest', () => {
    const faster = chooseScoringBackend([
      { backend: 'webgpu', available: true, adapter: swiftshader, probeMs: 900, scoringMs: 3 },
      { backend: 'wasm', available: true, probeMs: 10, scoringMs: 12 },
    ]);
    expect(faster.backend).toBe('webgpu');
    expect(faster.reason).toContain('software (google swiftshader) but it measured fastest here');
    const slower = chooseScoringBackend([
      { backend: 'webgpu', available: true, adapter: swiftshader, probeMs: 1, scoringMs: 30 },
      { backend: 'wasm', available: true, probeMs: 10, scoringMs: 12 },
    ]);
    expect(slower.backend).toBe('wasm');
    expect(slower.reason).toContain('WASM is 2.5× faster here');
  });

  it('ignores the training probe: without scoring times it takes the unmeasured order', () => {
    const scoring = chooseScoringBackend([
      { backend: 'cpu', available: true, probeMs: 1 },
      { backend: 'wasm', available: true, probeMs: 50 },
    ]);
    expect(scoring.backend).toBe('wasm');
    expect(scoring.reason).toContain('nothing measured');
  });

  it('the backend setting still forces, even over a faster scoring probe', () => {
    const probes: BackendProbe[] = [
      { backend: 'wasm', available: true, probeMs: 10, scoringMs: 2 },
      { backend: 'cpu', available: true, probeMs: 50, scoringMs: 90 },
    ];
    expect(chooseScoringBackend(probes, 'cpu')).toEqual({
      backend: 'cpu',
      reason:
        'Scoring (kNN, influence, spectral and Mahalanobis) on CPU: CPU is forced by the backend setting.',
    });
  });
});
