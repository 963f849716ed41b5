import { describe, expect, it } from 'vitest';
import { LEGEND_ROW, legendLayout } from './legend';

describe('legendLayout', () => {
  it('keeps two short labels on one row, side by side', () => {
    // 'training': 26 + 6.5 × 8 = 78 px.
    expect(legendLayout(['training', 'validation'], 400)).toEqual({
      at: [
        [0, 0],
        [78, 0],
      ],
      rows: 1,
    });
  });

  it('wraps the image demo’s ten class names onto new rows instead of running past the chart', () => {
    const labels = [
      'Ankle_boot',
      'Bag',
      'Coat',
      'Dress',
      'Pullover',
      'Sandal',
      'Shirt',
      'Sneaker',
      'T-shirt_top',
      'Trouser',
    ];
    // Widths 26 + 6.5 × length: 91, 45.5, 52, 58.5, 78, 65, 58.5, 71.5, 97.5, 71.5; an item's visible end is 8 px
    // before the next one starts. Row 1: 0, 91, 136.5, 188.5, 247, 325 (ends 382 ≤ 384); Shirt at 390 would end at
    // 440.5 > 384, so it opens row 2: 0, 58.5, 130 (ends 219.5), 227.5 (ends 291 ≤ 384).
    const { at, rows } = legendLayout(labels, 384);
    expect(rows).toBe(2);
    expect(at).toEqual([
      [0, 0],
      [91, 0],
      [136.5, 0],
      [188.5, 0],
      [247, 0],
      [325, 0],
      [0, LEGEND_ROW],
      [58.5, LEGEND_ROW],
      [130, LEGEND_ROW],
      [227.5, LEGEND_ROW],
    ]);
  });

  it('gives a label wider than the chart a row of its own rather than an empty row before it', () => {
    const { at, rows } = legendLayout(['a-very-long-series-name', 'b'], 50);
    expect(at).toEqual([
      [0, 0],
      [0, LEGEND_ROW],
    ]);
    expect(rows).toBe(2);
  });
});
