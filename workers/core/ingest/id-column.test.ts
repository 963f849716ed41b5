import { describe, expect, it } from 'vitest';
import { IdColumn } from './id-column';

const encoder = new TextEncoder();
/** What the ingest core gave before ids were kept as bytes: one non-fatal decode per trimmed, unquoted cell. */
const perIdDecode = (cell: Uint8Array) => new TextDecoder('utf-8').decode(cell);

/** Checks each cell as a row's id on lines first, first + 1, …, keeping every row; returns what `check` said. */
function checkAll(column: IdColumn, cells: Uint8Array[], first = 2): (number | 'empty')[] {
  return cells.map((cell, k) => {
    const padded = new Uint8Array(cell.length + 2);
    padded.set(cell, 1);
    const seen = column.check(padded, 1, 1 + cell.length, first + k);
    if (seen === -1) column.keep();
    return seen;
  });
}

describe('IdColumn', () => {
  it('finds a duplicate and the line it was first seen on, across growth of its table and arena', () => {
    const column = new IdColumn();
    const cells = Array.from({ length: 50_000 }, (_, k) => encoder.encode(`id-${k}`));
    expect(checkAll(column, cells).every((seen) => seen === -1)).toBe(true);
    expect(column.check(encoder.encode('id-123'), 0, 6, 99_999)).toBe(125);
    expect(column.lastText()).toBe('id-123');
    expect(column.check(encoder.encode('id-49999'), 0, 8, 99_999)).toBe(50_001);
    expect(column.check(encoder.encode('id-50000'), 0, 8, 99_999)).toBe(-1);
    const texts = column.texts();
    expect(texts).toHaveLength(50_000);
    expect(texts[0]).toBe('id-0');
    expect(texts[49_999]).toBe('id-49999');
  });

  it('keeps every id it has seen when room is made for more at once, and after', () => {
    const column = new IdColumn();
    const cells = Array.from({ length: 3000 }, (_, k) => encoder.encode(`r${k}`));
    checkAll(column, cells.slice(0, 1000));
    column.reserve(100_000);
    column.reserve(10); // never shrinks
    checkAll(column, cells.slice(1000), 1002);
    for (const k of [0, 999, 1000, 2999]) {
      const cell = cells[k] ?? new Uint8Array(0);
      expect(column.check(cell, 0, cell.length, 9_999), `r${k}`).toBe(k + 2);
    }
    expect(column.texts()).toHaveLength(3000);
  });

  it('gives the texts a per-id decode gave: non-ASCII, quoted, trimmed, byte-order marks', () => {
    const bom = '\uFEFF';
    const cells = ['plain', 'é-1', '日本', '😀x', `${bom}with-bom`, `${bom}${bom}two-boms`, 'a"b'];
    const column = new IdColumn();
    const raw = cells.map((c) => encoder.encode(c));
    expect(checkAll(column, raw)).toEqual(cells.map(() => -1));
    // A per-id decode drops one leading byte-order mark, as the column does.
    expect(column.texts()).toEqual(raw.map(perIdDecode));
    expect(column.texts()[4]).toBe('with-bom');
    expect(column.texts()[5]).toBe(`${bom}two-boms`);

    // Quoted, with doubled quotes and spaces around, and the same ids again: duplicates of the first ones.
    const again = checkAll(column, [
      encoder.encode('"plain"'),
      encoder.encode('  é-1\t'),
      encoder.encode('"a""b"'),
      encoder.encode('with-bom'),
    ]);
    expect(again).toEqual([2, 3, 8, 6]);
  });

  it('reports an empty id, a blank one and one of nothing but a byte-order mark as empty', () => {
    const column = new IdColumn();
    for (const cell of ['', '   ', '""', '\uFEFF']) {
      const bytes = encoder.encode(cell);
      expect(column.check(bytes, 0, bytes.length, 2), JSON.stringify(cell)).toBe('empty');
    }
    expect(column.texts()).toEqual([]);
  });

  it('lists only the ids kept, in order, while remembering dropped rows for the duplicate check', () => {
    const column = new IdColumn();
    const a = encoder.encode('a,b,c');
    expect(column.check(a, 0, 1, 2)).toBe(-1);
    column.keep();
    expect(column.check(a, 2, 3, 3)).toBe(-1); // a dropped row: not kept
    expect(column.check(a, 4, 5, 4)).toBe(-1);
    column.keep();
    expect(column.texts()).toEqual(['a', 'c']);
    expect(column.check(a, 2, 3, 5)).toBe(3);
    expect(column.lastText()).toBe('b');
  });
});

