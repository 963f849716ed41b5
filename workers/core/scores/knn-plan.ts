/**
 * Plan of the kNN search, apart from knn.ts (which imports tfjs) so the memory estimate can use the same rules.
 */
import type { KnnMode } from './types';

/** Whether a search over `rows` points runs the IVF approximation: asked for, or `auto` above `approximateAbove`. */
export function knnIsApproximate(mode: KnnMode, rows: number, approximateAbove: number): boolean {
  return mode === 'ivf' || (mode === 'auto' && rows > approximateAbove);
}

/** Distances one tile of the exact search computes at most (tile rows × N): 4M floats, 16 MiB. */
const TILE_DISTANCES = 4_194_304;

/** Query rows per tile of the exact kNN search over `n` points: about 4M distances a tile, 16 to 1024 rows. */
export function knnTileRows(n: number): number {
  return Math.max(16, Math.min(1024, Math.floor(TILE_DISTANCES / Math.max(1, n))));
}
