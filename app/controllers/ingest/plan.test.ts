import { describe, expect, it } from 'vitest';
import type { ColumnPlan } from '../../../workers/core/ingest/types';
import { DEFAULT_LIMITS } from '../../../workers/core/ingest/types';
import {
  featureColumnCount,
  roleOf,
  showColumnControls,
  withExcluded,
  withId,
  withLabel,
  withOneHot,
} from './plan';

const header = ['id', 'label', 'a', 'b', 'colour'];
const plan: ColumnPlan = {
  labelColumn: 'label',
  idColumn: 'id',
  excluded: [],
  oneHot: [],
  missing: 'drop-row',
};

describe('column plan edits', () => {
  it('gives every column exactly one role', () => {
    expect(header.map((c) => roleOf(plan, c))).toEqual(['id', 'label', 'feature', 'feature', 'feature']);
  });

  it('making the id column the label clears the id', () => {
    const next = withLabel(plan, 'id');
    expect(next.labelColumn).toBe('id');
    expect(next.idColumn).toBeNull();
  });

  it('a new label stops being excluded or one-hot', () => {
    const edited = withOneHot(withExcluded(plan, 'a', true), 'colour', true);
    expect(withLabel(edited, 'a').excluded).toEqual([]);
    expect(withLabel(edited, 'colour').oneHot).toEqual([]);
  });

  it('refuses to make the label the id, and to exclude label or id', () => {
    expect(withId(plan, 'label')).toBe(plan);
    expect(withExcluded(plan, 'label', true)).toBe(plan);
    expect(withExcluded(plan, 'id', true)).toBe(plan);
  });

  it('excluding a one-hot column drops the one-hot choice, and an excluded column cannot be one-hot', () => {
    const oneHot = withOneHot(plan, 'colour', true);
    const excluded = withExcluded(oneHot, 'colour', true);
    expect(excluded.oneHot).toEqual([]);
    expect(excluded.excluded).toEqual(['colour']);
    expect(withOneHot(excluded, 'colour', true)).toBe(excluded);
  });

  it('toggling twice does not duplicate entries', () => {
    const twice = withExcluded(withExcluded(plan, 'a', true), 'a', true);
    expect(twice.excluded).toEqual(['a']);
    expect(withExcluded(twice, 'a', false).excluded).toEqual([]);
  });

  it('counts feature columns, one-hot included', () => {
    expect(featureColumnCount(header, plan)).toBe(3);
    expect(featureColumnCount(header, withExcluded(plan, 'a', true))).toBe(2);
    expect(featureColumnCount(header, withOneHot(plan, 'colour', true))).toBe(3);
    expect(featureColumnCount(header, withId(plan, null))).toBe(4);
  });
});

describe('showColumnControls', () => {
  it('draws per-column controls up to the column limit, never past it', () => {
    const limits = { ...DEFAULT_LIMITS, maxColumns: 5 };
    expect(showColumnControls(header, limits)).toBe(true);
    expect(showColumnControls([...header, 'extra'], limits)).toBe(false);
  });
});
