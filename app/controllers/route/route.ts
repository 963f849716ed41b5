/**
 * The app's places as URLs (hash routing: no server). Every screen that can be reopened from stored data has one:
 * the start screen, a dataset's overview, its training screen and run, its review of a score set and the selected
 * sample, and the verification screen. The import form and the import's progress have none (their file is gone after
 * a reload); they leave the URL as it was. Pure: parse, format, and the place the store is showing.
 */
import type { AppState } from '../../state/store';

export type Route =
  | { kind: 'start' }
  | { kind: 'verify' }
  | { kind: 'dataset'; datasetId: string }
  | { kind: 'train'; datasetId: string; runId: string | null }
  | { kind: 'review'; datasetId: string; scoreId: string | null; row: number | null };

const enc = encodeURIComponent;

/** `#/dataset/<id>/review/<scoreId>/row/<n>` and the like. */
export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'start':
      return '#/';
    case 'verify':
      return '#/verify';
    case 'dataset':
      return `#/dataset/${enc(route.datasetId)}`;
    case 'train':
      return `#/dataset/${enc(route.datasetId)}/train${route.runId ? `/${enc(route.runId)}` : ''}`;
    case 'review': {
      const score = route.scoreId ? `/${enc(route.scoreId)}` : '';
      const row = route.row !== null && route.scoreId ? `/row/${route.row}` : '';
      return `#/dataset/${enc(route.datasetId)}/review${score}${row}`;
    }
  }
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The place a hash names; anything it does not recognise is the start screen. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '');
  const start: Route = { kind: 'start' };
  if (parts[0] === 'verify' && parts.length === 1) return { kind: 'verify' };
  if (parts[0] !== 'dataset' || parts[1] === undefined) return start;
  const datasetId = decode(parts[1]);
  if (datasetId === null) return start;
  const [, , screen, id, rowWord, rowText] = parts;
  if (screen === undefined) return parts.length === 2 ? { kind: 'dataset', datasetId } : start;
  const named = id === undefined ? null : decode(id);
  if (screen === 'train' && parts.length <= 4) return { kind: 'train', datasetId, runId: named };
  if (screen !== 'review' || parts.length > 6) return start;
  let row: number | null = null;
  if (rowWord !== undefined) {
    if (rowWord !== 'row' || rowText === undefined || !/^\d{1,9}$/.test(rowText)) return start;
    row = Number(rowText);
  }
  return { kind: 'review', datasetId, scoreId: named, row };
}

/** The place the store shows, or null for a screen with no URL of its own (the import form, its progress). */
export function routeOf(state: AppState): Route | null {
  const datasetId = state.current?.id ?? null;
  switch (state.screen.kind) {
    case 'start':
      return { kind: 'start' };
    case 'verify':
      return { kind: 'verify' };
    case 'overview':
      return datasetId ? { kind: 'dataset', datasetId } : null;
    case 'train':
      return datasetId ? { kind: 'train', datasetId, runId: state.shownRun?.id ?? null } : null;
    case 'review': {
      const { opened, summary, focus } = state.review;
      const reviewed = summary?.datasetId ?? opened?.datasetId ?? null;
      if (!reviewed) return null;
      const scoreId = summary?.scoreId ?? opened?.scoreId ?? null;
      return { kind: 'review', datasetId: reviewed, scoreId, row: summary ? focus : null };
    }
    default:
      return null;
  }
}

/** Whether going from `from` to `to` is a new place (a history entry) rather than a refinement of the same one. */
export function isNewPlace(from: Route | null, to: Route): boolean {
  if (!from || from.kind !== to.kind) return true;
  const fromId = 'datasetId' in from ? from.datasetId : null;
  const toId = 'datasetId' in to ? to.datasetId : null;
  return fromId !== toId;
}
