/**
 * The samples (ids and labels) of the batch behind an anomaly of the run on show, for the training screen. The
 * anomaly carries its batch's rows; the train worker names them (it reads the dataset's ids itself, so the page
 * never splits every id of a large dataset).
 */
import type { NamedSample } from '../../../workers/train.api';
import type { DatasetId } from '../../db/schema';
import type { AppStore } from '../../state/store';

/** Names dataset rows of a dataset: the train worker's `samplesOf`. */
export type NameRows = (datasetId: DatasetId, rows: Int32Array) => Promise<NamedSample[]>;

/** Lists anomalies' samples. */
export class AnomalySamples {
  constructor(
    private readonly store: AppStore,
    private readonly nameRows: NameRows,
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
    const rows = anomaly.sampleRows;
    const named = rows.length ? await this.nameRows(current.id, rows) : [];
    if (this.store.getState().current?.id !== current.id) return;
    this.store.getState().setSampleList({
      anomaly: index,
      title,
      rows: named.map(({ row, id, label }) => ({ row, id, label: current.classes[label] ?? '?' })),
      note: rows.length ? null : 'The rows of this batch were not recorded (training stopped inside it).',
    });
  }
}
