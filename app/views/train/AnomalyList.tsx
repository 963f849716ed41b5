import { useApp, useTrainer } from '../session-context';
import { anomalyLabel, formatDuration } from './format';

function magnitude(kind: string, value: number): string {
  if (!Number.isFinite(value)) return 'non-finite';
  switch (kind) {
    case 'loss-spike':
    case 'grad-spike':
      return `${value.toFixed(1)} robust dev.`;
    case 'validation-drop':
      return `−${(value * 100).toFixed(1)} points`;
    case 'divergence':
      return `+${(value * 100).toFixed(1)}% val. loss`;
    case 'class-stall':
      return `${value.toFixed(1)}× others`;
    default:
      return value.toPrecision(3);
  }
}

/** The anomalies of the run on show, with "Show its samples" for batch anomalies. */
export function AnomalyList() {
  const trainer = useTrainer();
  const anomalies = useApp((s) => s.curves?.anomalies ?? null);
  const live = useApp((s) => s.live !== null && s.live.runId === s.shownRun?.id);
  const selected = useApp((s) => s.sampleList?.anomaly ?? null);
  return (
    <section className="panel" aria-labelledby="anomalies-title" data-testid="anomaly-list">
      <h3 id="anomalies-title">Anomalies</h3>
      {anomalies === null || anomalies.length === 0 ? (
        <p className="muted" data-testid="anomaly-empty">
          {anomalies === null
            ? 'No run on show.'
            : live
              ? 'No anomalies so far: the curves look healthy.'
              : 'No anomalies were detected in this run.'}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="anomalies">
            <thead>
              <tr>
                <th>Time</th>
                <th>Kind</th>
                <th className="num">Magnitude</th>
                <th>Where</th>
                <th>What</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {anomalies.map((a, index) => (
                <tr
                  // The list only grows, in order: the index is a stable key.
                  // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
                  key={index}
                  data-testid="anomaly-row"
                  data-kind={a.kind}
                  aria-selected={selected === index}
                >
                  <td className="num">{formatDuration(a.elapsedMs)}</td>
                  <td>{anomalyLabel(a.kind)}</td>
                  <td className="num">{magnitude(a.kind, a.magnitude)}</td>
                  <td>
                    epoch {a.epoch + 1}
                    {'batch' in a && `, batch ${a.batch + 1}`}
                  </td>
                  <td className="wrap">{a.message}</td>
                  <td>
                    {'sampleRows' in a && (
                      <button type="button" className="link" onClick={() => void trainer.showSamples(index)}>
                        Show its samples
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SampleList />
    </section>
  );
}

/** The samples of the selected anomaly's batch. */
function SampleList() {
  const trainer = useTrainer();
  const list = useApp((s) => s.sampleList);
  if (!list) return null;
  return (
    <div className="sample-list" data-testid="sample-list">
      <h4>
        {list.title} ({list.rows.length} samples)
      </h4>
      {list.note && <p className="muted">{list.note}</p>}
      {list.rows.length > 0 && (
        <ol className="sample-ids">
          {list.rows.map((r) => (
            <li key={r.row} data-row={r.row}>
              <span className="mono">{r.id}</span>{' '}
              <span className="muted small">
                (row {r.row}, label {r.label})
              </span>
            </li>
          ))}
        </ol>
      )}
      <button type="button" className="link" onClick={() => trainer.hideSamples()}>
        Close
      </button>
    </div>
  );
}
