/**
 * Which tfjs backend to train on, from what the worker found out about each (availability, the WebGPU adapter,
 * a short timed probe). The rule (issue 3, ../shared/CHROMIUM.md): WebGPU on a hardware adapter; a software
 * adapter (SwiftShader, 50-100× slower than WASM) never wins unless it measured fastest; otherwise the fastest
 * measured of WASM / WebGL / CPU, or WASM when nothing was measured. A user setting forces a backend.
 * Pure: probing and tf.setBackend are the worker's job (and it must check that setBackend really took).
 */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** The fields of GPUAdapterInfo (and GPUAdapter.isFallbackAdapter) the rule looks at. */
export interface AdapterInfo {
  isFallbackAdapter?: boolean;
  architecture?: string;
  vendor?: string;
  description?: string;
}

/** What the worker learnt about one backend. */
export interface BackendProbe {
  backend: BackendName;
  available: boolean;
  /** WebGPU only. Missing adapter info counts as a software adapter: WebGPU must prove it is hardware. */
  adapter?: AdapterInfo;
  /** Wall time of the same small probe workload on this backend, in ms (lower is faster). */
  probeMs?: number;
  /**
   * Wall time of the scoring probe (kNN distance products and top-k over a block of embeddings, and a covariance
   * product: the shape of scoring's heavy part), in ms. Absent: not timed (a software adapter, or an older probe).
   */
  scoringMs?: number;
  /** Why it is unavailable, if known. */
  error?: string;
}

