/**
 * Cancellation and yielding for long scoring steps. A score worker receives `cancel` as a message, so long loops
 * must await between chunks for the message to be handled; `checkpoint` does both.
 */
import { macrotask } from '../macrotask';

/** Thrown out of a scoring function when its `cancelled()` check turned true; nothing partial is returned. */
export class ScoringCancelledError extends Error {
  constructor() {
    super('Scoring was cancelled.');
    this.name = 'ScoringCancelledError';
  }
}

/** What long scoring steps accept: a cancel check and a yield between chunks. */
export interface StepHooks {
  /** True abandons the step with ScoringCancelledError. */
  cancelled?: () => boolean;
  /** Awaited between chunks (default: a macrotask, so a worker can handle a cancel message). */
  between?: () => Promise<void>;
}

/** Yields to the event loop, then throws ScoringCancelledError if the job was cancelled meanwhile. */
export async function checkpoint(hooks: StepHooks | undefined): Promise<void> {
  await (hooks?.between ?? macrotask)();
  if (hooks?.cancelled?.()) throw new ScoringCancelledError();
}
