import { useEffect, useState } from 'react';
import { errorText } from '../../../workers/core/error-text';
import { percent } from '../../../workers/core/review/why';
import type { ComparisonEntry } from '../../controllers/review/comparisons';
import type { ComparedRun, RunId } from '../../controllers/train/controller';
import { formatCount, formatDate } from '../../format';
import { useApp, useReviewer, useTrainer } from '../session-context';
import { RetrainComparisonView } from './RetrainComparisonView';

type Phase =
  | { kind: 'idle' }
  | { kind: 'training' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; after: ComparedRun; entry: ComparisonEntry };

/**
 * Retrain on clean: one click trains the scored run's settings without the quarantined rows, then compares the two
 * runs on the validation rows both held out; every comparison is kept with the run and listed.
 */
export function RetrainPanel() {
  const trainer = useTrainer();
  const reviewer = useReviewer();
  const runId = useApp((s) => s.review.summary?.runId ?? null);
  const quarantinedCount = useApp((s) => s.review.decisions.quarantined);
  const classes = useApp((s) => s.current?.classes ?? []);
  const live = useApp((s) => s.live);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [stored, setStored] = useState<ComparisonEntry[]>([]);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (runId) void reviewer.comparisons.list().then((list) => live && setStored(list));
    return () => {
      live = false;
    };
  }, [runId, reviewer]);
  const listed = stored.find((e) => e.afterRunId === shown) ?? null;

  const retrain = async () => {
    if (!runId) return;
    setPhase({ kind: 'training' });
    try {
      const { after } = await trainer.retrainAndCompare(runId as RunId, await reviewer.quarantinedRows());
      const entry = await reviewer.comparisons.compare(after.record.id);
      setPhase({ kind: 'done', after, entry });
      setStored(await reviewer.comparisons.list());
    } catch (error) {
      setPhase({ kind: 'failed', message: errorText(error) });
    }
  };

  // The new run is scored on the training screen, like any run; its review then opens from there.
  const openNew = async () => {
    if (phase.kind !== 'done') return;
    await trainer.openTrain();
    await trainer.openRun(phase.after.record.id);
  };

  const progress = live?.progress;
  return (
    <section
      className="panel"
      aria-labelledby="retrain-title"
      data-testid="retrain-panel"
      data-status={phase.kind}
      data-run-id={runId ?? ''}
    >
      <h3 id="retrain-title">Retrain on clean</h3>
      <p>
        <button
          type="button"
          data-testid="retrain"
          disabled={!runId || quarantinedCount === 0 || phase.kind === 'training' || live !== null}
          onClick={() => void retrain()}
        >
          Retrain without {formatCount(quarantinedCount)} quarantined rows
        </button>{' '}
        <span className="muted">Same settings and seed as the scored run.</span>
      </p>
      {phase.kind === 'training' && (
        <p className="muted" data-testid="retrain-progress">
          Training…{' '}
          {progress
            ? `epoch ${progress.epoch + 1}, ${formatCount(progress.stepsDone)} / ${formatCount(progress.totalSteps)} batches`
            : ''}
        </p>
      )}
      {phase.kind === 'failed' && <p role="alert">{phase.message}</p>}
      {phase.kind === 'done' && (
        <>
          <p
            data-testid="retrain-excluded"
            data-count={phase.after.record.excludedRows?.length ?? 0}
            data-run-id={phase.after.record.id}
          >
            The new run trained without {formatCount(phase.after.record.excludedRows?.length ?? 0)}{' '}
            quarantined rows.{' '}
            <button type="button" className="link" data-testid="retrain-open" onClick={() => void openNew()}>
              Score and review it
            </button>
          </p>
          <RetrainComparisonView entry={phase.entry} classes={classes} />
        </>
      )}
      {stored.length > 0 && (
        <>
          <h4>Comparisons kept with this run</h4>
          <ul data-testid="retrain-stored">
            {stored.map((e) => (
              <li key={e.afterRunId} data-after={e.afterRunId}>
                <button
                  type="button"
                  className="link"
                  onClick={() => setShown(shown === e.afterRunId ? null : e.afterRunId)}
                >
                  {formatDate(e.createdAt)}
                </button>{' '}
                <span className="muted">
                  without {formatCount(e.excluded)} rows · validation accuracy{' '}
                  {percent(e.comparison.before.overall)} → {percent(e.comparison.after.overall)} on{' '}
                  {formatCount(e.comparison.sharedRows)} shared rows
                </span>
              </li>
            ))}
          </ul>
          {listed && phase.kind !== 'training' && <RetrainComparisonView entry={listed} classes={classes} />}
        </>
      )}
    </section>
  );
}
