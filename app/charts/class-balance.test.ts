// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { classBalanceBars, drawClassBalance } from './class-balance';

describe('classBalanceBars', () => {
  it('keeps class order and computes shares', () => {
    const bars = classBalanceBars(['0', '1', '2'], [50, 30, 20]);
    expect(bars.map((b) => b.label)).toEqual(['0', '1', '2']);
    expect(bars.map((b) => b.share)).toEqual([0.5, 0.3, 0.2]);
    expect(bars.some((b) => b.rest)).toBe(false);
  });

  it('folds the smallest classes into one bar past maxBars, keeping the total', () => {
    const classes = Array.from({ length: 10 }, (_, k) => `c${k}`);
    const counts = [5, 100, 1, 90, 2, 80, 3, 70, 4, 60];
    const bars = classBalanceBars(classes, counts, 5);
    expect(bars).toHaveLength(5);
    expect(bars.slice(0, 4).map((b) => b.label)).toEqual(['c1', 'c3', 'c5', 'c7']);
    const rest = bars[4];
    expect(rest?.rest).toBe(true);
    expect(rest?.label).toBe('6 other classes');
    expect(rest?.count).toBe(5 + 1 + 2 + 3 + 4 + 60);
    expect(bars.reduce((a, b) => a + b.count, 0)).toBe(counts.reduce((a, b) => a + b, 0));
  });
});

describe('drawClassBalance', () => {
  it('draws one bar per class and writes labels as text, not markup', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const evil = '<img src=x onerror=alert(1)>';
    drawClassBalance(svg, classBalanceBars(['cat', evil], [3, 1]), { width: 400 });
    expect(svg.querySelectorAll('rect')).toHaveLength(2);
    expect(svg.querySelector('img')).toBeNull();
    const labels = [...svg.querySelectorAll('.bar-label')].map((t) => t.textContent);
    expect(labels[0]).toBe('cat');
    expect(labels[1]).toBe(`${evil.slice(0, 21)}…`);
  });

  it('makes the label column as wide as the widest label measures in the page font', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const bars = classBalanceBars(['<=50K', '>50K'], [7, 3]);
    // happy-dom measures no text (0 px): the estimate of 7 px a character (8 + 7 × 5 = 43) stands.
    drawClassBalance(svg, bars, { width: 400 });
    expect(svg.querySelector('rect')?.getAttribute('x')).toBe('43');
    // A font that draws 11 px a character (DejaVu Sans's "<" and "=" are wide): 55 px, and 10 px of room.
    const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    const proto = Object.getPrototypeOf(text) as { getComputedTextLength?: () => number };
    const own = Object.getOwnPropertyDescriptor(proto, 'getComputedTextLength');
    proto.getComputedTextLength = function (this: Element) {
      return 11 * (this.textContent ?? '').length;
    };
    try {
      drawClassBalance(svg, bars, { width: 400 });
    } finally {
      if (own) Object.defineProperty(proto, 'getComputedTextLength', own);
      else delete proto.getComputedTextLength;
    }
    expect(svg.querySelector('rect')?.getAttribute('x')).toBe('65');
    expect(svg.querySelector('.bar-label')?.getAttribute('x')).toBe('59');
    // The measuring texts are gone: one label and one value per bar.
    expect(svg.querySelectorAll('text')).toHaveLength(4);
  });

  it('redraws from scratch', () => {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    drawClassBalance(svg, classBalanceBars(['a', 'b', 'c'], [1, 2, 3]), { width: 400 });
    drawClassBalance(svg, classBalanceBars(['a'], [1]), { width: 400 });
    expect(svg.querySelectorAll('rect')).toHaveLength(1);
  });
});
