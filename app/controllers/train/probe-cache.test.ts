import { describe, expect, it } from 'vitest';
import type { BackendProbe } from '../../../workers/core/train/backend-choice';
import { clearProbes, type ProbeStorage, readProbes, writeProbes } from './probe-cache';

function memoryStorage(): ProbeStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => {
      items.set(k, v);
    },
    removeItem: (k) => {
      items.delete(k);
    },
  };
}

const probes: BackendProbe[] = [
  { backend: 'wasm', available: true, probeMs: 288, scoringMs: 21 },
  { backend: 'webgl', available: false, error: 'no context' },
  {
    backend: 'webgpu',
    available: true,
    adapter: { isFallbackAdapter: true, architecture: 'swiftshader', vendor: 'google' },
  },
];

describe('probe cache', () => {
  it('reads back what it wrote for the same browser', () => {
    const storage = memoryStorage();
    writeProbes(storage, 'UA 1', { probes, measuredAt: 42 });
    expect(readProbes(storage, 'UA 1')).toEqual({ probes, measuredAt: 42 });
  });

  it('measures again after a browser update, a malformed entry, or a clear', () => {
    const storage = memoryStorage();
    writeProbes(storage, 'UA 1', { probes, measuredAt: 42 });
    expect(readProbes(storage, 'UA 2')).toBeNull();
    clearProbes(storage);
    expect(readProbes(storage, 'UA 1')).toBeNull();
    storage.setItem('sift.backendProbes.v2', '{not json');
    expect(readProbes(storage, 'UA 1')).toBeNull();
    storage.setItem(
      'sift.backendProbes.v2',
      JSON.stringify({ userAgent: 'UA 1', measuredAt: 1, probes: [{ backend: 'tpu', available: true }] }),
    );
    expect(readProbes(storage, 'UA 1')).toBeNull();
  });

  it('measures again over an entry from before the scoring probe (v1, no scoring times)', () => {
    const storage = memoryStorage();
    const old = {
      userAgent: 'UA 1',
      measuredAt: 1,
      probes: [{ backend: 'wasm', available: true, probeMs: 5 }],
    };
    storage.setItem('sift.backendProbes.v1', JSON.stringify(old));
    expect(readProbes(storage, 'UA 1')).toBeNull();
    storage.setItem('sift.backendProbes.v2', JSON.stringify(old));
    expect(readProbes(storage, 'UA 1')?.probes).toEqual(old.probes);
  });
});
