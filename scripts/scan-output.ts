/** What the headless scan writes: scores.csv, the unsigned manifest, and the summary it prints. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { crowdedTopNote, manifestCalibration } from '../workers/core/calibration/report';
import type { CalibrationReport } from '../workers/core/calibration/types';
import { CANARY_KIND_TEXT } from '../workers/core/canary/types';
import { pixelNames } from '../workers/core/ingest/images/dataset';
import { buildManifest, manifestModel } from '../workers/core/manifest/build';
import { canonicalJson } from '../workers/core/manifest/canonical';
import { unexplainedRows } from '../workers/core/scores/shared-groups';
import {
  FAMILY_NAMES,
  SCORE_NAMES,
  type ScoreSet,
  type SharedValueGroup,
} from '../workers/core/scores/types';
import type { TrainSettings } from '../workers/core/train/types';
import type { LoadedDataset } from './load-dataset';

/** Where the scan writes its lines: stdout and stderr by default; tests collect them. */
export interface ScanIo {
  log(line: string): void;
  error(line: string): void;
}

/** A CSV cell: quoted when it holds a delimiter, a quote or a line break (RFC 4180). */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Shortest text that reads back as the same float32. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : '';
}

/** scores.csv: one line per dataset row, in file order (images: path order), keyed by id (images: path). */
export function scoresCsv(
  ds: Pick<LoadedDataset, 'rows' | 'ids' | 'classes'>,
  set: ScoreSet,
  sampleRows: Int32Array,
): string {
  const at = new Int32Array(ds.rows).fill(-1);
  sampleRows.forEach((row, j) => {
    at[row] = j;
  });
  const lines = [['id', 'suspicion', ...SCORE_NAMES, 'label_issue', 'suggested_label'].join(',')];
  for (let row = 0; row < ds.rows; row++) {
    const j = at[row] ?? -1;
    const id = csvCell(ds.ids[row] ?? '');
    if (j < 0) {
      lines.push([id, ...new Array(SCORE_NAMES.length + 3).fill('')].join(','));
      continue;
    }
    const suggested = set.suggestedLabel[j] ?? -1;
    lines.push(
      [
        id,
        num(set.suspicion[j] ?? Number.NaN),
        ...SCORE_NAMES.map((name) => num(set.scores[name][j] ?? Number.NaN)),
        String(set.labelIssue[j]),
        suggested >= 0 ? csvCell(ds.classes[suggested] ?? '') : '',
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? '0.0.0';
}

/** Everything the files are made from. */
export interface ScanOutputs {
  dir: string;
  ds: LoadedDataset;
  set: ScoreSet;
  sampleRows: Int32Array;
  backend: string;
  settings: TrainSettings;
  crossVal: { folds: number; epochs: number };
  calibration: CalibrationReport | null;
}

/** Writes DIR/scores.csv and DIR/<name>.manifest.json; returns their paths. */
export function writeScanOutputs(o: ScanOutputs): string[] {
  const csvPath = join(o.dir, 'scores.csv');
  writeFileSync(csvPath, scoresCsv(o.ds, o.set, o.sampleRows));
  const name = o.ds.manifest.name;
  const manifest = buildManifest({
    createdAt: new Date(),
    tool: { name: 'sift', version: toolVersion(), backend: o.backend, tfjs: tf.version.tfjs },
    dataset: o.ds.manifest,
    ids: o.ds.ids,
    labels: o.ds.labels,
    rowSha256: o.ds.rowSha256,
    run: {
      id: 'headless-scan',
      model: manifestModel(o.settings),
      seed: o.settings.seed,
      epochs: o.settings.epochs,
      scoring: JSON.parse(JSON.stringify({ ...o.set.params, crossVal: o.crossVal })),
    },
    scores: { sampleRows: o.sampleRows, values: { suspicion: o.set.suspicion, ...o.set.scores } },
    decisions: new Map(),
    ...(o.calibration ? { calibration: manifestCalibration(o.calibration) } : {}),
  });
  const manifestPath = join(o.dir, `${name}.manifest.json`);
  writeFileSync(manifestPath, canonicalJson(manifest));
  return [csvPath, manifestPath];
}

/** Flag counts and the ten most suspicious rows, with the score (and kind) that put each there. */
export function printSummary(io: ScanIo, ds: LoadedDataset, set: ScoreSet, sampleRows: Int32Array): void {
  const flagged = FAMILY_NAMES.map((f) => `${f} ${set.flags[f].reduce((a, v) => a + v, 0)}`).join(', ');
  const issues = set.labelIssue.reduce((a, v) => a + v, 0);
  io.log(
    `flagged (top ${(100 * set.params.suspicion.q).toFixed(1)}% per family): ${flagged}; label issues ${issues}`,
  );
  const at = (j: number) => set.suspicion[j] ?? Number.NaN;
  const order = Array.from(set.suspicion.keys()).sort((a, b) => at(b) - at(a) || a - b);
  io.log('top 10 suspects:');
  io.log(
    `  ${'id'.padEnd(20)} ${'label'.padEnd(10)} ${'suggested'.padEnd(10)} suspicion  families  because of`,
  );
  for (const j of order.slice(0, 10)) {
    const row = sampleRows[j] ?? -1;
    const suggested = set.suggestedLabel[j] ?? -1;
    const fams = FAMILY_NAMES.filter((f) => set.flags[f][j]).join(' ');
    const score = set.explanation ? (SCORE_NAMES[set.explanation.score[j] ?? -1] ?? '') : '';
    const label = ds.classes[ds.labels[row] ?? -1] ?? '';
    const suggestedText = suggested >= 0 ? (ds.classes[suggested] ?? '') : '';
    io.log(
      `  ${(ds.ids[row] ?? '').padEnd(20)} ${label.padEnd(10)} ${suggestedText.padEnd(10)} ${at(j).toFixed(4).padStart(9)}  ${fams.padEnd(8)}  ${score}`,
    );
  }
  const names = ds.csv?.featureNames ?? (ds.images ? pixelNames(ds.images.shape) : []);
  for (const line of groupLines(set.groups ?? [], ds.classes, names, ds.kind === 'images')) io.log(line);
}

/**
 * One line per lifted group of shared values (at most `limit`, largest first): rows that share the same values in
 * several columns, nearly all of one label, while their nearest rows outside the group carry another.
 */
export function groupLines(
  groups: readonly SharedValueGroup[],
  classes: readonly string[],
  featureNames: readonly string[],
  pixels = false,
  limit = 5,
): string[] {
  if (groups.length === 0) return [];
  const lines = groups.slice(0, limit).map((g) => {
    const names = g.columns.slice(0, 4).map((c) => featureNames[c] ?? `feature ${c + 1}`);
    const more = g.columns.length > 4 ? `; ${g.columns.length - 4} more` : '';
    return `  ${g.rows.length} rows (${g.labelled} labelled ${classes[g.label] ?? g.label}) share values in ${g.columns.length} ${pixels ? 'pixel' : 'column'}${g.columns.length === 1 ? '' : 's'} (${pixels ? 'y,x: ' : ''}${names.join('; ')}${more}); ${unexplainedRows(g)} of ${g.checked} checked have nearest rows of another label`;
  });
  const rest = groups.length - lines.length;
  return [
    `groups of shared values lifted to the top: ${groups.length}`,
    ...lines,
    ...(rest > 0 ? [`  and ${rest} more`] : []),
  ];
}

/** The calibration card in text: the sentence, then per kind what finds it and how many rows look like it. */
export function printCalibration(io: ScanIo, report: CalibrationReport): void {
  io.log(report.sentence);
  io.log(`  ${'canary kind'.padEnd(36)} found in top 1% / 5%   AUROC    AP  carried by  rows like it`);
  for (const k of report.kinds) {
    const f = k.fused;
    io.log(
      `  ${CANARY_KIND_TEXT[k.kind].padEnd(36)} ${`${Math.round(100 * f.recallAt1)}%`.padStart(8)} / ${`${Math.round(100 * f.recallAt5)}%`.padEnd(6)} ${f.auroc.toFixed(3).padStart(7)} ${f.ap.toFixed(3).padStart(5)}  ${k.carriedBy.padEnd(10)}  ${k.estimatedRows}`,
    );
  }
  // The card's note when real poison fills the top 1% or 5%, so the shares above read low (calibration/report.ts).
  const crowded = crowdedTopNote(report.estimate);
  if (crowded) io.log(`  ${crowded}`);
  io.log(
    `estimated poisoned rows: ${report.estimate.rows} (${(100 * report.estimate.fraction).toFixed(1)}%); the flag budget and the default "select top N"`,
  );
}
