/**
 * The review table's rows, asked of the review worker a page at a time for the positions on screen, and asked again
 * when the table's `version` changes (a new sort or filter, a decision). The page never holds the whole table.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewRow } from '../../controllers/review/controller';
import { useApp, useReviewer } from '../session-context';

/** Rows per request. */
const PAGE = 64;

/** The loaded rows by table position, and a function to ask for positions [from, to). */
export function useRowPages(version: number): {
  rowAt: (at: number) => ReviewRow | undefined;
  want: (from: number, to: number) => void;
} {
  const reviewer = useReviewer();
  const [pages, setPages] = useState<{ version: number; byPage: Map<number, ReviewRow[]> }>({
    version,
    byPage: new Map(),
  });
  const asked = useRef<{ version: number; pages: Set<number> }>({ version, pages: new Set() });
  // A new version (sort, filter, decision) asks every page again: `want` changes with it, so the table's effect runs.
  const want = useCallback(
    (from: number, to: number) => {
      if (asked.current.version !== version) asked.current = { version, pages: new Set() };
      const mine = asked.current;
      for (let p = Math.floor(from / PAGE); p * PAGE < to; p++) {
        if (mine.pages.has(p)) continue;
        mine.pages.add(p);
        void reviewer.page(p * PAGE, (p + 1) * PAGE).then(
          (rows) =>
            setPages((now) => {
              if (mine !== asked.current) return now; // a newer version asked again
              const base = now.version === mine.version ? now.byPage : new Map<number, ReviewRow[]>();
              return { version: mine.version, byPage: new Map(base).set(p, rows) };
            }),
          () => mine.pages.delete(p),
        );
      }
    },
    [reviewer, version],
  );
  useEffect(() => {
    // Rows of an older version are not shown: an emptied page is better than a wrong one.
    setPages((now) => (now.version === version ? now : { version, byPage: new Map() }));
  }, [version]);
  const rowAt = (at: number) =>
    pages.version === version ? pages.byPage.get(Math.floor(at / PAGE))?.[at % PAGE] : undefined;
  return { rowAt, want };
}

/**
 * What a view of the review's samples (the table, the image grid) shows: the review's state it reads, and its rows
 * a page at a time (useRowPages).
 */
export function useReviewRows() {
  const summary = useApp((s) => s.review.summary);
  const count = useApp((s) => s.review.count);
  const version = useApp((s) => s.review.version);
  const focus = useApp((s) => s.review.focus);
  const focusAt = useApp((s) => s.review.focusAt);
  const selection = useApp((s) => s.review.selection);
  const query = useApp((s) => s.review.query);
  const { rowAt, want } = useRowPages(version);
  return { summary, count, focus, focusAt, selection, query, rowAt, want };
}
