import type { DatasetMeta } from '../controllers/ingest/controller';
import { useIngest, useReviewer, useTrainer } from './session-context';

/** The overview's head: back to the list, the dataset's name, Train and Review. */
export function OverviewHead({ meta }: { meta: DatasetMeta }) {
  const workbench = useIngest();
  const trainer = useTrainer();
  const reviewer = useReviewer();
  return (
    <div className="overview-head">
      <button type="button" className="link" onClick={() => workbench.goStart()}>
        ← All datasets
      </button>
      <h2 data-testid="overview-name">{meta.name}</h2>
      <button type="button" onClick={() => void trainer.openTrain()}>
        Train a model
      </button>
      <button type="button" data-testid="open-review" onClick={() => void reviewer.open(meta.id)}>
        Review
      </button>
    </div>
  );
}
