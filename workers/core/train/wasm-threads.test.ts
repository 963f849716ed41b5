import { describe, expect, it } from 'vitest';
import { wasmThreads } from './wasm-threads';

describe('wasmThreads', () => {
  it('gives a lone training worker every core but one of an isolated page', () => {
    expect(wasmThreads({ cores: 4, workersAtOnce: 1, isolated: true })).toEqual({
      threads: 3,
      why: 'WASM runs on 3 threads (4 cores reported, one left to the page, the rest shared by 1 training worker).',
    });
    // Two cores: one thread, which measured as fast as two on the development machine.
    expect(wasmThreads({ cores: 2, workersAtOnce: 1, isolated: true })).toEqual({
      threads: 1,
      why: 'WASM runs on one thread (2 cores reported, one left to the page, the rest shared by 1 training worker).',
    });
  });

  it('splits the cores between fold workers, never more threads in all than cores', () => {
    expect(wasmThreads({ cores: 16, workersAtOnce: 5, isolated: true }).threads).toBe(3);
    expect(wasmThreads({ cores: 8, workersAtOnce: 2, isolated: true }).threads).toBe(3);
    // More workers than cores (a pool sized by folds on a small device) still gives each one thread.
    expect(wasmThreads({ cores: 2, workersAtOnce: 2, isolated: true }).threads).toBe(1);
    expect(wasmThreads({ cores: 2, workersAtOnce: 5, isolated: true }).threads).toBe(1);
  });

  it('stays within the 8 threads tfjs allows', () => {
    expect(wasmThreads({ cores: 64, workersAtOnce: 1, isolated: true }).threads).toBe(8);
    expect(wasmThreads({ cores: 64, workersAtOnce: 4, isolated: true }).threads).toBe(8);
    expect(wasmThreads({ cores: 64, workersAtOnce: 1, isolated: true, asked: 20 }).threads).toBe(8);
  });

  it('gives the count asked for, within the cores', () => {
    expect(wasmThreads({ cores: 2, workersAtOnce: 1, isolated: true, asked: 2 })).toEqual({
      threads: 2,
      why: 'WASM runs on 2 threads, as asked (2 cores reported).',
    });
    expect(wasmThreads({ cores: 2, workersAtOnce: 1, isolated: true, asked: 6 }).threads).toBe(2);
    expect(wasmThreads({ cores: 6, workersAtOnce: 1, isolated: true, asked: 1 }).why).toBe(
      'WASM runs on one thread, as asked (6 cores reported).',
    );
  });

  it('runs one thread on a page that is not cross-origin isolated, whatever the cores or the request', () => {
    const alone = {
      threads: 1,
      why: 'WASM runs on one thread: the page is not cross-origin isolated, which WASM threads need.',
    };
    expect(wasmThreads({ cores: 16, workersAtOnce: 1, isolated: false })).toEqual(alone);
    expect(wasmThreads({ cores: 16, workersAtOnce: 1, isolated: false, asked: 4 })).toEqual(alone);
  });

  it('counts a missing or nonsense core, worker or asked count as 1', () => {
    expect(wasmThreads({ cores: undefined, workersAtOnce: 1, isolated: true }).threads).toBe(1);
    expect(wasmThreads({ cores: Number.NaN, workersAtOnce: 1, isolated: true }).threads).toBe(1);
    expect(wasmThreads({ cores: 0, workersAtOnce: 1, isolated: true }).threads).toBe(1);
    expect(wasmThreads({ cores: Number.POSITIVE_INFINITY, workersAtOnce: 1, isolated: true }).threads).toBe(
      1,
    );
    expect(wasmThreads({ cores: 5, workersAtOnce: 0, isolated: true }).threads).toBe(4);
    expect(wasmThreads({ cores: 5.7, workersAtOnce: 1.5, isolated: true }).threads).toBe(4);
    expect(wasmThreads({ cores: 4, workersAtOnce: 1, isolated: true, asked: Number.NaN }).threads).toBe(1);
  });
});
