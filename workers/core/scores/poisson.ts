/**
 * The Poisson upper tail that shared values' chance rule asks (shared-values.ts): how often so many rows would share a
 * value by chance, given how many share its neighbouring values.
 */

/** ln k!: exact up to 30, Stirling's series above (error under 1e-10). */
function logFactorial(k: number): number {
  if (k < 30) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k) - 1 / (360 * k ** 3);
}

/** P(X ≥ c) for X ~ Poisson(mean): the terms from c up, summed until they no longer count. */
export function poissonTail(c: number, mean: number): number {
  if (c <= 0) return 1;
  let log = -mean + c * Math.log(mean) - logFactorial(c);
  let sum = 0;
  for (let k = c; k < c + 10_000; k++) {
    const term = Math.exp(log);
    sum += term;
    if (k > mean && term < 1e-16 * sum) break;
    log += Math.log(mean) - Math.log(k + 1);
  }
  return Math.min(1, sum);
}

/**
 * poissonTail(c, mean) for a count and a median of counts (a whole or half number), remembered in `tails`: the
 * columns of one table ask the same few pairs again and again.
 */
export function tailOf(tails: Map<number, number>, c: number, mean: number): number {
  if (c >= 2 ** 26 || mean >= 2 ** 25 || !Number.isInteger(2 * mean)) return poissonTail(c, mean);
  const key = c * 2 ** 26 + 2 * mean;
  let p = tails.get(key);
  if (p === undefined) {
    p = poissonTail(c, mean);
    tails.set(key, p);
  }
  return p;
}
