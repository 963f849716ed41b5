/** The proposed column roles, their resolution against a header and the plan checks, called directly. */
import { describe, expect, it } from 'vitest';
import { checkPlan, ROLE_FEATURE, ROLE_ONE_HOT, ROLE_SKIP, resolveRoles, suggestPlan } from './columns';
import type { ColumnPlan } from './types';
import { DEFAULT_LIMITS } from './types';

const plan = (fields: Partial<ColumnPlan>): ColumnPlan => ({
  labelColumn: 'label',
  idColumn: null,
  excluded: [],
  oneHot: [],
  missing: 'impute-median',
  ...fields,
});

describe('suggestPlan', () => {
  it('takes the earliest id name of the list, wherever it sits, and names ending in _id or -id', () => {
    expect(suggestPlan(['name', 'id', 'label']).plan.idColumn).toBe('id');
    expect(suggestPlan(['id', 'key', 'label']).plan.idColumn).toBe('id');
    expect(suggestPlan(['key', 'uid', 'label']).plan.idColumn).toBe('uid');
    expect(suggestPlan(['a', 'User_ID', 'label']).plan.idColumn).toBe('User_ID');
    expect(suggestPlan(['a', ' Row-Id ', 'label']).plan.idColumn).toBe(' Row-Id ');
    expect(suggestPlan(['a', 'b', 'label']).plan.idColumn).toBeNull();
    expect(suggestPlan(['idx', 'identity', 'label']).plan.idColumn).toBeNull();
  });

  it('takes the earliest label name of the list, trimmed and in any case, and keeps the header text', () => {
    expect(suggestPlan(['y', 'target', 'x'])).toEqual({
      plan: { labelColumn: 'target', idColumn: null, excluded: [], oneHot: [], missing: 'impute-median' },
      labelGuessed: false,
    });
    expect(suggestPlan(['Labels', 'class']).plan.labelColumn).toBe('Labels');
    expect(suggestPlan(['label', ' LABEL ']).plan.labelColumn).toBe('label');
    expect(suggestPlan(['a', ' Label ']).plan.labelColumn).toBe(' Label ');
  });

  it('with no label name, guesses the last named column that is not the id', () => {
    expect(suggestPlan(['a', 'b', 'id'])).toEqual({
      plan: { labelColumn: 'b', idColumn: 'id', excluded: [], oneHot: [], missing: 'impute-median' },
      labelGuessed: true,
    });
    expect(suggestPlan(['a', 'b', '']).plan).toMatchObject({ labelColumn: 'b', excluded: [''] });
    expect(suggestPlan(['a', '']).plan).toMatchObject({ labelColumn: 'a', excluded: [''] });
    // Only the id and an unnamed column: the last column, unnamed, is the label and so not excluded.
    expect(suggestPlan(['id', ''])).toEqual({
      plan: { labelColumn: '', idColumn: 'id', excluded: [], oneHot: [], missing: 'impute-median' },
      labelGuessed: true,
    });
    expect(suggestPlan(['', 'x', '', 'label']).plan.excluded).toEqual(['']);
  });

  it('an empty header has no label, no id and no guess', () => {
    expect(suggestPlan([])).toEqual({
      plan: { labelColumn: '', idColumn: null, excluded: [], oneHot: [], missing: 'impute-median' },
      labelGuessed: false,
    });
  });
});

describe('resolveRoles', () => {
  it('label, then id, then excluded, then one-hot; the rest are features', () => {
    const header = ['a', 'b', 'c', 'd', 'e'];
    const resolved = resolveRoles(
      header,
      plan({ labelColumn: 'a', idColumn: 'b', excluded: ['c', 'a'], oneHot: ['d', 'c', 'b'] }),
    );
    expect(resolved.labelIndex).toBe(0);
    expect(resolved.idIndex).toBe(1);
    expect(Array.from(resolved.roles)).toEqual([ROLE_SKIP, ROLE_SKIP, ROLE_SKIP, ROLE_ONE_HOT, ROLE_FEATURE]);
    expect([ROLE_FEATURE, ROLE_ONE_HOT, ROLE_SKIP]).toEqual([0, 1, 2]);
  });

  it('no id column, and names the header lacks, resolve to -1', () => {
    const resolved = resolveRoles(['a', 'b'], plan({ labelColumn: 'z', idColumn: null }));
    expect(resolved).toMatchObject({ labelIndex: -1, idIndex: -1 });
    expect(Array.from(resolved.roles)).toEqual([ROLE_FEATURE, ROLE_FEATURE]);
    expect(resolveRoles(['a', 'b'], plan({ labelColumn: 'b', idColumn: 'q' })).idIndex).toBe(-1);
  });
});

describe('checkPlan', () => {
  const CHOOSE = "Choose one of the header's columns.";
  const check = (header: string[], fields: Partial<ColumnPlan>, maxColumns = DEFAULT_LIMITS.maxColumns) =>
    checkPlan('d.csv', header, 3, plan(fields), { ...DEFAULT_LIMITS, maxColumns }).map((p) => [
      p.code,
      p.line,
      p.column,
    ]);

  it('a name used three times is one problem, naming its first two columns', () => {
    const problems = checkPlan('d.csv', ['a', 'x', 'a', 'a', 'label'], 3, plan({}), DEFAULT_LIMITS);
    expect(problems.map((p) => p.message)).toEqual([
      'd.csv, line 3, column "a": the name is used by columns 1 and 3. Rename one of them so every column has its own name.',
    ]);
  });

  it('as many columns as the limit pass; one more does not', () => {
    expect(check(['a', 'b', 'label'], {}, 3)).toEqual([]);
    expect(check(['a', 'b', 'c', 'label'], {}, 3)).toEqual([['too-many-columns', 3, undefined]]);
  });

  it('names each id, excluded or one-hot column the header lacks, and a plan with no feature left', () => {
    const unknown = checkPlan(
      'd.csv',
      ['a', 'label'],
      1,
      plan({ idColumn: 'id', excluded: ['q'], oneHot: ['r'] }),
      DEFAULT_LIMITS,
    );
    expect(unknown.map((p) => [p.code, p.line, p.column, p.message])).toEqual([
      [
        'unknown-column',
        undefined,
        'id',
        `d.csv, column "id": the id column is not in the header. ${CHOOSE}`,
      ],
      [
        'unknown-column',
        undefined,
        'q',
        `d.csv, column "q": the excluded column is not in the header. ${CHOOSE}`,
      ],
      [
        'unknown-column',
        undefined,
        'r',
        `d.csv, column "r": the one-hot column is not in the header. ${CHOOSE}`,
      ],
    ]);
    expect(check(['a', 'label'], { labelColumn: 'lbl' })).toEqual([['no-label-column', undefined, 'lbl']]);
    expect(check(['id', 'label'], { idColumn: 'id' })).toEqual([['no-features', undefined, undefined]]);
    expect(check(['a', 'label'], { excluded: ['a'] })).toEqual([['no-features', undefined, undefined]]);
    expect(check(['a', 'label'], { oneHot: ['a'] })).toEqual([]);
    expect(check(['a', 'id', 'label'], { idColumn: 'id', excluded: ['label'], oneHot: [] })).toEqual([]);
  });
});
