/** The samples (ids and labels) of the batch behind an anomaly of the run on show, for the training screen. */
import type { RunStore } from '../../db/runs';
import type { DatasetId } from '../../db/schema';
import type { AppStore } from '../../state/store';

/** Lists anomalies' samples; the dataset's ids are read once per dataset. */
export class AnomalySamples {
  private ids: { datasetId: DatasetId; ids: string[]; labels: Int32Array } | null = null;

  constructor(
    private readonly store: AppStore,
    private readonly runs: Promise<RunStore>,
  ) {}

  /** Lists the samples of anomaly `index` of the run on show. */
  async show(index: number): Promise<void> {
    const { curves, current, shownRun } = this.store.getState();
    const anomaly = curves?.anomalies[index];
    if (!anomaly || !current || !shownRun) return;
    const title =
      'batch' in anomaly
        ? `Samples of epoch ${anomaly.epoch + 1}, batch ${anomaly.batch + 1}`
        : `Epoch ${anomaly.epoch + 1}`;
    if (!('sampleRows' in anomaly)) {
      this.store.getState().setSampleList({
        anomaly: index,
        title,
        rows: [],
        note: 'This anomaly is about a whole epoch, not one batch.',
      });
      return;
    }
    {
      const rows = anomaly.sampleRows;
      if (this.ids?.datasetId !== current.id) {
        const loaded = await (await this.runs).loadIds(current.id);
        if (!loaded) throw new Error('The dataset is no longer stored in this browser.');
        this.ids = { datasetId: current.id, ...loaded };
      }
      const { ids, labels } = this.ids;
      this.store.getState().setSampleList({
        anomaly: index,
        title,
        rows: Array.from(rows, (row) => ({
          row,
          id: ids[row] ?? `row-${row}`,
          label: current.classes[labels[row] ?? -1] ?? '?',
        })),
        note: rows.length ? null : 'The rows of this batch were not recorded (training stopped inside it).',
      });
    }
  }
}
