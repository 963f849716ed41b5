/**
 * The one virtualiser of the app's long lists (issue 12; the review table, the review's image grid by grid line, and
 * the overview's feature and column tables): which rows of fixed height are in view in a scroll box, from the scroll
 * offset alone (app/charts/row-window.ts), and a way to bring a row into view (j/k). Its cost does not grow with the
 * row count. A table's rows start below its caption and header; any other content starts at the top of the box.
 */
import { useCallback, useRef, useState } from 'react';
import { type RowBox, type RowWindow, rowWindow, scrollToShow } from '../../charts/row-window';

/** Where the rows sit in `el`: the first row's offset (caption and header above it) and the sticky header's height. */
function measure(el: HTMLDivElement, rowHeight: number): { box: RowBox; headHeight: number } {
  const table = el.querySelector('table');
  const body = table?.tBodies[0];
  return {
    box: { rowHeight, viewHeight: el.clientHeight, bodyTop: body?.offsetTop ?? 0 },
    headHeight: table?.tHead?.offsetHeight ?? 0,
  };
}

export function useRowWindow(
  count: number,
  rowHeight: number,
  overscan: number,
  initialHeight: number,
): {
  /** The scroll box's ref callback. */
  attach: (el: HTMLDivElement | null) => void;
  window: RowWindow;
  onScroll: () => void;
  show: (index: number) => void;
} {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({
    scrollTop: 0,
    box: { rowHeight, viewHeight: initialHeight, bodyTop: 0 },
  });
  const read = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const { box } = measure(el, rowHeight);
    const scrollTop = el.scrollTop;
    setView((now) =>
      now.scrollTop === scrollTop &&
      now.box.viewHeight === box.viewHeight &&
      now.box.bodyTop === box.bodyTop &&
      now.box.rowHeight === box.rowHeight
        ? now
        : { scrollTop, box },
    );
  }, [rowHeight]);
  // Measured when the box mounts and whenever it is resized; the window follows each scroll.
  const observer = useRef<ResizeObserver | null>(null);
  const attach = useCallback(
    (el: HTMLDivElement | null) => {
      observer.current?.disconnect();
      observer.current = null;
      scroller.current = el;
      if (!el) return;
      observer.current = new ResizeObserver(read);
      observer.current.observe(el);
      read();
    },
    [read],
  );
  const show = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const { box, headHeight } = measure(el, rowHeight);
      const to = scrollToShow(index, box, el.scrollTop, headHeight);
      if (to !== null) el.scrollTop = to; // the scroll event updates the window
    },
    [rowHeight],
  );
  return { attach, window: rowWindow(count, view.box, view.scrollTop, overscan), onScroll: read, show };
}
