import { describe, expect, it } from 'vitest';
import { classStallSentence, lossText } from './sentences';

describe('classStallSentence', () => {
  it('says a rising loss rose (the issue 13 example: 6.94e-3 → 0.0613, others 57097× lower)', () => {
    const text = classStallSentence(
      '7',
      { classIndex: 7, from: 6.94e-3, to: 0.0613, fall: -1.889, othersFall: 0.62, level: 57097.1 },
      3,
    );
    expect(text).toBe(
      'Class 7: its training loss rose from 0.0069 to 0.061 over the last 3 epochs, while the other classes’ ' +
        'losses fell by 62% (median); it is now 57,097 times their median loss. Rows labelled 7 may be mislabelled or poisoned.',
    );
  });

  it('says a stalled loss fell only a little', () => {
    const text = classStallSentence(
      'two',
      { classIndex: 2, from: 0.61, to: 0.6, fall: 0.016, othersFall: 0.4, level: 4.26 },
      3,
    );
    expect(text).toMatch(/^Class two: its training loss fell only from 0\.61 to 0\.6 over the last 3 epochs/);
    expect(text).toContain('it is now 4.3 times their median loss');
  });

  it('says a loss that did not move stayed', () => {
    const text = classStallSentence(
      'two',
      { classIndex: 2, from: 1, to: 1, fall: 0, othersFall: 0.875, level: 8 },
      3,
    );
    expect(text).toBe(
      'Class two: its training loss stayed at 1 over the last 3 epochs, while the other classes’ losses fell by 88% ' +
        '(median); it is now 8.0 times their median loss. Rows labelled two may be mislabelled or poisoned.',
    );
  });

  it('writes losses with two significant digits and no exponent', () => {
    expect(lossText(0.00694)).toBe('0.0069');
    expect(lossText(1234.5)).toBe('1200');
    expect(lossText(0)).toBe('0');
  });
});
