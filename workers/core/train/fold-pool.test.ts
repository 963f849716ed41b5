import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../random';
import {
  type FoldOutcome,
  type FoldTask,
  foldConcurrency,
  foldPlan,
  mergeFolds,
  perFoldBytes,
  runFolds,
} from './fold-pool';

const labels = Int32Array.from({ length: 30 }, (_, i) => i % 3);

function fakeOutcome(task: FoldTask, c: number): FoldOutcome {
  // Each held-out row's "softmax" is its row number in every class: where it lands shows the merge.
  const p = new Float32Array(task.heldRows.length * c);
  task.heldRows.forEach((r, j) => {
    p.fill(r, j * c, (j + 1) * c);
  });
  return { status: 'completed', probabilities: p };
}

describe('foldPlan', () => {
  it('holds out every row exactly once, trains on the rest, and seeds each fold differently', () => {
    const { folds, tasks } = foldPlan(labels, 3, 5, 7);
    expect(tasks.map((t) => t.fold)).toEqual([0, 1, 2, 3, 4]);
    const held = tasks.flatMap((t) => Array.from(t.heldRows)).sort((a, b) => a - b);
    expect(held).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const t of tasks) {
      expect(t.trainRows.length + t.heldRows.length).toBe(30);
      for (const r of t.heldRows) expect(folds[r]).toBe(t.fold);
    }
    expect(new Set(tasks.map((t) => t.seed)).size).toBe(5);
    expect(foldPlan(labels, 3, 5, 7).tasks[2]?.seed).toBe(tasks[2]?.seed);
    // Fold f trains with the run's seed derived at salt 100 + f.
    expect(tasks.map((t) => t.seed)).toEqual([100, 101, 102, 103, 104].map((salt) => deriveSeed(7, salt)));
  });
});

describe('runFolds and mergeFolds', () => {
  it('give the same merged array at any concurrency, though folds finish out of order', async () => {
    const { tasks } = foldPlan(labels, 3, 5, 1);
    const finished: number[] = [];
    const merged = async (concurrency: number) => {
      const outcomes = await runFolds(
        tasks,
        async (t) => {
          // Later folds finish first.
          await new Promise((r) => setTimeout(r, 5 * (5 - t.fold)));
          finished.push(t.fold);
          return fakeOutcome(t, 3);
        },
        concurrency,
      );
      return mergeFolds(30, 3, tasks, outcomes);
    };
    const serial = await merged(1);
    expect(finished).toEqual([0, 1, 2, 3, 4]);
    finished.length = 0;
    const parallel = await merged(3);
    expect(finished).not.toEqual([0, 1, 2, 3, 4]);
    expect(parallel.status).toBe('completed');
    expect(parallel.foldsDone).toBe(5);
    expect(Array.from(parallel.probabilities)).toEqual(Array.from(serial.probabilities));
    expect(Array.from(serial.probabilities.subarray(3 * 17, 3 * 18))).toEqual([17, 17, 17]);
  });

  it('keeps in-flight folds running but starts none after a fold stops, and keeps only the folds before it', async () => {
    const { tasks } = foldPlan(labels, 3, 5, 1);
    const started: number[] = [];
    const outcomes = await runFolds(
      tasks,
      async (t) => {
        started.push(t.fold);
        if (t.fold === 1)
          return {
            status: 'non-finite',
            probabilities: null,
            nonFinite: { epoch: 0, step: 3, what: 'loss', message: 'x' },
          };
        await new Promise((r) => setTimeout(r, 10));
        return fakeOutcome(t, 3);
      },
      2,
    );
    expect(started).toEqual([0, 1]);
    const m = mergeFolds(30, 3, tasks, outcomes);
    expect(m.status).toBe('non-finite');
    expect(m.nonFinite?.step).toBe(3);
    expect(m.foldsDone).toBe(1);
    const fold0 = tasks[0]?.heldRows[0] ?? -1;
    const fold1 = tasks[1]?.heldRows[0] ?? -1;
    expect(m.probabilities[fold0 * 3]).toBe(fold0);
    expect(Number.isNaN(m.probabilities[fold1 * 3] ?? 0)).toBe(true);
  });
});

