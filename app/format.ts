/** Number, size and time formats for the UI (en-US grouping, so tests and screenshots read the same everywhere). */

const integer = new Intl.NumberFormat('en-US');

/** 1797 → "1,797". */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** A count with its noun: (1, 'file') → "1 file", (1797, 'row') → "1,797 rows"; `plural` for irregular nouns. */
export function formatCountOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : plural}`;
}

/** Bytes in B, KB, MB or GB (powers of 1000, as file managers show them), e.g. 44998723 → "45.0 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Milliseconds as seconds with one or two decimals: 3214 → "3.2 s", 87 → "0.09 s". */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 1 ? s.toFixed(2) : s.toFixed(1)} s`;
}

/** A feature statistic: compact, but exact for small integers (pixel values). */
export function formatStat(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : value.toFixed(3);
}

/** A date for lists: "2026-11-26 14:03" in local time. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
