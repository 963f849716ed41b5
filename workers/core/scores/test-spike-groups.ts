/** The hand-built table the spike-group tests read their expected values off (spike-groups.test.ts, shared-groups.test.ts). */

export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * 128 samples, 3 columns. Column 0 places a sample on a line: class 0 (samples 0-39) at 0-39, class 1 (40-79) at
 * 1000-1039, class 2 (80-119) at 2000-2039, class 3 (120-127) at 3000-3007, so a sample's nearest samples hold its
 * class. Columns 1 and 2 hold a distinct value per sample, except: the trigger's samples hold 9 in both and are
 * relabelled 1; samples 60-67 (class 1) hold 7 in both; class 3's samples all hold 5 in both.
 */
export function table(trigger: readonly number[]) {
  const features = new Float32Array(128 * 3);
  const labels = new Int32Array(128);
  for (let i = 0; i < 128; i++) {
    const c = Math.min(3, Math.floor(i / 40));
    labels[i] = trigger.includes(i) ? 1 : c;
    features[3 * i] = 1000 * c + (i - 40 * c);
    const shared = trigger.includes(i) ? 9 : i >= 60 && i < 68 ? 7 : c === 3 ? 5 : null;
    features[3 * i + 1] = shared ?? 10_000 + i;
    features[3 * i + 2] = shared ?? 20_000 + i;
  }
  const members = [
    [...trigger],
    [...trigger],
    range(60, 68),
    range(60, 68),
    range(120, 128),
    range(120, 128),
  ];
  return { features, labels, members, column: [1, 2, 1, 2, 1, 2] };
}
