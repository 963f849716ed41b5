import { useEffect } from 'react';
import type { SortKey } from '../../../workers/core/review/table';
import { SampleThumb } from '../images/ImageEvidence';
import { useReviewer } from '../session-context';
import { useReviewRows } from './use-row-pages';
import { useRowWindow } from './use-row-window';

const ROW_HEIGHT = 28;
/** Rows rendered beyond the view on each side. */
const OVERSCAN = 12;
/** The scroll box's height (its CSS max-height), until it is measured. */
const VIEW_HEIGHT = 480;
const DECISION = { keep: 'kept', quarantine: 'quarantined' } as const;

/**
 * The table's columns, each a sort order (the image grid offers the same orders). The decision comes before the family
 * chips, the widest column: beside the detail panel at 1024 pixels the table scrolls sideways, and what the analyst
 * decided stays in view.
 */
export const SORT_COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'id', label: 'Id' },
  { key: 'label', label: 'Label' },
  { key: 'suggested', label: 'Suggested' },
  { key: 'suspicion', label: 'Suspicion' },
  { key: 'decision', label: 'Decision' },
  { key: 'flags', label: 'Flagged by' },
];

/**
 * The review table: every sample, virtualised (only the rows in view are in the DOM, found from the scroll offset, so
 * nothing on this thread grows with the row count), sorted in the review worker, which answers the rows on screen a
 * page at a time.
 */
export function ReviewTable() {
  const reviewer = useReviewer();
  const { summary, count, focus, focusAt, selection, query, rowAt, want } = useReviewRows();
  const { attach, window: rows, onScroll, show } = useRowWindow(count, ROW_HEIGHT, OVERSCAN, VIEW_HEIGHT);
  useEffect(() => {
    if (focusAt !== null && focusAt < count) show(focusAt);
  }, [focusAt, count, show]);
  const { first, last } = rows;
  useEffect(() => {
    if (last >= first) want(first, last + 1);
  }, [first, last, want]);
  if (!summary) return null;
  const selected = new Set(selection.length < 50_000 ? selection : []);
  const items: number[] = [];
  for (let at = first; at <= last; at++) items.push(at);
  return (
    <div
      ref={attach}
      className="virtual-scroll review-scroll"
      style={{ maxHeight: VIEW_HEIGHT }}
      onScroll={onScroll}
    >
      <table className="review-table" data-testid="review-table" aria-rowcount={count + 1}>
        <caption className="muted">
          {count.toLocaleString()} of {summary.rows.toLocaleString()} samples
        </caption>
        <thead>
          <tr>
            {SORT_COLUMNS.map((c) => (
              <th
                key={c.key}
                aria-sort={query.sort === c.key ? (query.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button type="button" className="link" onClick={() => void reviewer.sortBy(c.key)}>
                  {c.label}
                  {query.sort === c.key ? (query.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.before > 0 && <tr className="spacer" style={{ height: rows.before }} />}
          {items.map((at) => {
            const r = rowAt(at);
            if (!r) {
              return (
                <tr key={`pending-${at}`} className="pending" style={{ height: ROW_HEIGHT }}>
                  <td colSpan={SORT_COLUMNS.length} />
                </tr>
              );
            }
            const isSelected = selected.has(r.row);
            return (
              <tr
                key={r.row}
                data-testid="review-row"
                data-row={r.row}
                data-id={r.id}
                aria-selected={isSelected}
                className={`${r.row === focus ? 'focus' : ''} ${isSelected ? 'selected' : ''}`}
                onClick={(e) => reviewer.focus(r.row, e.shiftKey || e.metaKey || e.ctrlKey, at, r.families)}
              >
                <td>
                  <SampleThumb row={r.row} id={r.id} />
                  {r.id}
                </td>
                <td>{r.label}</td>
                <td>{r.suggested}</td>
                <td className="num">{Number.isFinite(r.suspicion) ? r.suspicion.toFixed(3) : '—'}</td>
                <td data-testid="review-decision">{r.decision ? DECISION[r.decision] : ''}</td>
                <td>
                  {r.families.map((f) => (
                    <span key={f} className={`chip chip-${f}`}>
                      {f}
                    </span>
                  ))}
                </td>
              </tr>
            );
          })}
          {rows.after > 0 && <tr className="spacer" style={{ height: rows.after }} />}
        </tbody>
      </table>
    </div>
  );
}
