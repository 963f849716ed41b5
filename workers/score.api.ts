/**
 * The typed contract of the score worker. The app depends on `ScoreApi` only; the Vitest contract test drives the
 * same service in-process (workers/score.service.test.ts). One worker scores one job at a time; every call names
 * its job, and a cancel naming another job is ignored.
 */
import type { ScoreJobId } from '../app/db/ids';
import type { CrossValSettings, DoneScoreView, RunningScoreRecord, ScoreView } from '../app/db/score-schema';
import type { CalibrationReport, CalibrationSettings } from './core/calibration/types';
import type { ScoreParamsInput } from './core/scores/defaults';
import type { Recombined, RecombineRequest, ScoreSummary } from './core/scores/summary';
import type { FamilyName, ScoreSet } from './core/scores/types';
import type { BackendChoice, BackendName, BackendProbe } from './core/train/backend-choice';
import type { TrainingData, TrainingDynamics, TrainSettings } from './core/train/types';
import type { BackendRequest } from './train.api';

export type { CrossValSettings, Recombined, RecombineRequest, ScoreJobId, ScoreSummary };

/** Defaults of the scoring form and the headless scan. */
export const DEFAULT_CROSS_VAL: CrossValSettings = { folds: 5, epochs: null };

/**
 * How a scoring job chooses its backends (issue 15): scoring (kNN, influence, spectral, Mahalanobis) by the scoring
 * probe's times (`chooseScoringBackend`), independent of training; cross-validation, which trains, by the training
 * rule with the run's backend preferred. `override` (the analyst's backend setting, or a retry's) forces both.
 */
export interface ScoreBackendRequest extends BackendRequest {
  /** The backend the run trained on, preferred for the folds' training; absent or null: not known. */
  training?: BackendName | null;
}

/** What to score: a finished run's data, settings and dynamics. The arrays are transferred (the caller loses them). */
export interface ScoreRequest {
  jobId: ScoreJobId;
  data: TrainingData;
  /** The run's training settings: cross-validation trains each fold with them (seed derived per fold). */
  settings: TrainSettings;
  dynamics: TrainingDynamics;
  params: ScoreParamsInput;
  crossVal: CrossValSettings;
  backend: ScoreBackendRequest;
  /**
   * Calibrate the suspicion on canaries (issue 10): the pipeline runs again on the run's rows plus canaries with the
   * run's settings, and the rows are scored by that run. Absent or null: the run's own dynamics, uncalibrated.
   */
  calibration?: CalibrationSettings | null;
}

/**
 * A scoring of a stored run, stored by the worker: it reads the run's dynamics and settings and the dataset's arrays
 * from IndexedDB by id, and writes the scoring's records there itself; nothing per-sample crosses to the page.
 */
export interface StoredScoreJob {
  /** Which database (the app's `sift`; tests pass their own). */
  dbName: string;
  /** The scoring's first record (its run, dataset, resolved parameters, cross-validation); stored first. */
  record: RunningScoreRecord;
  /** The score parameters as asked (the record holds them resolved). */
  params: ScoreParamsInput;
  /** Calibrate on canaries (issue 10): the settings, as in `ScoreRequest.calibration`; absent or null: uncalibrated. */
  calibration?: CalibrationSettings | null;
  backend: ScoreBackendRequest;
}

/**
 * Where a job is: cross-validation (per fold and epoch) or a scoring stage. A calibrated job reports its steps as
 * scoring stages named `calibration: …` (calibrate.ts, `stageProgress`).
 */
export type ScoreProgressMessage =
  | {
      phase: 'cross-validation';
      /** Folds finished (several may run at once: they finish in any order, often together). */
      foldsDone: number;
      folds: number;
      /** The furthest epoch reached by a fold under way since the last one finished (0: none yet). */
      epoch: number;
      epochs: number;
      fraction: number;
    }
  | { phase: 'scores'; stage: string; done: number; total: number; fraction: number };

export type ScoreProgressCallback = (message: ScoreProgressMessage) => void;

/** A finished job. */
export interface ScoreResult {
  jobId: ScoreJobId;
  backend: BackendChoice;
  scoreSet: ScoreSet;
  summary: ScoreSummary;
  /** N × C out-of-sample softmax in sample order (what the label family used). */
  oofProbs: Float32Array;
  crossVal: CrossValSettings;
  /** ms: cross-validation, scoring, the whole job. */
  timings: { crossValMs: number; scoreMs: number; totalMs: number };
  /** Live tensors in the worker before and after the job (equal unless something leaked). */
  tensors: { before: number; after: number };
  /** The calibration's report, when the job was calibrated; its estimate is the flag budget and "select top N". */
  calibration?: CalibrationReport;
}

/** How a job ends. Errors cross as data: comlink serialises thrown errors poorly. */
export type ScoreOutcome =
  | { kind: 'finished'; result: ScoreResult }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/**
 * The parts of a run's dynamics influence reads: its checkpoints, model and sample order, not the per-epoch arrays
 * (E × N each) or the embeddings, which would be copied to the worker for nothing.
 */
