/**
 * The scoring pipeline: every per-sample score of DESIGN §3 from a run's training dynamics and out-of-sample
 * probabilities, then family ranks, suspicion and flags. This is what the score worker and the headless scan call.
 */
import type { TrainingDynamics } from '../train/types';
import { resolveScoreParams, type ScoreParamsInput } from './defaults';
import { activationClustering, type EmbeddingInput, mahalanobis, spectralSignature } from './embedding';
import { checkpoint, type StepHooks } from './hooks';
import { selfInfluence } from './influence';
import { knnScores, searchNeighbours } from './knn';
import { labelIssues } from './label-issues';
import { largestFirst } from './shared-groups';
import { DEFAULT_SHARED_VALUES, sharedValuesInSampleOrder } from './shared-values';
import { suspicionFromScores } from './suspicion';
import { trajectoryScores } from './trajectory';
import type { ScoreName, ScoreProgress, ScoreSet, SharedValueGroup } from './types';

export { DEFAULT_SUSPICION, defaultScoreParams, resolveScoreParams, type ScoreParamsInput } from './defaults';

/** Options of `scoreAll`. */
export interface ScoreAllOptions extends StepHooks {
  /**
   * N × C out-of-sample probabilities from K-fold cross-validation, in the order of `dynamics.sampleRows`.
   * null: the label family falls back to the final in-sample softmax (weaker: the model has fitted the labels),
   * and the score set says so in `labelSource`.
   */
  oofProbs: Float32Array | null;
  params?: ScoreParamsInput;
  /**
   * The data's feature values (row-major, `count` per row) and each sample's row in them, for the shared-values
   * score; without them that score is NaN (the least suspicious value) for every sample.
   */
  features?: { values: Float32Array; count: number; rows: Int32Array };
  onProgress?: (p: ScoreProgress) => void;
}

const STAGES = [
  'trajectory',
  'influence',
  'knn',
  'spectral',
  'activation clustering',
  'mahalanobis',
  'shared values',
  'label issues',
  'suspicion',
] as const;

/**
 * Computes every score, the family ranks, suspicion, flags and the confident-learning verdicts of a run.
 * Throws ScoringCancelledError when `cancelled()` turns true; disposes every tensor it makes.
 */
export async function scoreAll(dynamics: TrainingDynamics, options: ScoreAllOptions): Promise<ScoreSet> {
  const params = resolveScoreParams(options.params);
  const n = dynamics.samples;
  const c = dynamics.classCount;
  if (dynamics.labels.length !== n)
    throw new RangeError(`Dynamics have ${dynamics.labels.length} labels for ${n} samples.`);
  if (options.oofProbs && options.oofProbs.length !== n * c) {
    throw new RangeError(
      `Out-of-sample probabilities have ${options.oofProbs.length} values, expected N×C = ${n * c}.`,
    );
  }
  const timings: Record<string, number> = {};
  let done = 0;
  let stageStart = performance.now();
  const stage = async (name: (typeof STAGES)[number]): Promise<void> => {
    await checkpoint(options);
    options.onProgress?.({ stage: name, done, total: STAGES.length });
    stageStart = performance.now();
  };
  const finish = (name: string): void => {
    timings[name] = performance.now() - stageStart;
    done++;
  };

  await stage('trajectory');
  const traj = trajectoryScores(dynamics);
  finish('trajectory');

  await stage('influence');
  const influence = selfInfluence(dynamics.lastLayerGradSq, n, dynamics.epochs, dynamics.checkpoints);
  finish('influence');

  const emb: EmbeddingInput = {
    embeddings: dynamics.embeddings,
    samples: n,
    dim: dynamics.embeddingDim,
    labels: dynamics.labels,
    classCount: c,
  };
  await stage('knn');
  const hooks: StepHooks = { cancelled: options.cancelled, between: options.between };
  const { result: neighbours, approximate } = await searchNeighbours(
    emb.embeddings,
    n,
    emb.dim,
    params.knn,
    params.seed,
    hooks,
  );
  const knn = knnScores(neighbours, dynamics.labels);
  finish('knn');

  await stage('spectral');
  const spectral = await spectralSignature(emb, params.spectral, params.seed, hooks);
  finish('spectral');

  await stage('activation clustering');
  const ac = await activationClustering(emb, params.activationClustering, params.seed, hooks);
  finish('activation clustering');

  await stage('mahalanobis');
  const maha = await mahalanobis(emb, params.mahalanobis, hooks);
  finish('mahalanobis');

  await stage('shared values');
  const groups: SharedValueGroup[] = [];
  const shared = options.features
    ? sharedValuesInSampleOrder(
        options.features.values,
        options.features.count,
        options.features.rows,
        DEFAULT_SHARED_VALUES,
        dynamics.labels,
        null,
        groups,
      )
    : new Float32Array(n).fill(Number.NaN);
  finish('shared values');

  await stage('label issues');
  const li = labelIssues(options.oofProbs ?? dynamics.finalProbs, dynamics.labels, c);
  finish('label issues');

  const scores: Record<ScoreName, Float32Array> = {
    aum: traj.aum,
    meanLoss: traj.meanLoss,
    forgetting: traj.forgetting,
    cartography: traj.cartography,
    selfInfluence: influence,
    knnDistance: knn.distance,
    knnDisagreement: knn.disagreement,
    spectral,
    activationClustering: ac,
    mahalanobis: maha.scores,
    selfConfidence: li.selfConfidence,
    normalizedMargin: li.normalizedMargin,
    sharedValues: shared,
  };

  await stage('suspicion');
  const { families, suspicion, flags, topScore } = suspicionFromScores(
    scores,
    n,
    params.suspicion,
    dynamics.labels,
  );
  finish('suspicion');
  options.onProgress?.({ stage: 'done', done, total: STAGES.length });

  return {
    format: 'sift-scores/1',
    samples: n,
    scores,
    families,
    suspicion,
    flags,
    labelIssue: li.labelIssue,
    suggestedLabel: li.suggestedLabel,
    labelThresholds: li.thresholds,
    cartography: { confidence: traj.confidence, variability: traj.variability },
    labelSource: options.oofProbs ? 'cross-validated' : 'in-sample',
    knnApproximate: approximate,
    mahalanobisShrinkage: maha.shrinkage,
    params,
    timings,
    explanation: { score: topScore, kind: new Uint8Array(n).fill(255) },
    groups: largestFirst(groups),
  };
}
