/**
 * What a score set says in a few numbers (flag counts, label issues, the top suspects) and its suspicion under other
 * weights or q, recombined from the stored scores without a model: pure, so the score worker and the headless scan
 * share it.
 */
import { suspicionFromScores } from './suspicion';
import { FAMILY_NAMES, type FamilyName, type ScoreName, type ScoreSet, type SuspicionParams } from './types';

/** What the summary panel shows, computed in the worker (never a loop over samples on the main thread). */
export interface ScoreSummary {
  /** Samples each family flags (its top q). */
  flagged: Record<FamilyName, number>;
  /** Samples confident learning marks as label issues. */
  labelIssues: number;
  /** Samples flagged by at least one family. */
  flaggedAny: number;
  /** The most suspicious samples (indices into the score set), most suspicious first; ties on the lower index. */
  top: Int32Array;
}

/** A new suspicion from stored scores under other weights or q (no model, no tensors). */
export interface RecombineRequest {
  samples: number;
  scores: Record<ScoreName, Float32Array>;
  /** The score set's label-issue flags (for the summary's count; the rule does not change them). */
  labelIssue: Uint8Array;
  /** The samples' labels, in sample order (a clear tail of shared values counts only when it mostly holds one). */
  labels: ArrayLike<number>;
  suspicion: SuspicionParams;
}

export interface Recombined {
  families: Record<FamilyName, Float32Array>;
  suspicion: Float32Array;
  flags: Record<FamilyName, Uint8Array>;
  suspicionParams: SuspicionParams;
  summary: ScoreSummary;
}

/** How many samples the summary lists as top suspects. */
export const TOP_SUSPECTS = 10;

/** Flag counts, label issues and the top suspects by suspicion (one pass, then a partial selection). */
export function summarizeScores(
  parts: Pick<ScoreSet, 'suspicion' | 'flags' | 'labelIssue'>,
  top = TOP_SUSPECTS,
): ScoreSummary {
  const n = parts.suspicion.length;
  const flagged = Object.fromEntries(FAMILY_NAMES.map((f) => [f, 0])) as Record<FamilyName, number>;
  let flaggedAny = 0;
  let labelIssues = 0;
  // Kept sorted, at most `top` long: most suspicious first, ties on the lower index.
  const best: number[] = [];
  const before = (a: number, b: number) =>
    parts.suspicion[a] > parts.suspicion[b] || (parts.suspicion[a] === parts.suspicion[b] && a < b);
  for (let i = 0; i < n; i++) {
    let any = false;
    for (const f of FAMILY_NAMES) {
      if (parts.flags[f][i]) {
        flagged[f]++;
        any = true;
      }
    }
    if (any) flaggedAny++;
    labelIssues += parts.labelIssue[i];
    if (best.length < top || before(i, best[best.length - 1])) {
      let at = best.length;
      while (at > 0 && before(i, best[at - 1])) at--;
      best.splice(at, 0, i);
      if (best.length > top) best.pop();
    }
  }
  return { flagged, flaggedAny, labelIssues, top: Int32Array.from(best) };
}

/** New family values, suspicion and flags from stored scores (pure computation, no tensors). */
export function recombine(request: RecombineRequest): Recombined {
  const suspicionParams: SuspicionParams = {
    ...request.suspicion,
    weights: { ...request.suspicion.weights },
    excluded: [...request.suspicion.excluded],
  };
  if (!(suspicionParams.q > 0 && suspicionParams.q <= 1)) {
    throw new RangeError(`The flag budget q must be in (0, 1], got ${suspicionParams.q}.`);
  }
  for (const [family, w] of Object.entries(suspicionParams.weights)) {
    if (!(w >= 0 && Number.isFinite(w))) throw new RangeError(`The ${family} weight must be ≥ 0, got ${w}.`);
  }
  const out = suspicionFromScores(request.scores, request.samples, suspicionParams, request.labels);
  // labelIssue does not depend on the suspicion rule: only its count is carried over.
  const summary = summarizeScores({ ...out, labelIssue: request.labelIssue });
  return { ...out, suspicionParams, summary };
}
