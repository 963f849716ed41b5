import { useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef } from 'react';

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
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // Render the first screenful before the scroll box has been measured.
    initialRect: { width: 800, height },
  });
  const items = virtualizer.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="virtual-scroll" style={{ maxHeight: height }}>
      <table className={className} data-testid={testId} aria-rowcount={count + 1}>
        <caption className="muted">{caption}</caption>
        <thead>{head}</thead>
        <tbody>
          {top > 0 && <tr className="spacer" style={{ height: top }} />}
          {items.map((item) => row(item.index))}
          {bottom > 0 && <tr className="spacer" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
