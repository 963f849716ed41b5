import { useEffect, useRef, useState } from 'react';
import type { DatasetId } from '../../controllers/ingest/controller';
import type { RunId } from '../../controllers/train/controller';
import { formatDate } from '../../format';
import { ReviewGrid } from '../images/ReviewGrid';
import { useApp, useIngest, useReviewer, useTrainer } from '../session-context';
import { DetailPanel } from './DetailPanel';
import { ExportPanel } from './ExportPanel';
import { Filters } from './Filters';
import { Histograms } from './Histograms';
import { MapPanel } from './MapPanel';
import { RetrainPanel } from './RetrainPanel';
import { ReviewTable } from './ReviewTable';

/** Keys j/k move, q quarantines, r restores, u undoes, shift+u or ctrl+y redoes (ignored while typing). */
function useReviewKeys(root: React.RefObject<HTMLDivElement | null>) {
  const reviewer = useReviewer();
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest('input, select, textarea')) return;
      const key = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && key === 'y') void reviewer.redo();
      else if (e.ctrlKey || e.metaKey || e.altKey) return;
      else if (key === 'j') void reviewer.move(1);
      else if (key === 'k') void reviewer.move(-1);
      else if (key === 'q') void reviewer.decide('quarantine');
      else if (key === 'r') void reviewer.decide('keep');
      else if (key === 'u' && e.shiftKey) void reviewer.redo();
      else if (key === 'u') void reviewer.undo();
      else return;
      e.preventDefault();
    };
    el.addEventListener('keydown', onKey);
    return () => el.removeEventListener('keydown', onKey);
  }, [reviewer, root]);
}

function DecisionBar() {
  const reviewer = useReviewer();
  const selection = useApp((s) => s.review.selection);
  const reason = useApp((s) => s.review.reason);
  const canUndo = useApp((s) => s.review.decisions.canUndo);
  const canRedo = useApp((s) => s.review.decisions.canRedo);
  const quarantined = useApp((s) => s.review.decisions.quarantined);
  const suggestion = useApp((s) => s.review.suggestion);
  const topDefault = useApp((s) => s.review.summary?.topDefault);
  const q = useApp((s) => s.review.summary?.q ?? 0);
  const scoredRows = useApp((s) => s.review.summary?.scoredRows ?? 0);
  const patch = useApp((s) => s.patchReview);
  const [typedTop, setTop] = useState<number | null>(null);
  const top = typedTop ?? topDefault?.count ?? 1;
  return (
    <div className="decision-bar" data-testid="decision-bar">
      <span data-testid="selection-count" data-count={selection.length}>
        {selection.length.toLocaleString()} selected
      </span>
      <label>
        Select top{' '}
        <input
          type="number"
          min={1}
          value={top}
          data-testid="top-n"
          onChange={(e) => setTop(Math.max(1, Number(e.target.value) || 1))}
        />
      </label>
      <button type="button" data-testid="select-top" onClick={() => void reviewer.selectTop(top)}>
        Select
      </button>
      {topDefault && typedTop === null && (
        <span className="muted" data-testid="top-source" data-source={topDefault.source}>
          {topDefault.source === 'estimate'
            ? 'the calibration’s estimate of poisoned rows'
            : `the flag budget of this score set: ${Number((100 * q).toPrecision(3))}% of ${scoredRows.toLocaleString()} rows`}
        </span>
      )}
      <label>
        Reason{' '}
        <input
          value={reason}
          data-testid="reason"
          placeholder={suggestion === '' ? 'families, free text' : suggestion}
          title="Typed text is kept while you move; when empty, the families that flag the selection are the reason"
          onChange={(e) => patch({ reason: e.target.value })}
        />
      </label>
      <button type="button" data-testid="quarantine" onClick={() => void reviewer.decide('quarantine')}>
        Quarantine (q)
      </button>
      <button type="button" data-testid="restore" onClick={() => void reviewer.decide('keep')}>
        Restore (r)
      </button>
      <button type="button" data-testid="undo" disabled={!canUndo} onClick={() => void reviewer.undo()}>
        Undo (u)
      </button>
      <button type="button" data-testid="redo" disabled={!canRedo} onClick={() => void reviewer.redo()}>
        Redo (shift+u)
      </button>
      <span data-testid="quarantined-count" data-count={quarantined}>
        {quarantined.toLocaleString()} quarantined
      </span>
    </div>
  );
}