export type InfluenceDynamics = Pick<
  TrainingDynamics,
  | 'samples'
  | 'classCount'
  | 'embeddingDim'
  | 'sampleRows'
  | 'inTraining'
  | 'labels'
  | 'checkpoints'
  | 'modelSpec'
  | 'standardization'
>;

/**
 * What influence on a chosen sample needs: the run's checkpoints (inside `dynamics`) and the raw features. Sent once
 * per run with `prepareInfluence`; the worker keeps the latest one.
 */
export interface InfluenceContext {
  key: string;
  features: Float32Array;
  dynamics: InfluenceDynamics;
  /**
   * Which tfjs backend to run on, chosen the way a scoring job chooses it. A worker that has not scored yet has no
   * backend selected, and tfjs would otherwise pick one on its own (not the measured one, and in a worker possibly
   * one that cannot start).
   */
  backend: BackendRequest;
}

/** Proponents and opponents of one sample, among the rows the model was trained on. */
export interface InfluenceResult {
  /** Sample index of the chosen sample in the run's dynamics (its dataset row unless the run left rows out). */
  target: number;
  /** TracIn influence of every sample on the target; 0 for rows never trained on (validation rows). */
  influence: Float32Array;
  /** Strongest first, the target excluded, training rows only. */
  proponents: Int32Array;
  opponents: Int32Array;
}

/** Where a run's influence data is: the worker reads the features and checkpoints from IndexedDB itself. */
export interface InfluenceQuery {
  dbName: string;
  datasetId: string;
  runId: string;
  /**
   * The page's measured backend probes (empty when none): influence is scoring work, so the worker chooses by the
   * scoring probe (see InfluenceContext); without probes it runs on the run's training backend.
   */
  probes: BackendProbe[];
  /** The analyst's backend setting, which forces the backend; absent or null: automatic. */
  override?: BackendName | null;
}

/** One dataset row's influence on the asked-about sample. */
export interface RowInfluence {
  row: number;
  /** Positive for a proponent, negative for an opponent. */
  value: number;
}

/** The strongest proponents and opponents of a dataset row, among the rows its run trained on. */
export interface InfluenceAnswer {
  row: number;
  proponents: RowInfluence[];
  opponents: RowInfluence[];
  /** The tfjs backend it was computed on. */
  backend: string;
  /** True when the run left this row out (quarantined before it trained): it has no influence, both lists empty. */
  leftOut: boolean;
}

/** The worker's live tensors and active backend. */
export interface ScoreWorkerMemory {
  numTensors: number;
  numBytes: number;
  backend: string | null;
}

/** The score worker. Every method is async across the worker boundary. */
export interface ScoreApi {
  /** K-fold cross-validation, then every score; resolves when done, cancelled or failed. */
  score(request: ScoreRequest, onProgress: ScoreProgressCallback): Promise<ScoreOutcome>;
  /**
   * Scores a stored run and stores the scoring (the app's way): its first record at once, then how it ended, with its
   * score set when done. Resolves with the view the panel shows (summary and named top suspects), whatever the ending.
   */
  scoreStored(job: StoredScoreJob, onProgress: ScoreProgressCallback): Promise<ScoreView>;
  /** A run's newest scoring and newest finished one, as the panel shows them (read in the worker). */
  scoringsOf(
    dbName: string,
    runId: RunningScoreRecord['runId'],
  ): Promise<{ latest: ScoreView | null; done: DoneScoreView | null }>;
  /**
   * Recombines a stored score set under other weights or q in the worker, stores it, and answers with its new view;
   * null when it is no longer stored.
   */
  recombineStored(
    dbName: string,
    id: ScoreJobId,
    wanted: { weights: Record<FamilyName, number>; q: number },
  ): Promise<DoneScoreView | null>;
  /** Stops the job at its next batch or stage; `score` then resolves `cancelled`, every tensor freed. */
  cancel(jobId: ScoreJobId): Promise<void>;
  /** Family values, suspicion and flags for other weights or q; the per-sample loop runs in the worker. */
  recombine(request: RecombineRequest): Promise<Recombined>;
  /**
   * Selects the backend (unless a scoring job holds it) and keeps a run's checkpoints and features for `influenceOn`
   * (replacing the previous run's). Resolves with the backend in use.
   */
  prepareInfluence(context: InfluenceContext): Promise<BackendChoice>;
  /** The influence of every training row on sample `target` of the prepared run (`key` must match). */
  influenceOn(key: string, target: number, top?: number): Promise<InfluenceResult>;
  /**
   * TracIn proponents and opponents of dataset row `row` (DESIGN §3): the run's features and checkpoints are read from
   * IndexedDB in the worker (once per run) and kept there.
   */
  influenceFor(query: InfluenceQuery, row: number, top?: number): Promise<InfluenceAnswer>;
  memory(): Promise<ScoreWorkerMemory>;
}
