/** Builds a manifest (DESIGN §5) from a stored dataset's per-row arrays, a score set and the review decisions. */

import type { TrainSettings } from '../train/types';
import { rowDigestHex } from './hash';
import {
  type Decision,
  type JsonValue,
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestImages,
  type ManifestSample,
  type ManifestTool,
} from './types';

/** A review decision on one row, as the decisions store holds it. */
export interface RowDecision {
  decision: Decision;
  reasons: string[];
  note: string;
}

/** Per-sample scores of a run: `values[name][j]` belongs to dataset row `sampleRows[j]`. */
export interface ManifestScores {
  sampleRows: Int32Array;
  values: Record<string, Float32Array>;
}

export interface ManifestInput {
  /** Written as ISO 8601 UTC. */
  createdAt: Date;
  tool: ManifestTool;
  /** A CSV dataset gives `headerSha256`; an image dataset gives `images` (and file digests as `rowSha256`). */
  dataset: {
    name: string;
    sha256: string;
    labelColumn: string;
    idColumn: string | null;
    headerSha256?: string;
    images?: ManifestImages;
    classes: string[];
  };
  /** One id per row. */
  ids: readonly string[];
  /** Class code per row. */
  labels: Int32Array;
  /** rows × 32 digest bytes. */
  rowSha256: Uint8Array;
  run: Manifest['run'];
  scores: ManifestScores | null;
  /** Rows without an entry are kept with no reason. */
  decisions: ReadonlyMap<number, RowDecision>;
  /** Significant digits scores are rounded to (default 6: float32 carries about 7). */
  scoreDigits?: number;
  /** The calibration record (Manifest.calibration); absent for an uncalibrated suspicion. */
  calibration?: JsonValue;
}

/**
 * The manifest's `run.model`: what was trained and how (batch size and learning rate depend on the dataset's size,
 * so a reader cannot assume the defaults). The app's export and the headless scan both write this.
 */
export function manifestModel(settings: TrainSettings): JsonValue {
  return {
    kind: settings.model,
    hidden: [...settings.hidden],
    optimizer: settings.optimizer,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
  };
}

/** Rounds to `digits` significant digits; non-finite values become null (JSON has no NaN). */
export function roundScore(value: number, digits: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Number(value.toPrecision(digits));
}

/** Builds an unsigned manifest; throws when the arrays disagree in length or a decision names a missing row. */
export function buildManifest(input: ManifestInput): Manifest {
  const rows = input.ids.length;
  if (input.labels.length !== rows || input.rowSha256.length !== rows * 32) {
    throw new Error(
      `buildManifest: ${rows} ids, ${input.labels.length} labels, ${input.rowSha256.length / 32} row digests.`,
    );
  }
  for (const row of input.decisions.keys()) {
    if (!Number.isInteger(row) || row < 0 || row >= rows) {
      throw new Error(`buildManifest: a decision names row ${row}; the dataset has rows 0..${rows - 1}.`);
    }
  }
  const digits = input.scoreDigits ?? 6;
  // Where each row's scores sit, -1 for unscored rows (validation rows).
  const scoreIndex = new Int32Array(rows).fill(-1);
  const scoreNames = input.scores ? Object.keys(input.scores.values).sort() : [];
  if (input.scores) {
    const { sampleRows } = input.scores;
    for (let j = 0; j < sampleRows.length; j++) {
      const row = sampleRows[j] as number;
      if (row < 0 || row >= rows) throw new Error(`buildManifest: scored row ${row} is outside the dataset.`);
      scoreIndex[row] = j;
    }
  }
  const samples: ManifestSample[] = new Array(rows);
  let quarantined = 0;
  for (let row = 0; row < rows; row++) {
    const decided = input.decisions.get(row);
    const decision = decided?.decision ?? 'keep';
    if (decision === 'quarantine') quarantined++;
    const scores: Record<string, number | null> = {};
    const j = scoreIndex[row] as number;
    if (j >= 0 && input.scores) {
      for (const name of scoreNames) {
        scores[name] = roundScore((input.scores.values[name] as Float32Array)[j] as number, digits);
      }
    }
    const code = input.labels[row] as number;
    samples[row] = {
      id: input.ids[row] as string,
      row,
      sha256: rowDigestHex(input.rowSha256, row),
      label: input.dataset.classes[code] ?? String(code),
      decision,
      reasons: decided ? [...decided.reasons] : [],
      scores,
      note: decided?.note ?? '',
    };
  }
  const { classes: _classes, ...dataset } = input.dataset;
  return {
    format: MANIFEST_FORMAT,
    createdAt: input.createdAt.toISOString(),
    tool: { ...input.tool },
    dataset: { ...dataset, rows },
    run: input.run,
    summary: { kept: rows - quarantined, quarantined },
    samples,
    ...(input.calibration === undefined ? {} : { calibration: input.calibration }),
  };
}

/** The manifest without its signature block: what the signature covers. */
export function unsignedPart(manifest: Manifest): Omit<Manifest, 'signature'> {
  const { signature: _signature, ...rest } = manifest;
  return rest;
}

/** Leaf paths of a JSON value outside `samples`, plus one entry per sample: the units a locator digests. */
export function locatorUnits(manifest: Omit<Manifest, 'signature'>): Array<[string, JsonValue]> {
  const units: Array<[string, JsonValue]> = [];
  const walk = (value: JsonValue, path: string) => {
    if (value !== null && typeof value === 'object') {
      const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value).sort();
      if (keys.length === 0) units.push([path, value]);
      for (const key of keys) {
        const child = (value as Record<string | number, JsonValue>)[key] as JsonValue;
        walk(child, typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`);
      }
      return;
    }
    units.push([path, value]);
  };
  for (const key of Object.keys(manifest).sort()) {
    const value = (manifest as unknown as Record<string, JsonValue>)[key] as JsonValue;
    if (key === 'samples' && Array.isArray(value)) {
      value.forEach((sample, i) => {
        units.push([`samples[${i}]`, sample]);
      });
    } else {
      walk(value, key);
    }
  }
  return units;
}
