/** React access to the scoring controller, provided once at the root next to the workbench. */
import { createContext, useContext } from 'react';
import type { ScoreController } from '../../controllers/score/controller';

export const ScoreContext = createContext<ScoreController | null>(null);

/** The scoring controller whose actions the scoring views call. */
export function useScorer(): ScoreController {
  const value = useContext(ScoreContext);
  if (!value) throw new Error('ScoreContext is missing: render scoring views inside <App>.');
  return value;
}
