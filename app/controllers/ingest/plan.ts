/** Pure edits of a column plan, so the import form cannot produce a column with two roles. */
import type { ColumnPlan, IngestLimits } from '../../../workers/core/ingest/types';

export type ColumnRole = 'label' | 'id' | 'excluded' | 'one-hot' | 'feature';

/** The role a column plays under `plan`. */
export function roleOf(plan: ColumnPlan, column: string): ColumnRole {
  if (column === plan.labelColumn) return 'label';
  if (column === plan.idColumn) return 'id';
  if (plan.excluded.includes(column)) return 'excluded';
  if (plan.oneHot.includes(column)) return 'one-hot';
  return 'feature';
}

function without(list: string[], column: string): string[] {
  return list.filter((c) => c !== column);
}

/** Makes `column` the label; it stops being the id, excluded or one-hot. */
export function withLabel(plan: ColumnPlan, column: string): ColumnPlan {
  return {
    ...plan,
    labelColumn: column,
    idColumn: plan.idColumn === column ? null : plan.idColumn,
    excluded: without(plan.excluded, column),
    oneHot: without(plan.oneHot, column),
  };
}

/** Makes `column` the id column (null: ids are `row-<n>`); it stops being excluded or one-hot. */
export function withId(plan: ColumnPlan, column: string | null): ColumnPlan {
  if (column === null) return { ...plan, idColumn: null };
  if (column === plan.labelColumn) return plan;
  return {
    ...plan,
    idColumn: column,
    excluded: without(plan.excluded, column),
    oneHot: without(plan.oneHot, column),
  };
}

/** Excludes or includes a feature column; an excluded column is not one-hot encoded. */
export function withExcluded(plan: ColumnPlan, column: string, excluded: boolean): ColumnPlan {
  const role = roleOf(plan, column);
  if (role === 'label' || role === 'id') return plan;
  return excluded
    ? { ...plan, excluded: [...without(plan.excluded, column), column], oneHot: without(plan.oneHot, column) }
    : { ...plan, excluded: without(plan.excluded, column) };
}

/** Turns one-hot encoding of a (non-numeric) feature column on or off. */
export function withOneHot(plan: ColumnPlan, column: string, oneHot: boolean): ColumnPlan {
  const role = roleOf(plan, column);
  if (role === 'label' || role === 'id' || role === 'excluded') return plan;
  return {
    ...plan,
    oneHot: oneHot ? [...without(plan.oneHot, column), column] : without(plan.oneHot, column),
  };
}

/** How many columns will become features (a one-hot column counts once here: its width is known after import). */
export function featureColumnCount(header: string[], plan: ColumnPlan): number {
  return header.filter((column) => roleOf(plan, column) === 'feature' || roleOf(plan, column) === 'one-hot')
    .length;
}

/**
 * Whether the form should draw a control per column. Over the column limit the file cannot be imported anyway,
 * and tens of thousands of <option>s and rows froze the tab for seconds (a hostile 20,000-column file).
 */
export function showColumnControls(header: string[], limits: IngestLimits): boolean {
  return header.length <= limits.maxColumns;
}
