/**
 * Spreads chart redraws over separate tasks. A progress message can change several charts at once; drawing them all
 * in the task that handled the message makes one long task (measured: five SVG charts, 50-70 ms on a loaded 2-core
 * machine), while one chart per task keeps each well under the 50 ms long-task line and lets input in between.
 * A chart queued again before it drew is drawn once, with its latest data.
 */

type Draw = () => void;

/** A queue of redraws keyed by chart; `schedule` coalesces per key, each draw runs in its own macrotask. */
export class DrawQueue {
  private readonly pending = new Map<object, Draw>();
  private scheduled = false;

  /** `post` runs a callback in a later macrotask (a MessageChannel by default: no 4 ms timer clamp). */
  constructor(private readonly post: (run: () => void) => void = postTask) {}

  /** Queues `draw` for `key`, replacing a draw of the same key that has not run yet. */
  schedule(key: object, draw: Draw): void {
    this.pending.set(key, draw);
    this.kick();
  }

  /** Drops a queued draw (the chart went away). */
  cancel(key: object): void {
    this.pending.delete(key);
  }

  private kick(): void {
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    this.post(() => {
      this.scheduled = false;
      const next = this.pending.entries().next();
      try {
        if (!next.done) {
          const [key, draw] = next.value;
          this.pending.delete(key);
          draw();
        }
      } finally {
        // A draw that throws (reported as an uncaught error) must not stop the other charts.
        this.kick();
      }
    });
  }
}

const channel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
const callbacks: (() => void)[] = [];
if (channel) {
  channel.port1.onmessage = () => callbacks.shift()?.();
}

function postTask(run: () => void): void {
  if (!channel) {
    setTimeout(run, 0);
    return;
  }
  callbacks.push(run);
  channel.port2.postMessage(null);
}

/** The app's one queue for chart redraws. */
export const chartDraws = new DrawQueue();
