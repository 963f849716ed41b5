/**
 * Recomputes the shared-values column of a dumped calibration run (dump.ts) with the code as it is now, and the
 * analyst rows' uncalibrated suspicion (the fusion's backbone) that reads it, so that a change of shared values can
 * be compared offline with refuse.ts on the same trained run. The canaries are injected again with the scan's
 * defaults (the injection is seeded and reads only the rows), and must match the dump's row count.
 *
 *   npx tsx bench/detect/reshare.ts <file.csv|zip> <dump.csv> <out.csv>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadDataset } from '../../scripts/load-dataset';
import { canaryImage } from '../../workers/core/calibration/calibrate';
import { injectCanaries } from '../../workers/core/canary/inject';
import { resolveScoreParams } from '../../workers/core/scores/defaults';
import { sharedValuesWithCanaries } from '../../workers/core/scores/shared-values';
import { suspicionFromScores } from '../../workers/core/scores/suspicion';
import { SCORE_NAMES, type ScoreName } from '../../workers/core/scores/types';
import { DEFAULT_TRAIN_SETTINGS } from '../../workers/core/train/defaults';

async function main(): Promise<void> {
  const [file, dump, out] = process.argv.slice(2);
  if (!file || !dump || !out)
    throw new Error('usage: tsx bench/detect/reshare.ts <data> <dump.csv> <out.csv>');
  const loaded = await loadDataset(file, { label: null, id: null });
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  const data = loaded.dataset.training;
  const n = data.labels.length;
  const injection = injectCanaries(data, { image: canaryImage(data) });
  const lines = readFileSync(dump, 'utf8').trimEnd().split('\n');
  const header = (lines[0] as string).split(',');
  if (lines.length - 1 !== injection.labels.length)
    throw new Error(`${dump}: ${lines.length - 1} rows, the injection made ${injection.labels.length}`);
  const grouped = new Uint8Array(n);
  const t0 = performance.now();
  const shared = sharedValuesWithCanaries(
    injection.features,
    data.featureCount,
    n,
    injection.kind,
    injection.labels,
    undefined,
    grouped,
  );
  const ms = performance.now() - t0;
  const cells = lines.slice(1).map((l) => l.split(','));
  const col = (name: string) => header.indexOf(name);
  const scores = {} as Record<ScoreName, Float32Array>;
  for (const s of SCORE_NAMES) {
    const j = col(s);
    scores[s] = Float32Array.from({ length: n }, (_, i) =>
      s === 'sharedValues' ? (shared[i] as number) : Number((cells[i] as string[])[j]),
    );
  }
  const params = resolveScoreParams({ seed: DEFAULT_TRAIN_SETTINGS.seed, knn: { mode: 'auto' } });
  const own = suspicionFromScores(scores, n, params.suspicion, injection.labels).suspicion;
  const sv = col('sharedValues');
  const bb = col('backbone');
  let changed = 0;
  cells.forEach((c, i) => {
    const v = String(shared[i]);
    if (c[sv] !== v) changed++;
    c[sv] = v;
    if (i < n) c[bb] = String(own[i]);
  });
  // Dumps made before dump.ts wrote them lack the grouped rows and the labels: both are added (or redone) here.
  const redone = ['grouped', 'label'].map((name) => header.indexOf(name));
  const body = cells.map((c, i) => {
    const row = c.filter((_, j) => !redone.includes(j));
    return [...row, String(i < n ? grouped[i] : 0), String(injection.labels[i])].join(',');
  });
  const kept = header.filter((_, j) => !redone.includes(j));
  writeFileSync(out, `${[[...kept, 'grouped', 'label'].join(','), ...body].join('\n')}\n`);
  console.log(
    `wrote ${out}: ${changed} shared values changed of ${cells.length}, ${ms.toFixed(0)} ms, ${grouped.reduce((t, v) => t + v, 0)} rows grouped`,
  );
}

await main();
