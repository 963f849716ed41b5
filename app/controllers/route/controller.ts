/**
 * Keeps the URL and the screen in step (hash routing). The store's place is written to the URL as the analyst
 * moves: a history entry for a new screen or dataset, a replaced entry for a refinement of the same place (another
 * row, run or score set), so Back steps between screens and not through every j/k press. Back, Forward and a reload
 * read the URL and reopen that place from IndexedDB through the other controllers.
 */
import type { AppStore } from '../../state/store';
import { formatRoute, isNewPlace, parseRoute, type Route, routeOf } from './route';

/** What the router needs of the window (the page's `window`; a stand-in in tests). */
export interface HistoryPort {
  hash(): string;
  push(hash: string): void;
  replace(hash: string): void;
  /** Calls `listener` when Back, Forward or an edited URL changes the hash; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** The actions a place is reopened with. */
export interface Places {
  openDataset(datasetId: string): Promise<void>;
  openTrain(runId: string | null): Promise<void>;
  openReview(datasetId: string, scoreId: string | null): Promise<void>;
  focusRow(row: number): void;
}

/** The page's window as a HistoryPort. */
export function windowHistory(): HistoryPort {
  return {
    hash: () => window.location.hash,
    push: (hash) => window.history.pushState(null, '', hash),
    replace: (hash) => window.history.replaceState(null, '', hash),
    onChange(listener) {
      window.addEventListener('popstate', listener);
      window.addEventListener('hashchange', listener);
      return () => {
        window.removeEventListener('popstate', listener);
        window.removeEventListener('hashchange', listener);
      };
    },
  };
}

export class RouteController {
  private written: Route | null = null;
  /** While a place from the URL is being opened, the store's intermediate screens are not written back. */
  private applying = 0;
  private stops: Array<() => void> = [];

  constructor(
    private readonly store: AppStore,
    private readonly history: HistoryPort,
    private readonly places: Places,
  ) {}

  /** Opens the URL's place, then follows the store and the browser's history. */
  async start(): Promise<void> {
    await this.apply();
    this.stops.push(
      this.history.onChange(() => void this.apply()),
      this.store.subscribe((state) => {
        if (this.applying > 0) return;
        const route = routeOf(state);
        if (route) this.write(route);
      }),
    );
    const now = routeOf(this.store.getState());
    if (now) this.write(now);
  }

  dispose(): void {
    for (const stop of this.stops) stop();
    this.stops = [];
  }

  private write(route: Route): void {
    const hash = formatRoute(route);
    if (hash === this.history.hash() || (hash === '#/' && this.history.hash() === '')) {
      this.written = route;
      return;
    }
    if (isNewPlace(this.written, route)) this.history.push(hash);
    else this.history.replace(hash);
    this.written = route;
  }

  /** Opens the place the URL names (a reload, Back or Forward). */
  private async apply(): Promise<void> {
    const route = parseRoute(this.history.hash());
    this.applying++;
    try {
      await this.open(route);
    } finally {
      this.applying--;
    }
    this.written = route;
    const now = routeOf(this.store.getState());
    // The place could not be opened as named (a deleted dataset): the URL says where the analyst is instead.
    if (now && formatRoute(now) !== formatRoute(route)) {
      this.history.replace(formatRoute(now));
      this.written = now;
    }
  }

  private async open(route: Route): Promise<void> {
    const state = this.store.getState();
    if (route.kind === 'start' || route.kind === 'verify') {
      state.go({ kind: route.kind });
      return;
    }
    if (state.current?.id !== route.datasetId || route.kind === 'dataset')
      await this.places.openDataset(route.datasetId);
    if (this.store.getState().current?.id !== route.datasetId) return;
    if (route.kind === 'train') await this.places.openTrain(route.runId);
    if (route.kind !== 'review') return;
    const { review } = this.store.getState();
    const open =
      review.summary?.datasetId === route.datasetId &&
      (route.scoreId === null || review.summary.scoreId === route.scoreId);
    if (open) this.store.getState().go({ kind: 'review' });
    else await this.places.openReview(route.datasetId, route.scoreId);
    if (route.row !== null && this.store.getState().review.summary) this.places.focusRow(route.row);
  }
}
