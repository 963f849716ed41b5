/** Column roles: what the preview proposes, and the checks of a plan against a header. */
import { duplicateColumn, noFeatures, noLabelColumn, tooManyColumns, unknownColumn } from './problems';
import type { ColumnPlan, IngestLimits, MissingValuePolicy, Problem } from './types';

/** Label column names, case-insensitive and trimmed, in order of preference. */
export const LABEL_NAMES: readonly string[] = ['label', 'labels', 'class', 'target', 'y'];

/** Id column names, case-insensitive and trimmed, in order of preference (then names ending in `_id`). */
export const ID_NAMES: readonly string[] = [
  'id',
  'sample_id',
  'sampleid',
  'uid',
  'uuid',
  'guid',
  'row_id',
  'record_id',
  'image_id',
  'filename',
  'file_name',
  'key',
  'name',
];

/**
 * The default for missing feature values: imputing keeps every row of the file in the dataset (and so in the
 * manifest), where dropping would silently shrink what the analyst reviews; the import form offers both.
 */
export const DEFAULT_MISSING: MissingValuePolicy = 'impute-median';

const normal = (name: string): string => name.trim().toLowerCase();

/** What the preview proposes, and whether the label was a guess (no column had a label-like name). */
export interface SuggestedPlan {
  plan: ColumnPlan;
  labelGuessed: boolean;
}

/**
 * Proposes column roles from the header names alone (so the proposal is predictable; the preview then shows
 * what the head's rows say about it, e.g. a duplicate id):
 * - label: the first column named like `LABEL_NAMES` (preferring earlier names); else the last named column that
 *   is not the id (UCI-style files put the class last), flagged as a guess;
 * - id: the first column named like `ID_NAMES` (preferring earlier names), else one ending in `_id` or `-id`;
 *   none → ids are `row-<n>`;
 * - excluded: unnamed columns (a pandas index written by `to_csv()` has an empty header cell);
 * - no one-hot: a text column stays a feature, so the import refuses it until the analyst excludes or encodes it.
 */
export function suggestPlan(header: string[]): SuggestedPlan {
  const names = header.map(normal);
  let idIndex = -1;
  for (const candidate of ID_NAMES) {
    idIndex = names.indexOf(candidate);
    if (idIndex >= 0) break;
  }
  if (idIndex < 0) idIndex = names.findIndex((n) => n.endsWith('_id') || n.endsWith('-id'));
  if (idIndex >= 0 && LABEL_NAMES.includes(names[idIndex])) idIndex = -1;
  let labelIndex = -1;
  for (const candidate of LABEL_NAMES) {
    labelIndex = names.indexOf(candidate);
    if (labelIndex >= 0) break;
  }
  let labelGuessed = false;
  if (labelIndex < 0) {
    labelGuessed = header.length > 0;
    for (let k = header.length - 1; k >= 0; k--) {
      if (k !== idIndex && names[k] !== '') {
        labelIndex = k;
        break;
      }
    }
    if (labelIndex < 0) labelIndex = header.length - 1;
  }
  const excluded = header.filter((_, k) => names[k] === '' && k !== labelIndex && k !== idIndex);
  return {
    plan: {
      labelColumn: labelIndex >= 0 ? header[labelIndex] : '',
      idColumn: idIndex >= 0 ? header[idIndex] : null,
      excluded: [...new Set(excluded)],
      oneHot: [],
      missing: DEFAULT_MISSING,
    },
    labelGuessed,
  };
}

/** Role codes per column, as `resolveRoles` assigns them. */
export const ROLE_FEATURE = 0;
export const ROLE_ONE_HOT = 1;
/** Label, id or excluded: not a feature (label and id are read by index). */
export const ROLE_SKIP = 2;

/** Where each plan role sits in the header. */
export interface ResolvedRoles {
  labelIndex: number;
  idIndex: number;
  /** Per column: ROLE_FEATURE, ROLE_ONE_HOT or ROLE_SKIP. */
  roles: Int8Array;
}

/**
 * Resolves a plan against a header. Precedence when a column is named twice: label, then id, then excluded,
 * then one-hot. Unknown names resolve to -1 / nothing; `checkPlan` reports them.
 */
export function resolveRoles(header: string[], plan: ColumnPlan): ResolvedRoles {
  const labelIndex = header.indexOf(plan.labelColumn);
  const idIndex = plan.idColumn === null ? -1 : header.indexOf(plan.idColumn);
  const excluded = new Set(plan.excluded);
  const oneHot = new Set(plan.oneHot);
  const roles = new Int8Array(header.length);
  header.forEach((name, k) => {
    if (k === labelIndex || k === idIndex || excluded.has(name)) roles[k] = ROLE_SKIP;
    else if (oneHot.has(name)) roles[k] = ROLE_ONE_HOT;
    else roles[k] = ROLE_FEATURE;
  });
  return { labelIndex, idIndex, roles };
}

/**
 * The errors a header and a plan show before any row is read: duplicate names, too many columns, a label, id,
 * excluded or one-hot column the header lacks, no feature left.
 */
export function checkPlan(
  file: string,
  header: string[],
  headerLine: number,
  plan: ColumnPlan,
  limits: IngestLimits,
): Problem[] {
  const problems: Problem[] = [];
  const firstAt = new Map<string, number>();
  const reported = new Set<string>();
  header.forEach((name, k) => {
    const first = firstAt.get(name);
    if (first === undefined) firstAt.set(name, k);
    else if (!reported.has(name)) {
      reported.add(name);
      problems.push(duplicateColumn(file, headerLine, name, first + 1, k + 1));
    }
  });
  if (header.length > limits.maxColumns) {
    problems.push(tooManyColumns(file, headerLine, header.length, limits.maxColumns));
  }
  if (!firstAt.has(plan.labelColumn)) problems.push(noLabelColumn(file, plan.labelColumn, false));
  if (plan.idColumn !== null && !firstAt.has(plan.idColumn)) {
    problems.push(unknownColumn(file, plan.idColumn, 'id'));
  }
  for (const name of plan.excluded)
    if (!firstAt.has(name)) problems.push(unknownColumn(file, name, 'excluded'));
  for (const name of plan.oneHot) if (!firstAt.has(name)) problems.push(unknownColumn(file, name, 'one-hot'));
  if (!resolveRoles(header, plan).roles.some((r) => r !== ROLE_SKIP)) {
    problems.push(noFeatures(file));
  }
  return problems;
}
