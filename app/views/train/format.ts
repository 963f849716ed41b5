/** Formats of the training views. */
import type { AnomalyKind } from '../../../workers/core/anomaly/types';
import type { BackendName } from '../../../workers/core/train/backend-choice';
import type { RunStatus } from '../../controllers/train/controller';

/** Backend names as people write them. */
export const BACKEND_LABEL: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

/** A run's status for people. */
export function statusLabel(status: RunStatus): string {
  switch (status) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'interrupted':
      return 'interrupted';
    default:
      return status satisfies never;
  }
}

/** An anomaly kind for people. */
export function anomalyLabel(kind: AnomalyKind): string {
  switch (kind) {
    case 'loss-spike':
      return 'Loss spike';
    case 'grad-spike':
      return 'Gradient-norm spike';
    case 'non-finite':
      return 'Non-finite';
    case 'validation-drop':
      return 'Validation drop';
    case 'divergence':
      return 'Divergence';
    case 'class-stall':
      return 'Class stall';
    default:
      return kind satisfies never;
  }
}

/** A duration: "850 ms", "12 s", "3 min 05 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A loss or accuracy figure. */
export function formatMetric(v: number, percent = false): string {
  if (!Number.isFinite(v)) return '—';
  return percent ? `${(v * 100).toFixed(1)}%` : v.toPrecision(4);
}
