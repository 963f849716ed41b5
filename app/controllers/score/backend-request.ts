/**
 * The backend request a score worker gets (issue 15): the measured probes, so the worker chooses scoring's backend by
 * the scoring probe and the folds' by the training rule; the run's backend, preferred for the folds; and the forced
 * backend (the analyst's setting, or a retry's), which applies to both.
 */
import {
  type BackendName,
  type BackendProbe,
  chooseScoringBackend,
} from '../../../workers/core/train/backend-choice';
import type { ScoreBackendRequest } from '../../../workers/score.api';
import type { BackendState } from '../../state/run-slice';

/** Without measured probes the run's backend is assumed to work (it did for training), else tfjs's CPU. */
export function scoreBackendRequest(
  state: BackendState,
  runBackend: BackendName | null,
  override: BackendName | null,
): ScoreBackendRequest {
  const probes: BackendProbe[] =
    state.kind === 'ready' ? state.probes : runBackend ? [{ backend: runBackend, available: true }] : [];
  return { probes, override, training: runBackend };
}

/** The backend a job's scoring will most likely run on (the worker has the last word): a crash is recorded with it. */
export function expectedScoringBackend(request: ScoreBackendRequest): BackendName {
  return chooseScoringBackend(request.probes, request.override).backend;
}
