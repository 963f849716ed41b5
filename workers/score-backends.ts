/**
 * The score worker's two backend choices (issue 15): cross-validation trains its folds on the training rule's choice
 * (the run's backend preferred, as its training measured it), and scoring (kNN, influence, spectral, Mahalanobis)
 * runs on the scoring probe's choice, independent of training. Each is activated with fallback: a backend that fails
 * to start is marked unavailable and its rule rerun.
 */
import {
  type BackendChoice,
  type BackendProbe,
  backendLabel,
  chooseBackend,
  chooseScoringBackend,
} from './core/train/backend-choice';
import type { ScoreBackendRequest } from './score.api';
import type { BackendControl } from './train-backends';

/** A choice that started, and the probes as they stand after it (backends that failed to start marked so). */
export interface Activated {
  choice: BackendChoice;
  probes: BackendProbe[];
}

/** Activates the first backend `choose` picks that starts; throws when none does. */
export async function activateChoice(
  backends: BackendControl,
  start: readonly BackendProbe[],
  choose: (probes: readonly BackendProbe[]) => BackendChoice,
): Promise<Activated> {
  let probes = [...start];
  for (;;) {
    const choice = choose(probes);
    const error = await backends.activate(choice.backend);
    if (!error) return { choice, probes };
    if (!probes.some((p) => p.backend === choice.backend && p.available)) {
      throw new Error(`No tfjs backend could be started: ${choice.backend}: ${error}`);
    }
    probes = probes.map((p) => (p.backend === choice.backend ? { ...p, available: false, error } : p));
  }
}

/** The folds' backend, activated: the training rule, the setting forcing it, else the run's backend preferred. */
export function activateFoldBackend(
  backends: BackendControl,
  request: ScoreBackendRequest,
): Promise<Activated> {
  return activateChoice(backends, request.probes, (p) =>
    chooseBackend(p, request.override ?? request.training ?? null),
  );
}

/**
 * The scoring backend, activated after the folds' (`folds`), with a reason that also says where the folds trained,
 * so the sentence on the screen accounts for both halves of the job.
 */
export async function activateScoringBackend(
  backends: BackendControl,
  request: ScoreBackendRequest,
  folds: Activated,
): Promise<Activated> {
  const scoring = await activateChoice(backends, folds.probes, (p) =>
    chooseScoringBackend(p, request.override),
  );
  const name = backendLabel(folds.choice.backend);
  const where = request.override
    ? `Cross-validation trained its folds on ${name}.`
    : folds.choice.backend === request.training
      ? `Cross-validation trained its folds on ${name}, the backend the run trained on.`
      : `Cross-validation trained its folds on ${name}: ${folds.choice.reason}`;
  return { ...scoring, choice: { ...scoring.choice, reason: `${scoring.choice.reason} ${where}` } };
}
