import { describe, expect, it } from 'vitest';
import { DrawQueue } from './draw-queue';

/** A manual task loop: `post` queues, `runOne` runs the oldest task. */
function manualLoop() {
  const tasks: (() => void)[] = [];
  return {
    post: (run: () => void) => tasks.push(run),
    runOne: () => tasks.shift()?.(),
    get size() {
      return tasks.length;
    },
  };
}

describe('DrawQueue', () => {
  it('runs one draw per task, in order, coalescing repeated keys to their latest draw', () => {
    const loop = manualLoop();
    const queue = new DrawQueue(loop.post);
    const a = {};
    const b = {};
    const drawn: string[] = [];
    queue.schedule(a, () => drawn.push('a1'));
    queue.schedule(b, () => drawn.push('b1'));
    queue.schedule(a, () => drawn.push('a2'));
    expect(drawn).toEqual([]);
    expect(loop.size).toBe(1);
    loop.runOne();
    expect(drawn).toEqual(['a2']);
    loop.runOne();
    expect(drawn).toEqual(['a2', 'b1']);
    loop.runOne();
    expect(loop.size).toBe(0);
  });

  it('drops a cancelled draw', () => {
    const loop = manualLoop();
    const queue = new DrawQueue(loop.post);
    const a = {};
    const drawn: string[] = [];
    queue.schedule(a, () => drawn.push('a'));
    queue.cancel(a);
    while (loop.size) loop.runOne();
    expect(drawn).toEqual([]);
  });

  it('keeps drawing after a draw throws', () => {
    const loop = manualLoop();
    const queue = new DrawQueue(loop.post);
    const drawn: string[] = [];
    queue.schedule({}, () => {
      throw new Error('broken chart');
    });
    queue.schedule({}, () => drawn.push('next'));
    expect(() => loop.runOne()).toThrow('broken chart');
    loop.runOne();
    expect(drawn).toEqual(['next']);
  });
});
