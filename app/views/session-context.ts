/** React access to the session (app/session.ts), provided once at the root: its store and its controllers. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ImageImportController } from '../controllers/images/controller';
import type { IngestController } from '../controllers/ingest/controller';
import type { ModelScanController, ModelScanState } from '../controllers/model-scan/controller';
import type { ReviewController } from '../controllers/review/controller';
import type { ScoreController } from '../controllers/score/controller';
import type { TrainController } from '../controllers/train/controller';
import type { VerifyController } from '../controllers/verify/controller';
import type { Session } from '../session';
import type { AppState } from '../state/store';

export const SessionContext = createContext<Session | null>(null);

function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('SessionContext is missing: render views inside <App>.');
  return value;
}

/** Selects from the app store; select narrowly, the component re-renders when the selection changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useSession().store, selector);
}

/** The import and dataset actions. */
export function useIngest(): IngestController {
  return useSession().ingest;
}

/** The image import and image overview actions. */
export function useImageImport(): ImageImportController {
  return useSession().images;
}

/** The training actions. */
export function useTrainer(): TrainController {
  return useSession().train;
}

/** The scoring actions. */
export function useScorer(): ScoreController {
  return useSession().score;
}

/** The review actions. */
export function useReviewer(): ReviewController {
  return useSession().review;
}

/** Verification of dropped manifests (told by content). */
export function useVerifier(): VerifyController {
  return useSession().verify;
}

/** The model-file scanner's actions. */
export function useModelScanController(): ModelScanController {
  return useSession().modelScan;
}

/** Selects from the model scanner's own store. */
export function useModelScan<T>(select: (state: ModelScanState) => T): T {
  return useStore(useSession().modelScan.store, select);
}
