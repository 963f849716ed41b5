import { formatBytes, formatCount, formatSeconds } from '../format';
import { useApp, useImageImport, useIngest } from './session-context';

const IMAGE_PHASES = {
  scan: 'checking entries and reading headers',
  decode: 'decoding, resizing and hashing images',
  store: 'storing in this browser',
} as const;

/** Progress of the running import: a bar, rows, bytes and throughput (images: phase and count), and Cancel. */
export function ImportProgress() {
  const job = useApp((s) => s.job);
  const workbench = useIngest();
  const images = useImageImport();
  if (job.kind !== 'running') return null;
  const progress = job.progress;
  if (job.images) {
    const phase = progress && 'phase' in progress ? progress : null;
    return (
      <section className="panel progress-panel" aria-labelledby="progress-title">
        <h2 id="progress-title">Importing {job.fileName}</h2>
        <progress
          aria-label="Import progress"
          max={phase?.total ?? 1}
          value={phase?.done ?? 0}
          data-testid="import-progress-bar"
        />
        <p data-testid="import-progress" data-phase={phase?.phase ?? 'start'} aria-live="polite">
          {!phase
            ? 'Reading the archive…'
            : phase.phase === 'store'
              ? `Every image decoded; ${IMAGE_PHASES.store}…`
              : `${formatCount(phase.done)} of ${formatCount(phase.total)} ${phase.phase === 'scan' ? 'entries' : 'images'} · ${IMAGE_PHASES[phase.phase]} · ${formatSeconds(phase.elapsedMs)}`}
        </p>
        <button
          type="button"
          className="secondary"
          onClick={() => void images.cancelImport()}
          disabled={job.storing}
        >
          Cancel import
        </button>
      </section>
    );
  }
  const bytesRead = progress && 'bytesRead' in progress ? progress.bytesRead : 0;
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
          : `${formatCount(progress && 'rows' in progress ? progress.rows : 0)} rows · ${formatBytes(bytesRead)} of ${formatBytes(job.totalBytes)} · ${formatBytes(rate)}/s`}
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
