import { describe, expect, it } from 'vitest';
import { jobInFlight } from './jobs';
import { createAppStore } from './store';

describe('jobInFlight', () => {
  it('names no job on a fresh store, and each running job when there is one', () => {
    const store = createAppStore();
    expect(jobInFlight(store.getState())).toBeNull();
    const state = store.getState();
    expect(
      jobInFlight({
        ...state,
        liveScore: { jobId: 's' as never, runId: 'r' as never, phase: 'running', progress: null },
      }),
    ).toBe('scoring a run');
    expect(
      jobInFlight({
        ...state,
        live: { runId: 'r', datasetId: 'd', phase: 'running', backend: null, progress: null } as never,
      }),
    ).toBe('training a model');
    expect(jobInFlight({ ...state, job: { kind: 'running', fileName: 'a.csv' } as never })).toBe(
      'importing a.csv',
    );
  });
});
