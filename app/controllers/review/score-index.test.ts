import { describe, expect, it } from 'vitest';
import { scoringsByRun } from './score-index';

describe('scoringsByRun', () => {
  it('counts finished scorings per run, newest first, leaving out running, failed and cancelled ones', () => {
    const byRun = scoringsByRun([
      { scoreId: 's1', runId: 'r1', createdAt: 1, status: 'done' },
      { scoreId: 's2', runId: 'r2', createdAt: 2, status: 'failed' },
      { scoreId: 's3', runId: 'r1', createdAt: 3, status: 'done' },
      { scoreId: 's4', runId: 'r3', createdAt: 4, status: 'running' },
      { scoreId: 's5', runId: 'r3', createdAt: 5, status: 'cancelled' },
    ]);
    expect([...byRun.keys()]).toEqual(['r1']);
    expect(byRun.get('r1')?.map((e) => e.scoreId)).toEqual(['s3', 's1']);
    expect(byRun.get('r2')).toBeUndefined();
  });
});