describe('IdColumn with colliding hashes', () => {
  it('keeps ids apart whose FNV-1a hashes are equal, of different or equal lengths', () => {
    // costarring/liquid and declinate/macallums collide in 32-bit FNV-1a (checked apart in Python).
    const column = new IdColumn();
    const ids = ['costarring', 'liquid', 'declinate', 'macallums'];
    expect(
      checkAll(
        column,
        ids.map((id) => encoder.encode(id)),
      ),
    ).toEqual([-1, -1, -1, -1]);
    expect(
      checkAll(
        column,
        ids.map((id) => encoder.encode(id)),
        10,
      ),
    ).toEqual([2, 3, 4, 5]);
    expect(column.texts()).toEqual(ids);
  });
});

describe('IdColumn with an id that is another id and the next one run together', () => {
  it("keeps it apart when its hash equals the first id's", () => {
    // FNV-1a 32 of "cat" and "catC95wqc" is 0x06745c07, of "dog" and "dogWyMdtg" 0xe668bd09 (checked in Python).
    // The arena holds the ids back to back, so "cat" then "C95wqc" read 9 bytes as "catC95wqc": only the length check
    // tells the stored "cat" from the new id.
    const ids = ['cat', 'C95wqc', 'dog', 'WyMdtg', 'catC95wqc', 'dogWyMdtg'];
    const column = new IdColumn();
    expect(
      checkAll(
        column,
        ids.map((id) => encoder.encode(id)),
      ),
    ).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(column.texts()).toEqual(ids);
  });
});

describe('IdColumn byte-order marks and growth', () => {
  it('drops only the three bytes EF BB BF, not a character that shares two of them', () => {
    // U+AEFF (EA BB BF), U+FE3F (EF B8 BF) and U+FEF0 (EF BB B0) each share two bytes with the mark.
    const cells = ['\uAEFFa', '\uFE3Fb', '\uFEF0c', '\uFEFFd'];
    const column = new IdColumn();
    expect(
      checkAll(
        column,
        cells.map((c) => encoder.encode(c)),
      ),
    ).toEqual([-1, -1, -1, -1]);
    expect(column.texts()).toEqual(['\uAEFFa', '\uFE3Fb', '\uFEF0c', 'd']);
  });

  it('keeps a second mark at the start of the very first id (the arena is decoded with marks kept)', () => {
    const column = new IdColumn();
    const cell = encoder.encode('\uFEFF\uFEFFfirst');
    expect(column.check(cell, 0, cell.length, 2)).toBe(-1);
    expect(column.lastText()).toBe('\uFEFFfirst');
    column.keep();
    expect(column.texts()).toEqual(['\uFEFFfirst']);
  });

  it('reads an empty id as empty even when the next cell starts with a mark', () => {
    const column = new IdColumn();
    const atStart = encoder.encode('\uFEFFx');
    expect(column.check(atStart, 0, 0, 2)).toBe('empty');
    const later = encoder.encode('ab,,\uFEFFx');
    expect(column.check(later, 4, 4, 3)).toBe('empty');
  });

  it('finds every one of 5,000 ids again, on the line it was first seen, across every growth', () => {
    const column = new IdColumn();
    const cells = Array.from({ length: 5000 }, (_, k) => encoder.encode(`k${k}`));
    checkAll(column, cells);
    const again = checkAll(column, cells, 90_000);
    expect(again).toEqual(cells.map((_, k) => k + 2));
  });
});
