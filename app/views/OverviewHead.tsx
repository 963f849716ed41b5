import type { ReactNode } from 'react';
import type { DatasetMeta } from '../controllers/ingest/controller';
import { formatCount } from '../format';
import { ClassBalanceChart } from './ClassBalanceChart';
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

/**
 * The overview's counts, the same for every kind of dataset: rows (`rowsLabel`: Rows, Images), what each row is made
 * of (`middle`: the features, or the image size), and classes.
 */
export function OverviewCounts(props: {
  meta: DatasetMeta;
  rowsLabel: string;
  middle: { label: string; testId: string; value: string | number; text: ReactNode };
}) {
  const { meta, rowsLabel, middle } = props;
  return (
    <dl className="counts">
      <div>
        <dt>{rowsLabel}</dt>
        <dd data-testid="overview-rows" data-value={meta.rows}>
          {formatCount(meta.rows)}
        </dd>
      </div>
      <div>
        <dt>{middle.label}</dt>
        <dd data-testid={middle.testId} data-value={middle.value}>
          {middle.text}
        </dd>
      </div>
      <div>
        <dt>Classes</dt>
        <dd data-testid="overview-classes" data-value={meta.classes.length}>
          {formatCount(meta.classes.length)}
        </dd>
      </div>
    </dl>
  );
}

/** The overview's class balance panel. */
export function ClassBalancePanel({ meta }: { meta: DatasetMeta }) {
  return (
    <section className="panel" aria-labelledby="balance-title">
      <h3 id="balance-title">Class balance</h3>
      <ClassBalanceChart classes={meta.classes} counts={meta.classCounts} />
    </section>
  );
}
