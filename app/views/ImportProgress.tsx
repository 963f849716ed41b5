import { formatBytes, formatCount } from '../format';
import { useApp, useIngest } from './session-context';

/** Progress of the running import: a bar, rows, bytes and throughput, and Cancel. */
export function ImportProgress() {
  const job = useApp((s) => s.job);
  const workbench = useIngest();
  if (job.kind !== 'running') return null;
  const progress = job.progress;
  const bytesRead = progress?.bytesRead ?? 0;
  const seconds = (progress?.elapsedMs ?? 0) / 1000;
  const rate = seconds > 0 ? bytesRead / seconds : 0;
  return (
    <section className="panel progress-panel" aria-labelledby="progress-title">
      <h2 id="progress-title">Importing {job.fileName}</h2>
      <progress
        aria-label="Import progress"
        max={job.totalBytes}
        value={job.storing ? job.totalBytes : bytesRead}
        data-testid="import-progress-bar"
      />
      <p data-testid="import-progress" aria-live="polite">
        {job.storing
          ? 'Parsed and validated; storing in this browser…'
          : `${formatCount(progress?.rows ?? 0)} rows · ${formatBytes(bytesRead)} of ${formatBytes(job.totalBytes)} · ${formatBytes(rate)}/s`}
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() => void workbench.cancelImport()}
        disabled={job.storing}
      >
        Cancel import
      </button>
    </section>
  );
}
