import type { ReactNode } from 'react';
import { useRowWindow } from './review/use-row-window';

interface VirtualRowsProps {
  count: number;
  /** Fixed row height in px (the CSS gives rows this height). */
  rowHeight: number;
  /** Height of the scroll box in px. */
  height: number;
  caption: ReactNode;
  head: ReactNode;
  /** Renders row `index` as a <tr> with a key. */
  row: (index: number) => ReactNode;
  testId?: string;
  className?: string;
}

/** A table that renders only the rows in view, so 5,000 columns' worth of rows stay cheap. */
export function VirtualRows({
  count,
  rowHeight,
  height,
  caption,
  head,
  row,
  testId,
  className,
}: VirtualRowsProps) {
  const { attach, window: rows, onScroll } = useRowWindow(count, rowHeight, 12, height);
  const items: ReactNode[] = [];
  for (let index = rows.first; index <= rows.last; index++) items.push(row(index));
  return (
    <div ref={attach} className="virtual-scroll" style={{ maxHeight: height }} onScroll={onScroll}>
      <table className={className} data-testid={testId} aria-rowcount={count + 1}>
        <caption className="muted">{caption}</caption>
        <thead>{head}</thead>
        <tbody>
          {rows.before > 0 && <tr className="spacer" style={{ height: rows.before }} />}
          {items}
          {rows.after > 0 && <tr className="spacer" style={{ height: rows.after }} />}
        </tbody>
      </table>
    </div>
  );
}
