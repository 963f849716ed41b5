import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { SortKey } from '../../../workers/core/review/table';
import { useApp, useReviewer } from '../session-context';

const ROW_HEIGHT = 28;
const DECISION = ['', 'kept', 'quarantined'] as const;

const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'id', label: 'Id' },
  { key: 'label', label: 'Label' },
  { key: 'suggested', label: 'Suggested' },
  { key: 'suspicion', label: 'Suspicion' },
  { key: 'row', label: 'Flagged by' },
  { key: 'decision', label: 'Decision' },
];

/** The review table: every sample, virtualised (only the rows in view are in the DOM), sorted in the worker. */
export function ReviewTable() {
  const reviewer = useReviewer();
  const data = useApp((s) => s.review.data);
  const order = useApp((s) => s.review.order);
  const codes = useApp((s) => s.review.codes);
  const focus = useApp((s) => s.review.focus);
  const selection = useApp((s) => s.review.selection);
  const query = useApp((s) => s.review.query);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: 480 },
  });
  useEffect(() => {
    if (focus === null) return;
    const at = order.indexOf(focus);
    if (at >= 0) virtualizer.scrollToIndex(at, { align: 'auto' });
  }, [focus, order, virtualizer]);
  if (!data) return null;
  const selected = new Set(selection.length < 50_000 ? selection : []);
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="virtual-scroll review-scroll" style={{ maxHeight: 480 }}>
      <table className="review-table" data-testid="review-table" aria-rowcount={order.length + 1}>
        <caption className="muted">
          {order.length.toLocaleString()} of {data.rows.toLocaleString()} samples
        </caption>
        <thead>
          <tr>
            {COLUMNS.map((c) => (
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
            const row = order[item.index] as number;
            const bits = data.flagBits[row] ?? 0;
            const suggested = data.suggested[row] ?? -1;
            const suspicion = data.suspicion[row] ?? Number.NaN;
            return (
              <tr
                key={row}
                data-testid="review-row"
                data-row={row}
                data-id={data.ids[row]}
                aria-selected={selected.has(row)}
                className={`${row === focus ? 'focus' : ''} ${selected.has(row) ? 'selected' : ''}`}
                onClick={(e) => reviewer.focus(row, e.shiftKey || e.metaKey || e.ctrlKey)}
              >
                <td>{data.ids[row]}</td>
                <td>{data.classes[data.labels[row] ?? -1]}</td>
                <td>{suggested >= 0 ? data.classes[suggested] : ''}</td>
                <td className="num">{Number.isFinite(suspicion) ? suspicion.toFixed(3) : '—'}</td>
                <td>
                  {data.families.map((f, i) =>
                    bits & (1 << i) ? (
                      <span key={f} className={`chip chip-${f}`}>
                        {f}
                      </span>
                    ) : null,
                  )}
                </td>
                <td data-testid="review-decision">{DECISION[codes[row] ?? 0]}</td>
              </tr>
            );
          })}
          {bottom > 0 && <tr className="spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
