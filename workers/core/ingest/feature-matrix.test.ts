/** The feature matrix's helpers, called directly: trimming, natural order, statistics and median imputation. */
import { describe, expect, it } from 'vitest';
import { ROLE_FEATURE, ROLE_ONE_HOT } from './columns';
import { buildFeatures, featureStats, growTo, imputeMedians, naturalOrder, trim } from './feature-matrix';
import { IngestError } from './ingest-error';
import { ByteInterner } from './intern';
import { ingestText, utf8 } from './test-helpers';

const NaN32 = Number.NaN;

describe('trim', () => {
  it('returns the array itself at its length, a view when at most a sixteenth is left over, else a copy', () => {
    const array = Float32Array.from({ length: 32 }, (_, k) => k + 1);
    expect(trim(array, 32)).toBe(array);
    const view = trim(array, 30); // 2 left over, 32 / 16 = 2
    expect(view.buffer).toBe(array.buffer);
    expect(Array.from(view)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
    const copy = trim(array, 29); // 3 left over
    expect(copy.buffer).not.toBe(array.buffer);
    expect(copy.buffer.byteLength).toBe(29 * 4);
    expect(Array.from(copy)).toEqual(Array.from({ length: 29 }, (_, k) => k + 1));
    expect(trim(new Uint8Array(0), 0)).toHaveLength(0);
  });

  it('growTo copies the old values to the front of the larger array', () => {
    const grown = growTo(Int32Array.of(4, 5), new Int32Array(4));
    expect(Array.from(grown)).toEqual([4, 5, 0, 0]);
  });
});

describe('naturalOrder', () => {
  it('orders numbers by value, equal values by text', () => {
    expect(naturalOrder(['10', '9', '2', '10.0', '-3'])).toEqual([4, 2, 1, 0, 3]);
    expect(naturalOrder(['1.0', '1', '01'])).toEqual([2, 1, 0]);
    expect(naturalOrder(['2', '1'])).toEqual([1, 0]);
  });

  it('orders by UTF-16 code units as soon as one name is not a number', () => {
    expect(naturalOrder(['b', '10', 'a', 'B', '9'])).toEqual([1, 4, 3, 2, 0]);
    expect(naturalOrder(['10', '9', 'x'])).toEqual([0, 1, 2]);
    expect(naturalOrder(['b', 'a'])).toEqual([1, 0]);
    expect(naturalOrder(['a', 'b'])).toEqual([0, 1]);
    expect(naturalOrder([])).toEqual([]);
  });
});

describe('featureStats', () => {
  it('min, max and mean per column over the values that are not NaN; NaN for a column with none', () => {
    // 3 rows × 3 columns, row-major.
    const features = Float32Array.of(2, NaN32, NaN32, -1, 5, NaN32, 7, NaN32, NaN32);
    const missing = Uint32Array.of(0, 2, 3);
    const stats = featureStats(features, 3, 3, missing);
    expect(Array.from(stats.min)).toEqual([-1, 5, NaN32]);
    expect(Array.from(stats.max)).toEqual([7, 5, NaN32]);
    expect(Array.from(stats.mean)).toEqual([8 / 3, 5, NaN32]);
    expect(stats.missing).toBe(missing);
  });

  it('reads only the rows given, and negative columns keep their largest value', () => {
    const features = Float32Array.of(-4, -2, -8, -6, 100, 100);
    const stats = featureStats(features, 2, 2, new Uint32Array(2));
    expect(Array.from(stats.min)).toEqual([-8, -6]);
    expect(Array.from(stats.max)).toEqual([-4, -2]);
    expect(Array.from(stats.mean)).toEqual([-6, -4]);
  });
});

describe('imputeMedians', () => {
  it('fills NaN with the median of the column: the middle value, the mean of the two middle ones, or 0', () => {
    // 5 rows × 3 columns: column 0 has 4 values (median (3 + 4) / 2), column 1 has 3 (median -2), column 2 none.
    const rows = [
      [4, -2, NaN32],
      [NaN32, NaN32, NaN32],
      [1, 1, NaN32],
      [10, -5, NaN32],
      [3, NaN32, NaN32],
    ];
    const features = Float32Array.from(rows.flat());
    imputeMedians(features, 5, Uint32Array.of(1, 2, 5));
    expect(Array.from(features)).toEqual([4, -2, 0, 3.5, -2, 0, 1, 1, 0, 10, -5, 0, 3, -2, 0]);
  });

  it('sorts numerically (10 above 9) and leaves columns with no missing value as they are', () => {
    const features = Float32Array.of(10, 1, 9, 2, 100, 3, NaN32, 4);
    imputeMedians(features, 4, Uint32Array.of(1, 0));
    expect(Array.from(features)).toEqual([10, 1, 9, 2, 100, 3, 10, 4]);
  });
});

describe('buildFeatures with one-hot columns', () => {
  it('places numeric columns before, between and after one-hot ones, row by row', () => {
    const dataset = ingestText('c,a,label,b\nq,1,x,10\np,2,y,20\nq,3,x,30\n', { oneHot: ['c'] });
    expect(dataset.featureNames).toEqual(['c=p', 'c=q', 'a', 'b']);
    expect(Array.from(dataset.features)).toEqual([0, 1, 1, 10, 1, 0, 2, 20, 0, 1, 3, 30]);
  });

  it('counts missing cells per output column, 0 for one-hot columns', () => {
    const dataset = ingestText('a,c,b,label\n1,q,,x\n,p,,y\n3,q,5,x\n', { oneHot: ['c'] });
    expect(dataset.featureNames).toEqual(['a', 'c=p', 'c=q', 'b']);
    expect(Array.from(dataset.stats.missing)).toEqual([1, 0, 0, 2]);
  });

  it('leaves out a value only dropped rows hold', () => {
    const dataset = ingestText('a,c,label\n,q,x\n1,r,x\n2,s,y\n', { oneHot: ['c'], missing: 'drop-row' });
    expect(dataset.featureNames).toEqual(['a', 'c=r', 'c=s']);
    expect(Array.from(dataset.features)).toEqual([1, 1, 0, 2, 0, 1]);
  });

  it('as many expanded columns as the limit pass; more are refused', () => {
    const text = 'a,c,label\n1,p,x\n2,q,y\n';
    expect(ingestText(text, { oneHot: ['c'] }, { maxColumns: 3 }).featureNames).toEqual(['a', 'c=p', 'c=q']);
    const values = new ByteInterner();
    const bytes = utf8('pq');
    values.add(bytes, 0, 1);
    values.add(bytes, 1, 2);
    const build = () =>
      buildFeatures({
        file: 'd.csv',
        header: ['a', 'c'],
        headerLine: 1,
        rows: 2,
        columns: 2,
        roles: Int8Array.of(ROLE_FEATURE, ROLE_ONE_HOT),
        slots: Int32Array.of(0, -1),
        oneHotOf: Int32Array.of(-1, 0),
        numericCount: 1,
        features: Float32Array.of(1, 2),
        missingPerSlot: new Uint32Array(1),
        oneHotValues: [values],
        oneHotCodes: [Int32Array.of(0, 1)],
        maxColumns: 2,
      });
    expect(build).toThrow(IngestError);
    expect(build).toThrow('d.csv, line 1: the header has 3 columns, over the limit of 2.');
  });
});
