import { useCallback, useState } from 'react';
import { epochSeries } from '../../charts/curves';
import type { ChartModel } from '../../charts/line-chart';
import type { ComparedRun, RunId } from '../../controllers/train/controller';
import { formatCount } from '../../format';
import { useApp, useReviewer, useTrainer } from '../session-context';
import { Chart } from '../train/Chart';
import { formatMetric } from '../train/format';

type Phase =
  | { kind: 'idle' }
  | { kind: 'training' }
  | { kind: 'failed'; message: string }
  | { kind: 'done'; before: ComparedRun; after: ComparedRun };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A run's epoch loss and accuracy charts (train and validation), drawn by the training screen's chart. */
function EpochCharts({ side, run }: { side: 'before' | 'after'; run: ComparedRun }) {
  const { epochs } = run.curves;
  const lastEpoch = Math.max(2, epochs.length);
  const loss = useCallback(
    (): ChartModel => ({ series: epochSeries(epochs, 'loss'), markers: [], xDomain: [1, lastEpoch] }),
    [epochs, lastEpoch],
  );
  const accuracy = useCallback(
    (): ChartModel => ({ series: epochSeries(epochs, 'accuracy'), markers: [], xDomain: [1, lastEpoch] }),
    [epochs, lastEpoch],
  );
  return (
    <div className="retrain-side" data-testid={`retrain-${side}`}>
      <h4>{side === 'before' ? 'Before (scored run)' : 'After (without quarantined rows)'}</h4>
      <Chart
        title="Loss per epoch"
        testId={`retrain-${side}-loss`}
        yScale="linear"
        xLabel="epoch"
        yLabel="loss"
        zoomable={false}
        makeModel={loss}
        count={epochs.length}
      />
      <Chart
        title="Accuracy per epoch"
        testId={`retrain-${side}-accuracy`}
        yScale="linear"
        xLabel="epoch"
        yLabel="accuracy"
        yDomain={[0, 1]}
        zoomable={false}
        makeModel={accuracy}
        count={epochs.length}
      />
    </div>
  );
}

/** Validation accuracy before and after, overall and per class. */
function AccuracyTable({
  before,
  after,
  classes,
}: {
  before: ComparedRun;
  after: ComparedRun;
  classes: string[];
}) {
  const overall = (r: ComparedRun) => r.accuracy?.overall ?? r.record.final?.valAccuracy ?? Number.NaN;
  const rows = [
    { key: 'all', name: 'All classes', b: overall(before), a: overall(after) },
    ...classes.map((name, c) => ({
      key: `c${c}`,
      name,
      b: before.accuracy?.perClass[c] ?? Number.NaN,
      a: after.accuracy?.perClass[c] ?? Number.NaN,
    })),
  ];
  return (
    <div className="table-scroll">
      <table data-testid="retrain-accuracy">
        <thead>
          <tr>
            <th>Validation accuracy</th>
            <th className="num">Before</th>
            <th className="num">After</th>
            <th className="num">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid={r.key === 'all' ? 'retrain-overall' : 'retrain-class'}>
              {/* Class names come from the dataset: rendered as text. */}
              <td>{r.name}</td>
              <td className="num" data-testid="acc-before" data-value={r.b}>
                {formatMetric(r.b, true)}
              </td>
              <td className="num" data-testid="acc-after" data-value={r.a}>
                {formatMetric(r.a, true)}
              </td>
              <td className="num">
                {Number.isFinite(r.a - r.b)
                  ? `${r.a >= r.b ? '+' : ''}${((r.a - r.b) * 100).toFixed(1)} pt`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Retrain on clean: one click trains the scored run's settings without the quarantined rows, then compares the two
 * runs side by side.
 */
export function RetrainPanel() {
  const trainer = useTrainer();
  const reviewer = useReviewer();
  const runId = useApp((s) => s.review.summary?.runId ?? null);
  const quarantinedCount = useApp((s) => s.review.decisions.quarantined);
  const classes = useApp((s) => s.current?.classes ?? []);
  const live = useApp((s) => s.live);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });

  const retrain = async () => {
    if (!runId) return;
    setPhase({ kind: 'training' });
    try {
      const { before, after } = await trainer.retrainAndCompare(
        runId as RunId,
        await reviewer.quarantinedRows(),
      );
      setPhase({ kind: 'done', before, after });
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
          <p className="muted" data-testid="retrain-split-note">
            Removing rows redraws the stratified validation split, so before and after are measured on
            different (mostly overlapping) validation rows.
          </p>
          <AccuracyTable before={phase.before} after={phase.after} classes={classes} />
          <div className="retrain-compare">
            <EpochCharts side="before" run={phase.before} />
            <EpochCharts side="after" run={phase.after} />
          </div>
        </>
      )}
    </section>
  );
}
