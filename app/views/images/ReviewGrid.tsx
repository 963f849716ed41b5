import { useEffect } from 'react';
import type { SortKey } from '../../../workers/core/review/table';
import { SORT_COLUMNS } from '../review/ReviewTable';
import { useReviewRows } from '../review/use-row-pages';
import { useRowWindow } from '../review/use-row-window';
import { useReviewer } from '../session-context';
import { SampleThumb } from './ImageEvidence';

/** Thumbnails per grid row, and a grid row's height in CSS pixels (a 64 px image and two lines of text). */
const PER_ROW = 6;
const ROW_HEIGHT = 104;
/** Height of the grid's scroll box in CSS pixels. */
const VIEW_HEIGHT = 480;

/**
 * The review's grid of thumbnails for image datasets: the same samples in the same order as the review table (the
 * review worker's sort and filters, set here or in the table), virtualised by grid row, a page of samples at a
 * time. Clicking focuses a sample; the review's keys (j/k/q/r/u) work here as in the table.
 */
export function ReviewGrid() {
  const reviewer = useReviewer();
  const { summary, count, focus, focusAt, selection, query, rowAt, want } = useReviewRows();
  const lineCount = Math.ceil(count / PER_ROW);
  const { attach, window: view, onScroll, show } = useRowWindow(lineCount, ROW_HEIGHT, 3, VIEW_HEIGHT);
  useEffect(() => {
    if (focusAt !== null && focusAt < count) show(Math.floor(focusAt / PER_ROW));
  }, [focusAt, count, show]);
  const lines: number[] = [];
  for (let line = view.first; line <= view.last; line++) lines.push(line);
  const first = view.first * PER_ROW;
  const last = Math.min(count, (view.last + 1) * PER_ROW);
  useEffect(() => {
    if (last > first) want(first, last);
  }, [first, last, want]);
  if (!summary) return null;
  const selected = new Set(selection.length < 50_000 ? selection : []);
  const sortable = SORT_COLUMNS.some((c) => c.key === query.sort);
  return (
    <div data-testid="review-grid">
      <div className="grid-controls">
        <label>
          Sort by{' '}
          <select
            value={sortable ? query.sort : ''}
            data-testid="grid-sort"
            onChange={(e) => void reviewer.setQuery({ sort: e.target.value as SortKey, descending: true })}
          >
            {!sortable && <option value="">{query.sort}</option>}
            {SORT_COLUMNS.map((c) => (
              <option key={c.key} value={c.key}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="grid-direction"
          onClick={() => void reviewer.setQuery({ descending: !query.descending })}
        >
          {query.descending ? 'Highest first ▼' : 'Lowest first ▲'}
        </button>
        <span className="muted">
          {count.toLocaleString()} of {summary.rows.toLocaleString()} samples
        </span>
      </div>
      <div
        ref={attach}
        className="virtual-scroll review-scroll"
        style={{ maxHeight: VIEW_HEIGHT }}
        onScroll={onScroll}
      >
        <div style={{ height: lineCount * ROW_HEIGHT, position: 'relative' }}>
          {lines.map((line) => (
            <div
              key={line}
              className="grid-line"
              style={{ position: 'absolute', top: line * ROW_HEIGHT, height: ROW_HEIGHT, display: 'flex' }}
            >
              {Array.from({ length: PER_ROW }, (_, k) => line * PER_ROW + k)
                .filter((at) => at < count)
                .map((at) => {
                  const r = rowAt(at);
                  if (!r) return <div key={`pending-${at}`} className="sample-cell pending" />;
                  const classes = [
                    'sample-cell',
                    r.row === focus ? 'focus' : '',
                    selected.has(r.row) ? 'selected' : '',
                    r.decision === 'quarantine' ? 'quarantined' : '',
                  ];
                  return (
                    <button
                      type="button"
                      key={r.row}
                      data-testid="grid-cell"
                      data-row={r.row}
                      data-id={r.id}
                      data-at={at}
                      data-decision={r.decision ?? ''}
                      data-suspicion={r.suspicion}
                      aria-pressed={selected.has(r.row)}
                      className={classes.join(' ')}
                      title={`${r.id}: ${r.label}`}
                      // The review's keys listen on the review region (the table's rows are not focusable either):
                      // a click focuses the sample and hands the keyboard back to the region, not to this cell,
                      // which a page of new rows may replace.
                      onMouseDown={(e) => e.preventDefault()}
                      onClick={(e) => {
                        reviewer.focus(r.row, e.shiftKey || e.metaKey || e.ctrlKey, at, r.families);
                        e.currentTarget.closest<HTMLElement>('[tabindex]')?.focus();
                      }}
                    >
                      <SampleThumb row={r.row} id={r.id} size={64} />
                      <span className="cell-text">{r.label}</span>
                      <span className="cell-text muted">
                        {Number.isFinite(r.suspicion) ? r.suspicion.toFixed(3) : '—'}
                        {r.decision === 'quarantine' ? ' · quarantined' : ''}
                      </span>
                    </button>
                  );
                })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
