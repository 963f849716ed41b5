/**
 * Fuses a dumped calibration run again (bench/detect/dump.ts's CSV) with the current fusion and writes the analyst
 * rows' fused suspicion, one value a line, so that a change to the fusion can be measured without retraining:
 *
 *   [FUSION='{"reach": 0.05}'] [BACKBONE=recompute] npx tsx bench/detect/refuse.ts <dump.csv> <out.txt>
 *
 * BACKBONE=recompute: the uncalibrated suspicion is computed again from the dumped scores with the current rule (the
 * analyst rows among themselves, every row of the run for the canaries) instead of read from the dump, so that a change
 * to the uncalibrated rule (suspicion.ts) is measured on the calibrated ranking too.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type FusionInput, fuse } from '../../workers/core/calibration/fuse';
import { estimatePoisoned } from '../../workers/core/calibration/presence';
import type { FusionSettings } from '../../workers/core/calibration/types';
import { resolveScoreParams } from '../../workers/core/scores/defaults';
import { suspicionFromScores } from '../../workers/core/scores/suspicion';
import { SCORE_NAMES, type ScoreName } from '../../workers/core/scores/types';

const [file, out] = process.argv.slice(2);
if (!file || !out) throw new Error('usage: tsx bench/detect/refuse.ts <dump.csv> <out.txt>');
const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
const header = lines[0].split(',');
const rows = lines.slice(1).map((l) => l.split(',').map(Number));
const col = (name: string) => Float32Array.from(rows, (r) => r[header.indexOf(name)]);
const role = col('role');
const n = role.findIndex((r) => r >= 0) < 0 ? rows.length : role.findIndex((r) => r >= 0);
const scores = Object.fromEntries(SCORE_NAMES.map((s) => [s, col(s)])) as Record<ScoreName, Float32Array>;
/** The uncalibrated suspicion as calibrate.ts makes it: the run's for every row, the analyst rows' among themselves. */
function recomputedBackbone(): Float32Array {
  const params = resolveScoreParams({}).suspicion;
  // A dump writes the analyst rows' labels only (-1 for the appended rows): the run's labels of those are not known.
  const labels = header.includes('label') ? Int32Array.from(col('label')) : undefined;
  const all = suspicionFromScores(scores, rows.length, params, labels).suspicion;
  const head = Object.fromEntries(SCORE_NAMES.map((s) => [s, scores[s].subarray(0, n)])) as typeof scores;
  all.set(suspicionFromScores(head, n, params, labels?.subarray(0, n)).suspicion);
  return all;
}
const input: FusionInput = {
  scores,
  rows: n,
  kind: Uint8Array.from(col('kind').subarray(n)),
  role: Uint8Array.from(role.subarray(n)),
  backbone: process.env.BACKBONE === 'recompute' ? recomputedBackbone() : col('backbone'),
  // Dumps made before the column existed explain no row.
  ...(header.includes('explained') ? { explained: Uint8Array.from(col('explained').subarray(0, n)) } : {}),
  ...(header.includes('grouped') ? { grouped: Uint8Array.from(col('grouped').subarray(0, n)) } : {}),
  ...(header.includes('label') ? { labels: Int32Array.from(col('label').subarray(0, n)) } : {}),
  ...(header.includes('pixelNeighbours') ? { pixelNeighbours: col('pixelNeighbours') } : {}),
};
// FUSION='{"reach": 0.05}' fuses with other settings (DEFAULT_FUSION's fields), to compare them on one dump.
const result = fuse(input, JSON.parse(process.env.FUSION ?? '{}') as Partial<FusionSettings>);
writeFileSync(out, `${Array.from(result.suspicion.subarray(0, n), String).join('\n')}\n`);
console.log(
  JSON.stringify(
    result.model.detectors.map((d) => [
      d.kind,
      d.score,
      d.presentRows,
      d.canaryPrecision,
      d.canaryReach,
      d.learned,
    ]),
  ),
);
console.log(JSON.stringify(result.model.clusters));
console.log(`estimate ${estimatePoisoned(result, n)}`);
