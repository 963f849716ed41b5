import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { SortKey } from '../../../workers/core/review/table';
import { SampleThumb } from '../images/ImageEvidence';
import { useReviewer } from '../session-context';
import { useReviewRows } from './use-row-pages';

const ROW_HEIGHT = 28;
const DECISION = { keep: 'kept', quarantine: 'quarantined' } as const;

/** The table's columns, each a sort order (the image grid offers the same orders). */
export const SORT_COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'id', label: 'Id' },
  { key: 'label', label: 'Label' },
  { key: 'suggested', label: 'Suggested' },
  { key: 'suspicion', label: 'Suspicion' },
  { key: 'row', label: 'Flagged by' },
  { key: 'decision', label: 'Decision' },
];

/**
 * The review table: every sample, virtualised (only the rows in view are in the DOM), sorted in the review worker,
 * which answers the rows on screen a page at a time.
 */
export function ReviewTable() {
  const reviewer = useReviewer();
  const { summary, count, focus, focusAt, selection, query, rowAt, want } = useReviewRows();
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: 480 },
  });
  useEffect(() => {
    if (focusAt !== null && focusAt < count) virtualizer.scrollToIndex(focusAt, { align: 'auto' });
  }, [focusAt, count, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
  useEffect(() => {
    if (last >= first) want(first, last + 1);
  }, [first, last, want]);
  if (!summary) return null;
  const selected = new Set(selection.length < 50_000 ? selection : []);
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="virtual-scroll review-scroll" style={{ maxHeight: 480 }}>
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
          {top > 0 && <tr className="spacer" style={{ height: top }} />}
          {items.map((item) => {
            const r = rowAt(item.index);
            if (!r) {
              return (
                <tr key={`pending-${item.index}`} className="pending" style={{ height: ROW_HEIGHT }}>
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
                onClick={(e) =>
                  reviewer.focus(r.row, e.shiftKey || e.metaKey || e.ctrlKey, item.index, r.families)
                }
              >
                <td>
                  <SampleThumb row={r.row} id={r.id} />
                  {r.id}
                </td>
                <td>{r.label}</td>
                <td>{r.suggested}</td>
                <td className="num">{Number.isFinite(r.suspicion) ? r.suspicion.toFixed(3) : '—'}</td>
                <td>
                  {r.families.map((f) => (
                    <span key={f} className={`chip chip-${f}`}>
                      {f}
                    </span>
                  ))}
                </td>
                <td data-testid="review-decision">{r.decision ? DECISION[r.decision] : ''}</td>
              </tr>
            );
          })}
          {bottom > 0 && <tr className="spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
