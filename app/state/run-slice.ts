/**
 * Training runs as the UI sees them: the open dataset's runs, the run this tab is training, the curves on show,
 * the backend probe, and the backend check. Summaries and append-only curve arrays only: no worker handles.
 */
import type { StateCreator } from 'zustand';
import type { BackendChoice, BackendName, BackendProbe } from '../../workers/core/train/backend-choice';
import type { EpochReport } from '../../workers/core/train/trainer';
import type { BackendComparison, RunAnomaly, RunId, RunProgress } from '../../workers/train.api';
import type { RunRecord } from '../db/run-schema';
import type { DatasetId } from '../db/schema';
import type { DatasetSlice } from './dataset-slice';

/** Whether the backends have been measured in this browser. */
export type BackendState =
  | { kind: 'unknown' }
  | { kind: 'measuring' }
  | { kind: 'ready'; probes: BackendProbe[]; measuredAt: number }
  | { kind: 'failed'; message: string };

/** The run this tab is training. */
export interface LiveRun {
  runId: RunId;
  datasetId: DatasetId;
  phase: 'starting' | 'running' | 'paused' | 'stopping';
  /** Set once the worker has chosen. */
  backend: BackendChoice | null;
  progress: RunProgress | null;
}

/**
 * A run's curves for the charts. `loss` and `gradNorm` are append-only buffers: entries below `steps` never change,
 * so an older snapshot stays valid while the buffers fill; each update is a new object (charts compare by identity).
 */
export interface CurveData {
  runId: RunId;
  steps: number;
  totalSteps: number;
  stepsPerEpoch: number;
  loss: Float32Array;
  gradNorm: Float32Array;
  epochs: EpochReport[];
  anomalies: RunAnomaly[];
  classNames: string[];
}

/** The backend check (WebGPU and others against WASM on a tiny model). */
export type ComparisonState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: BackendComparison }
  | { kind: 'failed'; message: string };

/** The samples of one anomalous batch, as listed for the analyst. */
export interface SampleList {
  /** Identifies the anomaly (its index in the run's list). */
  anomaly: number;
  title: string;
  rows: { row: number; id: string; label: string }[];
  /** Why there are no rows, when there are none. */
  note: string | null;
}

export interface RunSlice {
  /** The open dataset's runs, newest first; null until read. */
  runs: RunRecord[] | null;
  live: LiveRun | null;
  /** The run whose curves are on show (the live one while it trains, or one opened from the list). */
  shownRun: RunRecord | null;
  curves: CurveData | null;
  backendState: BackendState;
  /** The user's forced backend; null for automatic choice. */
  backendOverride: BackendName | null;
  comparison: ComparisonState;
  /** Live tensors of the train worker: before the last run, after it, and now (read after it ended). */
  workerMemory: { before: number; after: number; now: number } | null;
  sampleList: SampleList | null;
  /** Why the last start or run failed. */
  trainError: string | null;
  setRuns: (runs: RunRecord[] | null) => void;
  /** Inserts or replaces one run in the list (and in `shownRun` when it is the one on show). */
  upsertRun: (record: RunRecord) => void;
  setLive: (live: LiveRun | null) => void;
  patchLive: (runId: RunId, patch: Partial<Omit<LiveRun, 'runId' | 'datasetId'>>) => void;
  showRun: (record: RunRecord | null, curves: CurveData | null) => void;
  setCurves: (curves: CurveData) => void;
  setBackendState: (state: BackendState) => void;
  setBackendOverride: (name: BackendName | null) => void;
  setComparison: (state: ComparisonState) => void;
  setWorkerMemory: (memory: RunSlice['workerMemory']) => void;
  setSampleList: (list: SampleList | null) => void;
  setTrainError: (message: string | null) => void;
}

/** The run slice of the app store. */
export const createRunSlice: StateCreator<RunSlice & Pick<DatasetSlice, 'current'>, [], [], RunSlice> = (
  set,
) => ({
  runs: null,
  live: null,
  shownRun: null,
  curves: null,
  backendState: { kind: 'unknown' },
  backendOverride: null,
  comparison: { kind: 'idle' },
  workerMemory: null,
  sampleList: null,
  trainError: null,
  setRuns: (runs) => set({ runs }),
  upsertRun: (record) =>
    set((state) => {
      const runs = state.runs ? state.runs.filter((r) => r.id !== record.id) : null;
      const sameDataset = state.current?.id === record.datasetId;
      return {
        runs: runs && sameDataset ? [record, ...runs].sort((a, b) => b.createdAt - a.createdAt) : state.runs,
        shownRun: state.shownRun?.id === record.id ? record : state.shownRun,
      };
    }),
  setLive: (live) => set({ live }),
  patchLive: (runId, patch) =>
    set((state) => (state.live?.runId === runId ? { live: { ...state.live, ...patch } } : {})),
  showRun: (shownRun, curves) => set({ shownRun, curves, sampleList: null }),
  setCurves: (curves) => set((state) => (state.shownRun?.id === curves.runId ? { curves } : {})),
  setBackendState: (backendState) => set({ backendState }),
  setBackendOverride: (backendOverride) => set({ backendOverride }),
  setComparison: (comparison) => set({ comparison }),
  setWorkerMemory: (workerMemory) => set({ workerMemory }),
  setSampleList: (sampleList) => set({ sampleList }),
  setTrainError: (trainError) => set({ trainError }),
});
