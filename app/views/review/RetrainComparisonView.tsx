import { useCallback } from 'react';
import { percent } from '../../../workers/core/review/why';
import type { ChartModel } from '../../charts/line-chart';
import type { ComparisonEntry } from '../../controllers/review/comparisons';
import { formatDate } from '../../format';
import { Chart } from '../train/Chart';

/** One stored comparison: the shared validation rows, one overlaid accuracy chart, per class, the quarantined rows. */
export function RetrainComparisonView({ entry, classes }: { entry: ComparisonEntry; classes: string[] }) {
  const { comparison: c } = entry;
  const epochs = Math.max(2, c.before.accuracy.length, c.after.accuracy.length);
  const accuracy = useCallback(
    (): ChartModel => ({
      series: [
        {
          key: 'before',
          label: 'before (scored run)',
          className: 'line line-train',
          points: c.before.accuracy.map((a, e) => [e + 1, a]),
        },
        {
          key: 'after',
          label: `after (without ${entry.excluded.toLocaleString()} rows)`,
          className: 'line line-val',
          points: c.after.accuracy.map((a, e) => [e + 1, a]),
        },
      ],
      markers: [],
      xDomain: [1, epochs],
    }),
    [c, epochs, entry.excluded],
  );
  const q = c.quarantined;
  return (
    <div className="retrain-comparison" data-testid="retrain-comparison" data-after={entry.afterRunId}>
      <p data-testid="retrain-shared" data-rows={c.sharedRows}>
        Compared {formatDate(entry.createdAt)} on the same {c.sharedRows.toLocaleString()} validation rows
        (held out by both runs, none of them quarantined).
      </p>
      <Chart
        title="Validation accuracy per epoch, before and after"
        testId="retrain-accuracy-chart"
        yScale="linear"
        xLabel="epoch"
        yLabel="accuracy"
        yDomain={[0, 1]}
        zoomable={false}
        makeModel={accuracy}
        count={epochs}
      />
      <table className="compact" data-testid="retrain-accuracy">
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col" className="num">
              validation rows
            </th>
            <th scope="col" className="num">
              before
            </th>
            <th scope="col" className="num">
              after
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="retrain-overall">
            <th scope="row">all classes</th>
            <td className="num">{c.sharedRows.toLocaleString()}</td>
            <td className="num" data-testid="acc-before" data-value={c.before.overall}>
              {percent(c.before.overall)}
            </td>
            <td className="num" data-testid="acc-after" data-value={c.after.overall}>
              {percent(c.after.overall)}
            </td>
          </tr>
          {classes.map((name, k) => (
            <tr key={name} data-testid="retrain-class">
              <th scope="row">{name}</th>
              <td className="num">{(c.classRows[k] ?? 0).toLocaleString()}</td>
              <td className="num">{percent(c.before.perClass[k] ?? Number.NaN)}</td>
              <td className="num">{percent(c.after.perClass[k] ?? Number.NaN)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="retrain-quarantined" data-rows={q.rows} data-after-assigned={q.afterAssigned}>
        The retrained model, which never saw the {q.rows.toLocaleString()} quarantined rows, gives{' '}
        {q.afterAssigned.toLocaleString()} of them their given label and{' '}
        {(q.rows - q.afterAssigned).toLocaleString()} (
        {percent(q.rows > 0 ? 1 - q.afterAssigned / q.rows : 0)}) another
        {q.beforeAssigned !== null
          ? `; the run before gave ${q.beforeAssigned.toLocaleString()} of them their label`
          : ''}
        . Rows whose label nothing else in the data supports are likely poison.
      </p>
    </div>
  );
}
