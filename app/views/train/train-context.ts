/** React access to the training controller, provided once at the root next to the workbench. */
import { createContext, useContext } from 'react';
import type { TrainController } from '../../controllers/train/controller';

export const TrainContext = createContext<TrainController | null>(null);

/** The training controller whose actions the training views call. */
export function useTrainer(): TrainController {
  const value = useContext(TrainContext);
  if (!value) throw new Error('TrainContext is missing: render training views inside <App>.');
  return value;
}
