/**
 * The training screen's reading side: the open dataset's runs, the run on show (the live one's buffers, or a stored
 * run's curves), and at start-up marking runs a closed tab left running as interrupted.
 */
import type { RunId } from '../../../workers/train.api';
import type { RunStore } from '../../db/runs';
import type { AppStore } from '../../state/store';
import { curveDataOf, type RunSession } from './run-session';

/** The Web Lock a tab holds while it trains a run. */
export const lockName = (id: RunId) => `sift-run:${id}`;

/** What the display needs of the controller. */
export interface RunDisplayHooks {
  /** The run this tab is training, if any. */
  live: () => RunSession | null;
  measureBackends: () => Promise<void>;
  fail: (error: unknown) => void;
}

export class RunDisplay {
  constructor(
    private readonly store: AppStore,
    private readonly runs: Promise<RunStore>,
    private readonly locks: LockManager | null,
    private readonly hooks: RunDisplayHooks,
  ) {}

  /** Marks runs left `running` or `paused` by a closed or reloaded tab as interrupted. */
  async init(): Promise<void> {
    try {
      const held = new Set<string>();
      if (this.locks) {
        const snapshot = await this.locks.query();
        for (const lock of snapshot.held ?? []) if (lock.name) held.add(lock.name);
      }
      await (await this.runs).markInterrupted((id) => held.has(lockName(id)));
    } catch (error) {
      this.hooks.fail(error);
    }
  }

  /** Opens the training screen of the open dataset and reads its runs. */
  async openTrain(): Promise<void> {
    const state = this.store.getState();
    const meta = state.current;
    if (!meta) return;
    if (state.runs === null || state.shownRun?.datasetId !== meta.id) {
      state.setRuns(null);
      if (this.hooks.live()?.record.datasetId !== meta.id) state.showRun(null, null);
    }
    state.go({ kind: 'train' });
    try {
      const runs = await (await this.runs).listForDataset(meta.id);
      if (this.store.getState().current?.id !== meta.id) return;
      this.store.getState().setRuns(runs);
      const shown = this.store.getState().shownRun;
      if (!shown && runs[0]) await this.openRun(runs[0].id);
    } catch (error) {
      this.hooks.fail(error);
    }
    if (this.store.getState().backendState.kind === 'unknown') await this.hooks.measureBackends();
  }

  /** Shows a run's stored curves (or the live run's). */
  async openRun(id: RunId): Promise<void> {
    const meta = this.store.getState().current;
    if (!meta) return;
    const live = this.hooks.live();
    if (live?.record.id === id) {
      this.store.getState().showRun(live.record, live.curves);
      return;
    }
    try {
      const db = await this.runs;
      const [record, curves] = await Promise.all([db.getRun(id), db.getCurves(id)]);
      if (!record || !curves) throw new Error('That run is no longer stored in this browser.');
      this.store.getState().showRun(record, curveDataOf(record, curves, meta.classes));
    } catch (error) {
      this.hooks.fail(error);
    }
  }
}
