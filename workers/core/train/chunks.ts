/**
 * Chunking of the recorder's eval passes, apart from recorder.ts (which imports tfjs) so the memory estimate can
 * use the same rule.
 */
import type { ModelKind } from './types';

/** Per-row values one pass computes before any outputs: p[y], margin, loss, correctness, gradient norm². */
export const PASS_STATS = 5;

/** Budget of one activation of an eval chunk, in floats (4 MiB). */
const EVAL_CHUNK_FLOATS = 2 ** 20;

/** What the chunk size of a model depends on. */
export interface ChunkShape {
  kind: ModelKind;
  featureCount: number;
  classCount: number;
  /** Hidden Dense sizes (a CNN's after its convolutions). */
  hidden: readonly number[];
}

/**
 * Rows per chunk of an eval pass for a model: as many as keep its widest activation within 2^20 floats, between
 * 1024 and 16384. Each chunk is some 25 backend ops whose fixed cost dominates for a small MLP: 20 chunks of 1024
 * per epoch cost synth20k (20k × 32, MLP [64]) about as much as its 32 training steps; 2 chunks of 16384 cost a
 * quarter of that. A CNN's convolutions are 16 × pixels wide, so image models keep chunks of 1024.
 */
export function evalChunkRows(spec: ChunkShape): number {
  const widest =
    spec.kind === 'cnn'
      ? 16 * spec.featureCount
      : Math.max(
          spec.featureCount,
          spec.classCount + PASS_STATS,
          ...spec.hidden.map((h) => h + spec.classCount + PASS_STATS),
        );
  return Math.max(1024, Math.min(16384, Math.floor(EVAL_CHUNK_FLOATS / widest)));
}
