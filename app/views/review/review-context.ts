/** React access to the review controller, provided once at the root. */
import { createContext, useContext } from 'react';
import type { ReviewController } from '../../controllers/review/controller';

export const ReviewContext = createContext<ReviewController | null>(null);

/** The review controller whose actions the review views call. */
export function useReviewer(): ReviewController {
  const value = useContext(ReviewContext);
  if (!value) throw new Error('ReviewContext is missing: render review views inside <App>.');
  return value;
}
