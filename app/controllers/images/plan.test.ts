import { describe, expect, it } from 'vitest';
import type { ImagePlan, ImagePreview } from '../../../workers/core/ingest/images/types';
import { blockingProblems, colourSentence, shapeProblem } from './plan';

const plan = (patch: Partial<ImagePlan> = {}): ImagePlan => ({
  shape: { height: 28, width: 28, channels: 1 },
  skipNonImages: false,
  skipCorrupt: false,
  ...patch,
});

function preview(codes: Array<'not-an-image' | 'corrupt-image' | 'symlink'>): ImagePreview {
  return {
    name: 'x.zip',
    bytes: 1,
    layout: 'class-folders',
    labelsCsv: null,
    images: 4,
    classes: ['a', 'b'],
    classCounts: [2, 2],
    sizes: [],
    allGray: true,
    colourImages: 0,
    nonImages: [],
    corrupt: [],
    suggested: plan(),
    problems: codes.map((code) => ({ severity: 'error', code, message: code, file: 'x.zip' })),
  };
}

describe('image import plan checks', () => {
  it('lets consent skip files that are not images and damaged images, and nothing else', () => {
    const p = preview(['not-an-image', 'corrupt-image', 'symlink']);
    expect(blockingProblems(p, plan()).map((x) => x.code)).toEqual([
      'not-an-image',
      'corrupt-image',
      'symlink',
    ]);
    expect(blockingProblems(p, plan({ skipNonImages: true, skipCorrupt: true })).map((x) => x.code)).toEqual([
      'symlink',
    ]);
    expect(blockingProblems(preview(['not-an-image']), plan({ skipNonImages: true }))).toEqual([]);
  });

  it('refuses shapes outside 1–1024 a side and channels other than 1 or 3', () => {
    expect(shapeProblem(plan())).toBeNull();
    expect(shapeProblem(plan({ shape: { height: 0, width: 28, channels: 1 } }))).toMatch(/1 to 1024/);
    expect(shapeProblem(plan({ shape: { height: 28, width: 28.5, channels: 1 } }))).toMatch(/whole/);
    expect(shapeProblem(plan({ shape: { height: 28, width: 28, channels: 2 as 1 } }))).toMatch(/Channels/);
  });

  it('says whether the images are grey, in colour, or how many are in colour', () => {
    expect(colourSentence({ images: 3000, colourImages: 0 })).toBe('every image is grey');
    expect(colourSentence({ images: 3000, colourImages: 3000 })).toBe('every image is in colour');
    expect(colourSentence({ images: 3000, colourImages: 1 })).toBe(
      '1 of 3,000 images are in colour, the rest grey',
    );
  });
});
