import { num, percent } from '../../../../workers/core/review/why';
import type { RowDetail } from '../../../controllers/review/controller';
import { Term } from '../Term';

/** Every score of the sample: its value, its percentile in the run and the run's median, each name explained on hover. */
export function ScoreTable({ detail }: { detail: RowDetail }) {
  return (
    <table className="detail-scores compact" data-testid="detail-scores">
      <caption>Every score of this sample against the scored rows (higher is more suspicious)</caption>
      <thead>
        <tr>
          <th scope="col">score</th>
          <th scope="col" className="num">
            value
          </th>
          <th scope="col" className="num">
            <Term name="percentile" />
          </th>
          <th scope="col" className="num">
            <Term name="bulk" label="median" />
          </th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(detail.scores).map(([name, value]) => {
          const p = detail.percentiles[name];
          const bulk = detail.bulk[name];
          return (
            <tr key={name} data-score={name}>
              <th scope="row">
                <Term name={name} />
              </th>
              <td className="num">{num(value)}</td>
              <td className="num">{p === undefined ? '—' : percent(p)}</td>
              <td className="num">{bulk === undefined ? '—' : num(bulk)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
