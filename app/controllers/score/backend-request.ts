/** The backend request a score worker gets: the measured probes when there are some, with the run's backend preferred. */
import type { BackendName, BackendProbe } from '../../../workers/core/train/backend-choice';
import type { BackendRequest } from '../../../workers/train.api';
import type { BackendState } from '../../state/run-slice';

/**
 * Scores (and influence) run on the backend the run trained on when it is available, so the numbers match the
 * run's; without measured probes the run's backend is assumed to work (it did for training), else tfjs's CPU.
 */
export function scoreBackendRequest(state: BackendState, runBackend: BackendName | null): BackendRequest {
  const probes: BackendProbe[] =
    state.kind === 'ready' ? state.probes : runBackend ? [{ backend: runBackend, available: true }] : [];
  return { probes, override: runBackend };
}
