/**
 * 2-D PCA of row-major embeddings by power iteration with deflation on the d × d covariance (d is small: the
 * penultimate layer). Deterministic: the start vectors are fixed, not random, so the same run draws the same map.
 */

/** Projects N × d `data` onto its top two principal components; returns N × 2 row-major coordinates. */
export function pca2d(data: Float32Array, n: number, d: number, iterations = 100): Float32Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += (data[i * d + j] as number) / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = (data[i * d + j] as number) - (mean[j] as number);
    for (let a = 0; a < d; a++) {
      const ra = row[a] as number;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += ra * (row[b] as number);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a] as number;
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    let v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = 1 / Math.sqrt(d + j + c); // fixed, not axis-aligned start
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += (cov[a * d + b] as number) * (v[b] as number);
        next[a] = s;
      }
      for (const prev of components) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += (next[j] as number) * (prev[j] as number);
        for (let j = 0; j < d; j++) next[j] = (next[j] as number) - dot * (prev[j] as number);
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += (next[j] as number) ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let j = 0; j < d; j++) next[j] = (next[j] as number) / norm;
      v = next;
    }
    // Fix the sign so the largest component is positive: stable maps across reruns.
    let big = 0;
    for (let j = 0; j < d; j++) if (Math.abs(v[j] as number) > Math.abs(v[big] as number)) big = j;
    if ((v[big] as number) < 0) for (let j = 0; j < d; j++) v[j] = -(v[j] as number);
    components.push(v);
  }
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 2; c++) {
      const comp = components[c] as Float64Array;
      let s = 0;
      for (let j = 0; j < d; j++)
        s += ((data[i * d + j] as number) - (mean[j] as number)) * (comp[j] as number);
      out[i * 2 + c] = s;
    }
  }
  return out;
}
