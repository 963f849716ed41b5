/**
 * The composition root: one session per page, built outside React. It opens the one IndexedDB connection of the
 * page (app/db/open.ts), makes the zustand store and the four controllers over them, and starts what must run at
 * start-up (the datasets list, marking runs and scorings a closed tab left behind). Views receive the session
 * through one React context (app/views/session-context.ts) and call its controllers; they never see a worker or
 * the database. A new feature is a controller folder under app/controllers/ plus its views, wired here.
 */

import { version } from '../package.json';
import { startImageIngestWorker } from './controllers/images/client';
import { ImageImportController } from './controllers/images/controller';
import { startIngestWorker } from './controllers/ingest/client';
import { IngestController } from './controllers/ingest/controller';
import { startModelScanWorker } from './controllers/model-scan/client';
import { ModelScanController } from './controllers/model-scan/controller';
import { startReviewWorker } from './controllers/review/client';
import { ReviewController } from './controllers/review/controller';
import { RouteController, windowHistory } from './controllers/route/controller';
import { startScoreWorker } from './controllers/score/client';
import { ScoreController } from './controllers/score/controller';
import { startTrainWorker } from './controllers/train/client';
import { browserEnvironment, TrainController } from './controllers/train/controller';
import { VerifyController } from './controllers/verify/controller';
import { profileSigningKey } from './db/keys';
import { openSiftDb, SIFT_DB_NAME } from './db/open';
import type { RunId } from './db/run-schema';
import type { DatasetId } from './db/schema';
import type { ScoreJobId } from './db/scores';
import { type Stores, storesOf } from './db/stores';
import { type AppStore, createAppStore } from './state/store';

export interface Session {
  store: AppStore;
  ingest: IngestController;
  images: ImageImportController;
  train: TrainController;
  score: ScoreController;
  review: ReviewController;
  modelScan: ModelScanController;
  verify: VerifyController;
  route: RouteController;
  /** Reads what the first screen shows and tidies what a closed tab left running. */
  start(): Promise<void>;
  /** Stops every worker and closes the connection; later results of their work are ignored. */
  dispose(): void;
}

/** Builds the page's session over the database `dbName`. */
export function createSession(dbName = SIFT_DB_NAME): Session {
  const store = createAppStore();
  const connection = openSiftDb(dbName);
  const stores: Promise<Stores> = connection.then(storesOf);
  const env = browserEnvironment();
  const ingest = new IngestController(
    store,
    stores.then((s) => s.datasets),
    startIngestWorker,
  );
  const images = new ImageImportController(
    store,
    stores.then((s) => s.datasets),
    startImageIngestWorker,
    ingest,
    dbName,
  );
  const train = new TrainController(
    store,
    stores.then((s) => s.runs),
    startTrainWorker,
    env,
    dbName,
  );
  const score = new ScoreController(
    store,
    stores.then((s) => s.scores),
    startScoreWorker,
    env.locks,
    dbName,
  );
  const review = new ReviewController(store, startReviewWorker, score, dbName);
  const verify = new VerifyController(store, (text, csv) => review.checkManifest(text, csv));
  const route = new RouteController(store, windowHistory(), {
    openDataset: (id) => ingest.openDataset(id as DatasetId),
    openTrain: async (runId) => {
      await train.openTrain();
      if (runId) await train.openRun(runId as RunId);
    },
    openReview: (datasetId, scoreId) =>
      review.open(datasetId as DatasetId, (scoreId ?? undefined) as ScoreJobId | undefined),
    focusRow: (row) => review.focus(row),
  });
  const modelScan = new ModelScanController({
    start: startModelScanWorker,
    signingKey: () => connection.then(profileSigningKey),
    version,
    makeUrl: (blob) => URL.createObjectURL(blob),
    revokeUrl: (url) => URL.revokeObjectURL(url),
  });
  return {
    store,
    ingest,
    images,
    train,
    score,
    review,
    modelScan,
    verify,
    route,
    async start() {
      await Promise.all([ingest.refresh(), train.init(), score.init()]);
      await route.start();
    },
    dispose() {
      route.dispose();
      ingest.dispose();
      images.dispose();
      train.dispose();
      score.dispose();
      review.dispose();
      modelScan.dispose();
      void connection.then(
        (db) => db.close(),
        () => {
          // Opening failed: start() has already shown the error, and there is nothing to close.
        },
      );
    },
  };
}