/** The decision and a sentence for the UI and the run record. */
export interface BackendChoice {
  backend: BackendName;
  reason: string;
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** A backend's name as the analyst reads it. */
export const backendLabel = (name: BackendName): string => LABEL[name];
/** Without measurements: WASM's SIMD kernels are predictable; WebGL may itself run on an emulated GPU. */
const UNMEASURED_ORDER: BackendName[] = ['wasm', 'webgl', 'cpu'];
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|warp/i;

/** True for a CPU-emulated WebGPU adapter (or one that does not say what it is). */
export function isSoftwareAdapter(adapter: AdapterInfo | undefined): boolean {
  if (!adapter) return true;
  if (adapter.isFallbackAdapter) return true;
  return [adapter.architecture, adapter.vendor, adapter.description].some((s) => s && SOFTWARE_NAMES.test(s));
}

function adapterName(adapter: AdapterInfo | undefined): string {
  const parts = [adapter?.vendor, adapter?.architecture].filter((s): s is string => Boolean(s));
  return parts.length ? parts.join(' ') : 'unknown';
}

function times(ratio: number): string {
  return ratio >= 10 ? `${Math.round(ratio)}×` : `${ratio.toFixed(1)}×`;
}

const measured = (p: BackendProbe): p is BackendProbe & { probeMs: number } =>
  p.probeMs !== undefined && Number.isFinite(p.probeMs) && p.probeMs >= 0;

/**
 * Picks the backend. `override` (the user's setting) wins when that backend is available; otherwise the rule above.
 * Falls back to 'cpu' (always present in tfjs) when no probe says anything is available.
 */
export function chooseBackend(probes: readonly BackendProbe[], override?: BackendName | null): BackendChoice {
  const available = probes.filter((p) => p.available);
  const find = (b: BackendName) => available.find((p) => p.backend === b);
  let prefix = '';
  if (override) {
    const forced = find(override);
    if (forced) {
      const soft = override === 'webgpu' && isSoftwareAdapter(forced.adapter);
      return {
        backend: override,
        reason: `${LABEL[override]} is forced by the backend setting${soft ? ` (its adapter is software: ${adapterName(forced.adapter)})` : ''}.`,
      };
    }
    const why = probes.find((p) => p.backend === override)?.error;
    prefix = `${LABEL[override]} was requested but is not available here${why ? ` (${why})` : ''}; `;
  }

  const gpu = find('webgpu');
  const others = available.filter((p) => p.backend !== 'webgpu');
  const fastestOther = others.filter(measured).sort((a, b) => a.probeMs - b.probeMs)[0];

  if (gpu && !isSoftwareAdapter(gpu.adapter)) {
    // A tiny probe flatters CPU backends (GPU dispatch overhead dominates it), so hardware WebGPU keeps its place
    // unless it measured more than twice as slow.
    if (measured(gpu) && fastestOther && fastestOther.probeMs * 2 < gpu.probeMs) {
      return {
        backend: fastestOther.backend,
        reason: `${prefix}WebGPU (${adapterName(gpu.adapter)}) measured ${times(gpu.probeMs / Math.max(fastestOther.probeMs, 1e-3))} slower than ${LABEL[fastestOther.backend]} here: using ${LABEL[fastestOther.backend]}.`,
      };
    }
    return {
      backend: 'webgpu',
      reason: `${prefix}WebGPU on a hardware adapter (${adapterName(gpu.adapter)}).`,
    };
  }

  // Software (or unidentified) WebGPU competes only on a measurement.
  if (gpu && measured(gpu) && fastestOther && gpu.probeMs < fastestOther.probeMs) {
    return {
      backend: 'webgpu',
      reason: `${prefix}WebGPU's adapter is software (${adapterName(gpu.adapter)}) but it measured fastest here.`,
    };
  }
  const pick = fastestOther ?? UNMEASURED_ORDER.map(find).find((p): p is BackendProbe => p !== undefined);
  const backend = pick?.backend ?? 'cpu';
  const name = LABEL[backend];
  let why: string;
  if (gpu) {
    const ratio =
      measured(gpu) && pick && measured(pick)
        ? ` ${name} is ${times(gpu.probeMs / Math.max(pick.probeMs, 1e-3))} faster here`
        : ` using ${name}`;
    why = `WebGPU adapter is software (${adapterName(gpu.adapter)}):${ratio}.`;
  } else if (fastestOther) {
    const rest = others
      .filter((p) => measured(p) && p !== fastestOther)
      .map((p) => `${LABEL[p.backend]} ${Math.round(p.probeMs ?? 0)} ms`);
    why = `${name} measured fastest (${Math.round(fastestOther.probeMs)} ms${rest.length ? `; ${rest.join(', ')}` : ''}).`;
  } else if (pick) {
    why = `${name}: no WebGPU, nothing measured; ${name} is the first available of WASM, WebGL, CPU.`;
  } else {
    why = 'CPU: no other backend is available.';
  }
  return { backend, reason: `${prefix}${why}` };
}

/**
 * The scoring's own choice (issue 15): `chooseBackend`'s rule on the scoring probe's times instead of the training
 * probe's, so scoring may run on WebGPU while training runs on WASM (and a software adapter still never wins unless
 * its scoring probe measured fastest). `override` is the analyst's backend setting (or a retry's): it still forces.
 * The reason says it is the scoring's choice and, when WebGPU's adapter is software and was not timed, says so.
 */
export function chooseScoringBackend(
  probes: readonly BackendProbe[],
  override?: BackendName | null,
): BackendChoice {
  const timed = probes.map(
    ({ probeMs: _training, scoringMs, ...rest }): BackendProbe =>
      scoringMs === undefined ? rest : { ...rest, probeMs: scoringMs },
  );
  const choice = chooseBackend(timed, override);
  const gpu = timed.find((p) => p.backend === 'webgpu' && p.available);
  const untimed =
    choice.backend !== 'webgpu' && gpu && !measured(gpu) && isSoftwareAdapter(gpu.adapter)
      ? ' WebGPU was not timed on the scoring probe: on a software adapter it alone takes seconds.'
      : '';
  return {
    backend: choice.backend,
    reason: `Scoring (kNN, influence, spectral and Mahalanobis) on ${LABEL[choice.backend]}: ${choice.reason}${untimed}`,
  };
}
