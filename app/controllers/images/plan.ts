/** What the image import form checks before Import is allowed (pure: the form and the controller share it). */
import type { ImagePlan, ImagePreview, ImageProblem } from '../../../workers/core/ingest/images/types';

/** Largest side the form accepts, as the ingest core does. */
export const MAX_IMAGE_SIDE = 1024;

/** Why the plan's shape cannot be used, or null. */
export function shapeProblem(plan: ImagePlan): string | null {
  const { height, width, channels } = plan.shape;
  const ok = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_IMAGE_SIDE;
  if (!ok(height) || !ok(width)) return `Height and width must be whole numbers from 1 to ${MAX_IMAGE_SIDE}.`;
  if (channels !== 1 && channels !== 3) return 'Channels must be 1 (grey) or 3 (RGB).';
  return null;
}

/**
 * The preview's errors that still stop an import under `plan`: files that are not images stop it unless the
 * analyst chose to skip them, and so do images whose header is damaged; every other error always stops it.
 */
export function blockingProblems(preview: ImagePreview, plan: ImagePlan): ImageProblem[] {
  return preview.problems.filter(
    (p) =>
      p.severity === 'error' &&
      !(p.code === 'not-an-image' && plan.skipNonImages) &&
      !(p.code === 'corrupt-image' && plan.skipCorrupt),
  );
}

/** What the form says of the images' colour, from their headers: grey, in colour, or how many of them are. */
export function colourSentence(preview: Pick<ImagePreview, 'images' | 'colourImages'>): string {
  const { images, colourImages } = preview;
  if (colourImages === 0) return 'every image is grey';
  if (colourImages === images) return 'every image is in colour';
  return `${colourImages.toLocaleString('en-US')} of ${images.toLocaleString('en-US')} images are in colour, the rest grey`;
}
