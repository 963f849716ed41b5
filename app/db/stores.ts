/** Every store of Sift's database over one connection: what the session hands its controllers. */
import { ComparisonStore } from './comparisons';
import { DatasetStore } from './datasets';
import { DecisionStore } from './decisions';
import type { SiftDb } from './open';
import { RunStore } from './runs';
import { ScoreStore } from './scores';

export interface Stores {
  db: SiftDb;
  datasets: DatasetStore;
  runs: RunStore;
  scores: ScoreStore;
  decisions: DecisionStore;
  comparisons: ComparisonStore;
}

/** The stores over `db`. */
export function storesOf(db: SiftDb): Stores {
  return {
    db,
    datasets: new DatasetStore(db),
    runs: new RunStore(db),
    scores: new ScoreStore(db),
    decisions: new DecisionStore(db),
    comparisons: new ComparisonStore(db),
  };
}