describe('a fold that completes without a softmax, or never ran', () => {
  it('stops the runner and counts as cancelled in the merge', async () => {
    const { tasks } = foldPlan(labels, 3, 5, 1);
    const started: number[] = [];
    const outcomes = await runFolds(
      tasks,
      async (t) => {
        started.push(t.fold);
        return t.fold === 1 ? { status: 'completed', probabilities: null } : fakeOutcome(t, 3);
      },
      1,
    );
    expect(started).toEqual([0, 1]);
    // Folds never started are cancelled, with no softmax.
    expect(outcomes.slice(2)).toEqual([
      { status: 'cancelled', probabilities: null },
      { status: 'cancelled', probabilities: null },
      { status: 'cancelled', probabilities: null },
    ]);
    const m = mergeFolds(30, 3, tasks, outcomes);
    expect(m.status).toBe('cancelled');
    expect(m.nonFinite).toBeUndefined();
    expect(m.foldsDone).toBe(1);
  });

  it('stops the runner after a fold that did not complete, even one that sent a softmax', async () => {
    const { tasks } = foldPlan(labels, 3, 5, 1);
    const started: number[] = [];
    await runFolds(
      tasks,
      async (t) => {
        started.push(t.fold);
        const out = fakeOutcome(t, 3);
        return t.fold === 1 ? { ...out, status: 'cancelled' } : out;
      },
      1,
    );
    expect(started).toEqual([0, 1]);
  });

  it('merges fewer outcomes than folds as cancelled after the last one given', () => {
    const { tasks } = foldPlan(labels, 3, 5, 1);
    const first = tasks[0] as FoldTask;
    const m = mergeFolds(30, 3, tasks, [fakeOutcome(first, 3)]);
    expect(m).toMatchObject({ status: 'cancelled', foldsDone: 1 });
    expect(m.nonFinite).toBeUndefined();
    for (let r = 0; r < 30; r++) {
      expect(m.probabilities[r * 3]).toBe(first.heldRows.includes(r) ? r : Number.NaN);
    }
  });
});

describe('foldConcurrency', () => {
  it('takes the fewest of cores, folds and what memory holds, and never less than one', () => {
    expect(foldConcurrency({ cores: 8, folds: 5, memoryBudgetBytes: 1e12, perFoldBytes: 1e6 })).toBe(5);
    expect(foldConcurrency({ cores: 2, folds: 5, memoryBudgetBytes: 1e12, perFoldBytes: 1e6 })).toBe(2);
    expect(foldConcurrency({ cores: 8, folds: 5, memoryBudgetBytes: 3.5e6, perFoldBytes: 1e6 })).toBe(3);
    expect(foldConcurrency({ cores: 8, folds: 5, memoryBudgetBytes: 1e5, perFoldBytes: 1e6 })).toBe(1);
    expect(foldConcurrency({ cores: 0, folds: 5, memoryBudgetBytes: 1e12, perFoldBytes: 1e6 })).toBe(1);
  });
  it('puts no memory cap on folds of no (or a nonsense negative) size, even with no budget', () => {
    expect(foldConcurrency({ cores: 4, folds: 5, memoryBudgetBytes: 0, perFoldBytes: 0 })).toBe(4);
    expect(foldConcurrency({ cores: 4, folds: 5, memoryBudgetBytes: 1e9, perFoldBytes: -1 })).toBe(4);
  });
  it('counts a fold at three copies of the features, the labels and 64 MiB', () => {
    expect(perFoldBytes(1000, 10)).toBe(1000 * 10 * 12 + 4000 + 64 * 2 ** 20);
  });
});
