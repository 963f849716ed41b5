import { formatCount } from '../format';
import { ProblemList } from './ProblemList';
import { useApp, useImageImport, useIngest } from './session-context';

/** What became of the last import, shown on the start screen when it did not end in a dataset. */
export function ImportOutcome() {
  const job = useApp((s) => s.job);
  const hasDraft = useApp((s) => s.draft !== null || s.imageDraft !== null);
  const isImages = useApp((s) => s.imageDraft !== null);
  const workbench = useIngest();
  const images = useImageImport();
  // The form is kept after a failure or a cancel, so a limit or a column role can be changed and the import retried.
  const retry = hasDraft && (
    <button
      type="button"
      className="secondary"
      onClick={() => (isImages ? images.reopenDraft() : workbench.reopenDraft())}
    >
      Change the import settings
    </button>
  );
  switch (job.kind) {
    case 'failed':
      return (
        <div className="notice notice-error" role="alert" data-testid="import-error">
          <h2>Import of {job.fileName} failed</h2>
          {job.detail !== null && <p>{job.detail}</p>}
          {job.problems.length > 0 && <ProblemList problems={job.problems} />}
          <p className="muted">Nothing was stored; the datasets below are unchanged.</p>
          {retry}
        </div>
      );
    case 'cancelled':
      return (
        <div className="notice" role="status" data-testid="import-cancelled">
          <p>Import of {job.fileName} cancelled. Nothing was stored.</p>
          {retry}
        </div>
      );
    case 'done':
      return (
        <div className="notice" role="status">
          Imported {formatCount(job.rows)} rows from {job.fileName}.
        </div>
      );
    case 'idle':
    case 'running':
      return null;
    default:
      return job satisfies never;
  }
}
