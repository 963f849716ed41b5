import { formatCount, formatSeconds } from '../format';
import { useApp } from './session-context';

/** After a fresh import: how long it took, phase by phase (the benchmark reads these figures). */
export function ImportSummary() {
  const job = useApp((s) => s.job);
  const currentId = useApp((s) => s.current?.id);
  if (job.kind !== 'done' || job.datasetId !== currentId) return null;
  const t = job.timings;
  return (
    <div
      className="notice notice-ok"
      role="status"
      data-testid="import-summary"
      data-rows={job.rows}
      data-timings={JSON.stringify(t)}
    >
      Imported {formatCount(job.rows)} rows in {formatSeconds(t.totalMs)}
      <span className="muted">
        {' '}
        (read {formatSeconds(t.readMs)}, parse, validate and hash {formatSeconds(t.parseMs)}, transfer{' '}
        {formatSeconds(t.transferMs)}, store {formatSeconds(t.storeMs)})
      </span>
    </div>
  );
}