/** The header names the dataset, the scored run and when it was scored, with a way back to the dataset. */
function ReviewHead() {
  const workbench = useIngest();
  const data = useApp((s) => s.review.summary);
  const opened = useApp((s) => s.review.opened);
  const datasetId = data?.datasetId ?? opened?.datasetId;
  return (
    <div className="review-head" data-testid="review-head">
      {datasetId && (
        <button
          type="button"
          className="link"
          onClick={() => void workbench.openDataset(datasetId as DatasetId)}
        >
          ← Dataset
        </button>
      )}
      <h2>Review{data ? ` of ${data.datasetName}` : ''}</h2>
      {data && (
        <span className="muted">
          {data.run
            ? `${data.run.model}, ${data.run.epochs} epochs, trained ${formatDate(data.run.createdAt)}${
                data.run.excluded > 0 ? ` without ${data.run.excluded.toLocaleString()} quarantined rows` : ''
              }`
            : 'the scored run is no longer stored'}
          {` · scored ${formatDate(data.scoredAt)} · ${data.scoredRows.toLocaleString()} of ${data.rows.toLocaleString()} rows scored`}
        </span>
      )}
    </div>
  );
}

/** Review before scoring: says why there is nothing to review and offers the way on (score a run, or train one). */
function NotScored() {
  const status = useApp((s) => s.review.status);
  const opened = useApp((s) => s.review.opened);
  const trainer = useTrainer();
  const workbench = useIngest();
  if (status.kind !== 'empty') return null;
  const toTraining = async (runId: string | null) => {
    if (opened) await workbench.openDataset(opened.datasetId as DatasetId);
    await trainer.openTrain();
    if (runId) await trainer.openRun(runId as RunId);
  };
  return (
    <div data-testid="review-empty">
      <p>{status.message}</p>
      {status.scorable ? (
        <button
          type="button"
          data-testid="review-go-score"
          onClick={() => void toTraining(status.scorable?.runId ?? null)}
        >
          Score the run trained {formatDate(status.scorable.createdAt)}
        </button>
      ) : (
        <button type="button" data-testid="review-go-train" onClick={() => void toTraining(null)}>
          {status.runs > 0 ? 'Open training' : 'Train a model'}
        </button>
      )}
    </div>
  );
}

/** The samples as the table, or for image datasets as the table or a grid of thumbnails (same order, same keys). */
function SamplesView() {
  const images = useApp((s) => Boolean(s.review.summary?.image));
  const [grid, setGrid] = useState(false);
  if (!images) return <ReviewTable />;
  return (
    <>
      <fieldset className="view-toggle" data-testid="samples-view">
        <legend className="visually-hidden">Show the samples as</legend>
        <button type="button" className="link" aria-pressed={!grid} onClick={() => setGrid(false)}>
          Table
        </button>
        <button type="button" className="link" aria-pressed={grid} onClick={() => setGrid(true)}>
          Grid
        </button>
      </fieldset>
      {grid ? <ReviewGrid /> : <ReviewTable />}
    </>
  );
}

/** The review screen: table, detail, linked maps, histograms, decisions, export and verify. */
export function ReviewView() {
  const status = useApp((s) => s.review.status);
  const root = useRef<HTMLDivElement>(null);
  useReviewKeys(root);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the review keys (j/k/q/r/u) listen on this region
    <div className="review" data-testid="review-view" data-status={status.kind} ref={root} tabIndex={0}>
      <ReviewHead />
      {status.kind === 'loading' && <p className="muted">Loading scores…</p>}
      {status.kind === 'empty' && <NotScored />}
      {status.kind === 'failed' && <p role="alert">{status.message}</p>}
      {status.kind === 'ready' && (
        <>
          <DecisionBar />
          <div className="review-body">
            <div className="review-main">
              <div className="review-left">
                <Filters />
                <SamplesView />
              </div>
              <DetailPanel />
            </div>
            <div className="review-maps" data-testid="review-maps">
              <MapPanel space="pca" title="Embedding map (PCA)" />
              <MapPanel space="cartography" title="Cartography (variability × confidence)" />
            </div>
          </div>
          <Histograms />
          <RetrainPanel />
          <ExportPanel />
        </>
      )}
    </div>
  );
}
