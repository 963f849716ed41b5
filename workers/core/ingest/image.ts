/** Whether a row of features can be drawn as a square grey-scale image. */

/** The side of a square image with `featureCount` pixels (64 → 8×8, 784 → 28×28); null when not a square ≥ 2×2. */
export function squareImageSize(featureCount: number): { width: number; height: number } | null {
  if (!Number.isInteger(featureCount) || featureCount < 4) return null;
  const side = Math.round(Math.sqrt(featureCount));
  return side * side === featureCount ? { width: side, height: side } : null;
}
