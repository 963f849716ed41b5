import { describe, expect, it } from 'vitest';
import {
  classStallSentence,
  divergenceSentence,
  lossText,
  nonFiniteSentence,
  spikeSentence,
  validationDropSentence,
} from './sentences';

// Each expected sentence is written by hand from the inputs: the analyst checks these numbers against the charts.

describe('classStallSentence', () => {
  it('says a rising loss rose and gives the others’ median loss, not a ratio, beside a near-zero median (issue 13)', () => {
    // 0.0613 / 57097.1 = 1.07e-6: the others' median loss, written out.
    const text = classStallSentence(
      '7',
      { classIndex: 7, from: 6.94e-3, to: 0.0613, fall: -1.889, othersFall: 0.62, level: 57097.1 },
      3,
    );
    expect(text).toBe(
      'Class 7: its training loss rose from 0.0069 to 0.061 over the last 3 epochs, while the other classes’ ' +
        'losses fell by 62% (median); their median loss is now 0.0000011. Rows labelled 7 may be mislabelled or poisoned.',
    );
  });

  it('says a stalled loss fell only a little, with the ratio and the median it is taken against', () => {
    // 0.6 / 4.26 = 0.1408.
    const text = classStallSentence(
      'two',
      { classIndex: 2, from: 0.61, to: 0.6, fall: 0.016, othersFall: 0.4, level: 4.26 },
      3,
    );
    expect(text).toBe(
      'Class two: its training loss fell only from 0.61 to 0.6 over the last 3 epochs, while the other classes’ ' +
        'losses fell by 40% (median); it is now 4.3 times their median loss (0.14). Rows labelled two may be mislabelled or poisoned.',
    );
  });

  it('says a loss that did not move stayed', () => {
    const text = classStallSentence(
      'two',
      { classIndex: 2, from: 1, to: 1, fall: 0, othersFall: 0.875, level: 8 },
      3,
    );
    expect(text).toBe(
      'Class two: its training loss stayed at 1 over the last 3 epochs, while the other classes’ losses fell by 88% ' +
        '(median); it is now 8.0 times their median loss (0.13). Rows labelled two may be mislabelled or poisoned.',
    );
  });
});

describe('batch sentences', () => {
  it('a spike: where, the value, the running average and how many times it is', () => {
    expect(spikeSentence('loss-spike', { epoch: 6, batch: 11 }, 1.23, 0.41)).toBe(
      "At epoch 7, batch 12 the batch loss jumped to 1.2, 3.0 times its running average of 0.41. The batch's rows may hold outliers or poison.",
    );
    expect(spikeSentence('grad-spike', { epoch: 0, batch: 0 }, 14.2, 4.4)).toBe(
      "At epoch 1, batch 1 the gradient norm jumped to 14, 3.2 times its running average of 4.4. The batch's rows may hold outliers or poison.",
    );
  });

  it('a spike over a near-zero average gives both values and no ratio', () => {
    expect(spikeSentence('loss-spike', { epoch: 2, batch: 4 }, 0.05, 0.00002)).toBe(
      "At epoch 3, batch 5 the batch loss jumped to 0.05, against a running average of 0.00002. The batch's rows may hold outliers or poison.",
    );
    expect(spikeSentence('grad-spike', { epoch: 2, batch: 4 }, 3, 0)).toBe(
      "At epoch 3, batch 5 the gradient norm jumped to 3, against a running average of 0. The batch's rows may hold outliers or poison.",
    );
  });

  it('a value that is no longer finite is named in words', () => {
    expect(nonFiniteSentence('loss', { epoch: 1, batch: 1 }, Number.NaN)).toBe(
      'At epoch 2, batch 2 the loss became not a number (NaN): training cannot go on (try a lower learning rate).',
    );
    expect(nonFiniteSentence('gradient norm', { epoch: 0, batch: 9 }, Number.POSITIVE_INFINITY)).toBe(
      'At epoch 1, batch 10 the gradient norm became infinite: training cannot go on (try a lower learning rate).',
    );
  });
});

describe('epoch sentences', () => {
  it('a validation drop: both accuracies at their epochs, the drop and the alarm level in points', () => {
    expect(validationDropSentence(7, 0.912, 0.84, 0.05)).toBe(
      'Validation accuracy fell from 91.2% at epoch 7 to 84.0% at epoch 8, a drop of 7.2 points (the alarm is set at 5.0 points).',
    );
  });

  it('a divergence: the stretch’s epochs, both losses from and to, and the rise over the best', () => {
    expect(
      divergenceSentence({
        first: 4,
        last: 7,
        trainFrom: 0.41,
        trainTo: 0.38,
        valFrom: 0.52,
        valTo: 0.61,
        best: 0.5,
      }),
    ).toBe(
      'From epoch 5 to epoch 8 the training loss fell (0.41 → 0.38) while the validation loss rose (0.52 → 0.61), ' +
        'now 22% above its best, 0.5: the model is fitting something that does not generalise.',
    );
  });

  it('a divergence from a near-zero best gives the best, not a percentage', () => {
    expect(
      divergenceSentence({
        first: 0,
        last: 3,
        trainFrom: 2,
        trainTo: 1,
        valFrom: 0.0001,
        valTo: 0.3,
        best: 0.0001,
      }),
    ).toBe(
      'From epoch 1 to epoch 4 the training loss fell (2 → 1) while the validation loss rose (0.0001 → 0.3), ' +
        'now against its best of 0.0001: the model is fitting something that does not generalise.',
    );
  });
});

describe('lossText', () => {
  it('writes two significant digits and never an exponent', () => {
    expect(lossText(0.00694)).toBe('0.0069');
    expect(lossText(1234.5)).toBe('1200');
    expect(lossText(57097.1)).toBe('57000');
    expect(lossText(1.07e-7)).toBe('0.00000011');
    expect(lossText(0)).toBe('0');
  });

  it('writes a value that is not finite in words a number format would not use', () => {
    expect([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].map(lossText)).toEqual([
      'Infinity',
      '-Infinity',
      'NaN',
    ]);
  });
});

describe('the ratios the sentences give', () => {
  const stall = (level: number) =>
    classStallSentence('3', { classIndex: 3, from: 0.5, to: 0.4, fall: 0.2, othersFall: 0.6, level }, 3);

  it('gives a class’s loss as a multiple of the others’ median only between 0 and 100 times, both ends left out', () => {
    // to / level is the others' median: 0.4 / 2 = 0.2, 0.4 / 99.9 = 0.004.
    expect(stall(2)).toContain('it is now 2.0 times their median loss (0.2)');
    expect(stall(99.9)).toContain('it is now 99.9 times their median loss (0.004)');
    expect(stall(100)).toContain('; their median loss is now 0.004.');
    expect(stall(150)).toContain('; their median loss is now 0.0027.');
    expect(stall(0)).toContain('; their median loss is now Infinity.');
    expect(stall(-2)).toContain('; their median loss is now -0.2.');
  });

  it('gives a validation loss exactly 100 times its best as the best, not as a percentage', () => {
    const now = (valTo: number) =>
      divergenceSentence({ first: 0, last: 2, trainFrom: 2, trainTo: 1, valFrom: 0.5, valTo, best: 0.01 });
    expect(now(1)).toContain('now against its best of 0.01:');
    expect(now(0.99)).toContain('now 9800% above its best, 0.01:');
  });
});
