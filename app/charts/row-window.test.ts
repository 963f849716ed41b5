import { describe, expect, it } from 'vitest';
import { rowWindow, scrollToShow } from './row-window';

const box = { rowHeight: 28, viewHeight: 280, bodyTop: 56 };

describe('rowWindow', () => {
  it('at the top: the rows the view shows below the caption and header, plus overscan after them', () => {
    // 280 px of view, 56 px of caption and header: rows 0..7 fill it, row 8 starts at its bottom edge.
    expect(rowWindow(200_000, box, 0, 0)).toEqual({
      first: 0,
      last: 8,
      before: 0,
      after: (200_000 - 9) * 28,
    });
    expect(rowWindow(200_000, box, 0, 3)).toMatchObject({ first: 0, last: 11 });
  });

  it('scrolled: the window moves with the offset, and the spacers keep the full height', () => {
    const w = rowWindow(200_000, box, 56 + 1000 * 28, 2);
    expect(w).toMatchObject({ first: 998, last: 1012 });
    expect(w.before + (w.last - w.first + 1) * 28 + w.after).toBe(200_000 * 28);
  });

  it('at the end and past it: the last rows, never a position past the count', () => {
    const end = 56 + 200_000 * 28 - 280;
    expect(rowWindow(200_000, box, end, 2)).toMatchObject({ last: 199_999, after: 0 });
    expect(rowWindow(10, box, 1e9, 2)).toEqual({ first: 9, last: 9, before: 9 * 28, after: 0 });
  });

  it('no rows: an empty window', () => {
    expect(rowWindow(0, box, 0, 5)).toEqual({ first: 0, last: -1, before: 0, after: 0 });
  });
});

describe('scrollToShow', () => {
  it('leaves a row in view where it is', () => {
    expect(scrollToShow(3, box, 0, 30)).toBeNull();
  });

  it('scrolls up to a row hidden under the sticky header, and down to one below the view, as little as needed', () => {
    // Row 100 starts at 56 + 2800 = 2856; with the view scrolled to 2850 it is under the 30 px header.
    expect(scrollToShow(100, box, 2850, 30)).toBe(2856 - 30);
    // Row 100 ends at 2884: from the top it needs the view's bottom there.
    expect(scrollToShow(100, box, 0, 30)).toBe(2884 - 280);
  });
});
