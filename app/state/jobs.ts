/** The long job this tab is running, in words (a reload or close would stop it, so the page asks first). */
import type { AppState } from './store';

export function jobInFlight(state: Pick<AppState, 'job' | 'live' | 'liveScore'>): string | null {
  if (state.job.kind === 'running') return `importing ${state.job.fileName}`;
  if (state.live) return 'training a model';
  if (state.liveScore) return 'scoring a run';
  return null;
}
