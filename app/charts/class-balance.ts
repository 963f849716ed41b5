/** Class balance as horizontal bars: a pure transform, and a d3 drawing into an SVG element it is handed. */
import { max, scaleBand, scaleLinear, select } from 'd3';

/** One bar: a class (or the remainder of many small classes) and its row count. */
export interface ClassBar {
  label: string;
  count: number;
  /** count / total rows, 0..1. */
  share: number;
  /** True for the bar that stands for the classes beyond `maxBars`. */
  rest: boolean;
}

/**
 * Bars in class order; past `maxBars` classes (default 40) the smallest are folded into one "other" bar,
 * so a 1,000-class dataset still draws a readable chart.
 */
export function classBalanceBars(classes: string[], counts: number[], maxBars = 40): ClassBar[] {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  const all = classes.map((label, k) => ({ label, count: counts[k] ?? 0, order: k }));
  if (all.length <= maxBars) {
    return all.map(({ label, count }) => ({ label, count, share: count / total, rest: false }));
  }
  const kept = [...all].sort((a, b) => b.count - a.count || a.order - b.order).slice(0, maxBars - 1);
  const keptOrders = new Set(kept.map((c) => c.order));
  const restCount = all.filter((c) => !keptOrders.has(c.order)).reduce((a, c) => a + c.count, 0);
  const bars = kept
    .sort((a, b) => a.order - b.order)
    .map(({ label, count }) => ({ label, count, share: count / total, rest: false }));
  const others = all.length - kept.length;
  bars.push({ label: `${others} other classes`, count: restCount, share: restCount / total, rest: true });
  return bars;
}

function valueText(bar: ClassBar): string {
  return `${bar.count.toLocaleString('en-US')} (${(100 * bar.share).toFixed(1)}%)`;
}

export interface BarChartSize {
  /** Total width in px. */
  width: number;
  /** Height of one bar's band in px (default 20). */
  band?: number;
}

/** A bar's label as drawn: long class names cut to 22 characters. */
function shownLabel(bar: ClassBar): string {
  return bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label;
}

/**
 * The widest of `texts` as the page's font draws a bar label, in px; 0 where the browser cannot measure (jsdom). A
 * fixed width per character clipped "<=50K" in Debian's DejaVu Sans, whose "<" and "=" are wider than most.
 */
function measuredWidth(svg: SVGSVGElement, texts: string[]): number {
  const probe = select(svg).append('g').attr('visibility', 'hidden');
  const nodes = probe
    .selectAll<SVGTextElement, string>('text')
    .data(texts)
    .join('text')
    .attr('class', 'bar-label')
    .text((t) => t)
    .nodes();
  const widest = Math.max(
    0,
    ...nodes.map((n) => (typeof n.getComputedTextLength === 'function' ? n.getComputedTextLength() : 0)),
  );
  probe.remove();
  return widest;
}

/** Draws `bars` into `svg`, replacing what was there. Labels are set as text, never parsed as markup. */
export function drawClassBalance(
  svg: SVGSVGElement,
  bars: ClassBar[],
  { width, band = 20 }: BarChartSize,
): void {
  select(svg).selectAll('*').remove();
  const estimate = 8 + 7 * Math.max(...bars.map((b) => shownLabel(b).length), 1);
  const measured = measuredWidth(svg, bars.map(shownLabel)) + 10;
  const labelWidth = Math.min(200, Math.max(40, estimate, measured));
  // Room for the widest value label, e.g. "1,234,567 (100.0%)" at 12px.
  const valueWidth = 8 + 7 * Math.max(...bars.map((b) => valueText(b).length), 1);
  const height = band * bars.length + 8;
  const x = scaleLinear()
    .domain([0, max(bars, (b) => b.count) ?? 1])
    .range([0, Math.max(10, width - labelWidth - valueWidth)]);
  const y = scaleBand<number>()
    .domain(bars.map((_, k) => k))
    .range([4, height - 4])
    .padding(0.2);
  const root = select(svg);
  root.selectAll('*').remove();
  root.attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  const rows = root
    .selectAll('g')
    .data(bars)
    .join('g')
    .attr('class', (b) => (b.rest ? 'bar bar-rest' : 'bar'))
    .attr('transform', (_, k) => `translate(0,${y(k) ?? 0})`);
  rows
    .append('text')
    .attr('class', 'bar-label')
    .attr('x', labelWidth - 6)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .attr('text-anchor', 'end')
    .text(shownLabel);
  rows
    .append('rect')
    .attr('x', labelWidth)
    .attr('width', (b) => Math.max(1, x(b.count)))
    .attr('height', y.bandwidth())
    .append('title')
    .text((b) => `${b.label}: ${b.count.toLocaleString('en-US')} rows (${(100 * b.share).toFixed(1)}%)`);
  rows
    .append('text')
    .attr('class', 'bar-value')
    .attr('x', (b) => labelWidth + Math.max(1, x(b.count)) + 6)
    .attr('y', y.bandwidth() / 2)
    .attr('dy', '0.35em')
    .text(valueText);
}
