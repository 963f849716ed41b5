import { crowdedTopNote } from '../../../workers/core/calibration/report';
import type { CalibrationReport } from '../../../workers/core/calibration/types';
import { CANARY_KIND_TEXT } from '../../../workers/core/canary/types';
import { formatCount } from '../../format';
import { FAMILY_LABEL } from './ScoreStart';

const percent = (share: number) => `${Math.round(100 * share)}%`;

/**
 * What the canaries measured on this dataset (issue 10): the report's sentence, per injected kind the share found
 * among the top 1% and 5% of the analyst's rows, the family that finds it best and how many rows look like it, and
 * the estimate of poisoned rows. Canary rows themselves are never listed: they were only in the calibration run.
 */
export function CalibrationCard({ report, rows }: { report: CalibrationReport; rows: number }) {
  const { canary, estimate } = report;
  return (
    <section
      className="calibration-card"
      aria-labelledby="calibration-title"
      data-testid="calibration-card"
      data-estimate={estimate.rows}
    >
      <h4 id="calibration-title">Calibrated on canaries</h4>
      <p data-testid="calibration-sentence">{report.sentence}</p>
      <p className="muted">
        {formatCount(canary.canaries)} synthetic poisoned rows
        {canary.companions > 0 ? ` and ${formatCount(canary.companions)} clean companion rows` : ''} (seed{' '}
        {canary.seed}) were added to a copy of the {formatCount(rows)} rows for a second training; one half of
        the poisoned rows fitted the ranking, the other half measured it below. No added row is among the
        scored rows, the review or the exports.
      </p>
      <table className="calibration-kinds" data-testid="calibration-kinds">
        <caption>Injected poison found, per kind (measured on the half not used to fit)</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Found in the top 1%</th>
            <th scope="col">Found in the top 5%</th>
            <th scope="col">Found best by</th>
            <th scope="col">Rows that look like it</th>
          </tr>
        </thead>
        <tbody>
          {report.kinds.map((k) => (
            <tr key={k.kind} data-testid="calibration-kind" data-kind={k.kind}>
              <th scope="row">{CANARY_KIND_TEXT[k.kind]}</th>
              <td>{percent(k.fused.recallAt1)}</td>
              <td>{percent(k.fused.recallAt5)}</td>
              <td>{FAMILY_LABEL[k.carriedBy]}</td>
              <td>{formatCount(k.estimatedRows)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {crowdedTopNote(estimate) && (
        <p className="muted" data-testid="calibration-crowded">
          {crowdedTopNote(estimate)}
        </p>
      )}
      <p data-testid="calibration-estimate">
        Estimated poisoned rows: <strong>{formatCount(estimate.rows)}</strong> of {formatCount(rows)} (
        {(100 * estimate.fraction).toFixed(1)}%). This is the flag budget of the families above and the
        review's default number of top suspects to select.
      </p>
    </section>
  );
}
