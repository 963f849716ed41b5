/**
 * Fuses a dumped calibration run again (bench/detect/dump.ts's CSV) with the current fusion and writes the analyst
 * rows' fused suspicion, one value a line, so that a change to the fusion can be measured without retraining:
 *
 *   [FUSION='{"reach": 0.05}'] npx tsx bench/detect/refuse.ts <dump.csv> <out.txt>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type FusionInput, fuse } from '../../workers/core/calibration/fuse';
import type { FusionSettings } from '../../workers/core/calibration/types';
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
const input: FusionInput = {
  scores,
  rows: n,
  kind: Uint8Array.from(col('kind').subarray(n)),
  role: Uint8Array.from(role.subarray(n)),
  backbone: col('backbone'),
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
