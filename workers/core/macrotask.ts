/**
 * One macrotask turn, so messages waiting for the worker (pause, cancel) are handled. A MessageChannel round trip,
 * not setTimeout(0): browsers clamp nested timeouts to ≥ 4 ms, which would cost a third of the time at a 10 ms
 * yield interval. Posted messages share one task queue, so a cancel that arrived earlier runs first.
 */
export function macrotask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
