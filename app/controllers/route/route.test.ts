import { describe, expect, it } from 'vitest';
import { formatRoute, isNewPlace, parseRoute, type Route } from './route';

describe('routes', () => {
  const places: Array<[Route, string]> = [
    [{ kind: 'start' }, '#/'],
    [{ kind: 'verify' }, '#/verify'],
    [{ kind: 'dataset', datasetId: 'ds-1' }, '#/dataset/ds-1'],
    [{ kind: 'train', datasetId: 'ds-1', runId: null }, '#/dataset/ds-1/train'],
    [{ kind: 'train', datasetId: 'ds-1', runId: 'run 2' }, '#/dataset/ds-1/train/run%202'],
    [{ kind: 'review', datasetId: 'ds-1', scoreId: null, row: null }, '#/dataset/ds-1/review'],
    [{ kind: 'review', datasetId: 'ds-1', scoreId: 's/9', row: null }, '#/dataset/ds-1/review/s%2F9'],
    [{ kind: 'review', datasetId: 'ds-1', scoreId: 's9', row: 42 }, '#/dataset/ds-1/review/s9/row/42'],
  ];
  it.each(places)('%j is written %s and read back', (route, hash) => {
    expect(formatRoute(route)).toBe(hash);
    expect(parseRoute(hash)).toEqual(route);
  });

  it('reads an empty hash, a bare # and unknown places as the start screen', () => {
    for (const hash of ['', '#', '#/', '#/nowhere', '#/dataset', '#/dataset/a/b', '#/dataset/%E0%A4%A/train'])
      expect(parseRoute(hash)).toEqual({ kind: 'start' });
  });

  it('refuses a row that is not a plain count', () => {
    for (const row of ['-1', '1.5', '1e3', 'x', '9999999999'])
      expect(parseRoute(`#/dataset/d/review/s/row/${row}`)).toEqual({ kind: 'start' });
    expect(parseRoute('#/dataset/d/review/s/col/3')).toEqual({ kind: 'start' });
  });

  it('drops a row named without its score set (the row is only meaningful within one)', () => {
    expect(formatRoute({ kind: 'review', datasetId: 'd', scoreId: null, row: 3 })).toBe('#/dataset/d/review');
  });

  it('makes a history entry for another screen or dataset, not for another row, run or score set', () => {
    const review: Route = { kind: 'review', datasetId: 'd', scoreId: 's', row: 1 };
    expect(isNewPlace(null, review)).toBe(true);
    expect(isNewPlace({ kind: 'dataset', datasetId: 'd' }, review)).toBe(true);
    expect(isNewPlace({ ...review, datasetId: 'e' }, review)).toBe(true);
    expect(isNewPlace({ ...review, row: 2 }, review)).toBe(false);
    expect(isNewPlace({ ...review, scoreId: null, row: null }, review)).toBe(false);
    expect(isNewPlace({ kind: 'start' }, { kind: 'start' })).toBe(false);
  });
});
