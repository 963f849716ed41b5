/**
 * The backends of this browser as the training screen sees them: the measured probe (cached per browser), the
 * analyst's forced backend (remembered), and the check of every backend against WASM on a tiny model. Each
 * measurement runs in a throwaway train worker, which leaves every backend it touched behind.
 */

import { errorText } from '../../../workers/core/error-text';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { AppStore } from '../../state/store';
import type { TrainWorker } from './client';
import { clearProbes, type ProbeStorage, readProbes, writeProbes } from './probe-cache';

const OVERRIDE_KEY = 'sift.backendOverride';
const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** What the controller needs of the browser; tests may hand in their own. */
export interface TrainEnvironment {
  storage: ProbeStorage;
  userAgent: string;
  /** Web Locks, to tell a run another tab is training from one whose tab is gone; null where unsupported. */
  locks: LockManager | null;
}

/** The browser's environment. */
export function browserEnvironment(): TrainEnvironment {
  return {
    storage: localStorage,
    userAgent: navigator.userAgent,
    locks: typeof navigator.locks === 'undefined' ? null : navigator.locks,
  };
}

/** The backend settings and measurements of one session. */
export class TrainBackends {
  disposed = false;

  constructor(
    private readonly store: AppStore,
    private readonly startWorker: () => TrainWorker,
    private readonly env: TrainEnvironment,
  ) {
    const saved = env.storage.getItem(OVERRIDE_KEY);
    const override = BACKENDS.find((b) => b === saved) ?? null;
    store.getState().setBackendOverride(override);
    const cached = readProbes(env.storage, env.userAgent);
    if (cached) store.getState().setBackendState({ kind: 'ready', ...cached });
  }

  /** Measures the backends in a throwaway worker (it leaves every backend it touched behind) and caches the result. */
  async measureBackends(): Promise<void> {
    const { backendState, setBackendState } = this.store.getState();
    if (backendState.kind === 'measuring') return;
    setBackendState({ kind: 'measuring' });
    const probeWorker = this.startWorker();
    try {
      const probes = await probeWorker.api.probeBackends();
      const cached = { probes, measuredAt: Date.now() };
      writeProbes(this.env.storage, this.env.userAgent, cached);
      if (!this.disposed) this.store.getState().setBackendState({ kind: 'ready', ...cached });
    } catch (error) {
      clearProbes(this.env.storage);
      if (!this.disposed)
        this.store.getState().setBackendState({ kind: 'failed', message: errorText(error) });
    } finally {
      probeWorker.dispose();
    }
  }

  /** Forces a backend (or, with null, lets the probe decide); remembered in this browser. */
  setBackendOverride(name: BackendName | null): void {
    if (name) this.env.storage.setItem(OVERRIDE_KEY, name);
    else this.env.storage.removeItem(OVERRIDE_KEY);
    this.store.getState().setBackendOverride(name);
  }

  /** Trains each available backend on a tiny seeded model in a throwaway worker and compares it with WASM. */
  async compareBackends(): Promise<void> {
    const { backendState, setComparison } = this.store.getState();
    const available =
      backendState.kind === 'ready'
        ? backendState.probes.filter((p) => p.available).map((p) => p.backend)
        : BACKENDS;
    const names: BackendName[] = ['wasm', ...BACKENDS.filter((b) => b !== 'wasm' && available.includes(b))];
    setComparison({ kind: 'running' });
    const checker = this.startWorker();
    try {
      const result = await checker.api.compareBackends(names);
      if (!this.disposed) this.store.getState().setComparison({ kind: 'done', result });
    } catch (error) {
      if (!this.disposed) this.store.getState().setComparison({ kind: 'failed', message: errorText(error) });
    } finally {
      checker.dispose();
    }
  }
}
