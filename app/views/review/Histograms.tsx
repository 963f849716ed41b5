import { useEffect, useState } from 'react';
import { num } from '../../../workers/core/review/why';
import { histogramPath, thresholdX } from '../../charts/histogram';
import type { Distribution } from '../../controllers/review/controller';
import { useApp, useReviewer } from '../session-context';
import { Term } from './Term';

const W = 200;
const H = 80;
const PLOT = { left: 30, right: 4, top: 4, bottom: 18 };
const PW = W - PLOT.left - PLOT.right;
const PH = H - PLOT.top - PLOT.bottom;

/** The focused sample's value of every histogram's quantity (scores, suspicion, `family:<name>`), when read. */
function useFocusedValues(): { row: number; values: Record<string, number> } | null {
  const reviewer = useReviewer();
  const focus = useApp((s) => s.review.focus);
  const version = useApp((s) => s.review.version);
  const [values, setValues] = useState<{ row: number; values: Record<string, number> } | null>(null);
  useEffect(() => {
    let live = true;
    if (focus === null || version < 0) setValues(null);
    else
      void reviewer.detail(focus).then((d) => {
        if (!live || !d) return;
        const out: Record<string, number> = { ...d.scores };
        for (const f of d.why) out[`family:${f.family}`] = f.value;
        setValues({ row: d.row, values: out });
      });
    return () => {
      live = false;
    };
  }, [focus, version, reviewer]);
  return values;
}

function peakOf(counts: ArrayLike<number>): number {
  let peak = 0;
  for (let b = 0; b < counts.length; b++) peak = Math.max(peak, counts[b] as number);
  return peak;
}

function HistogramFigure({ name, h, value }: { name: string; h: Distribution; value: number | null }) {
  const tx = thresholdX(h, h.threshold ?? Number.NaN, PW);
  const bx = thresholdX(h, h.bulk, PW);
  const vx = value === null ? -1 : thresholdX(h, value, PW);
  const label = [
    `${name}: rows per value from ${num(h.min)} to ${num(h.max)}`,
    `median ${num(h.bulk)}`,
    h.threshold !== null && Number.isFinite(h.threshold)
      ? `flag threshold ${num(h.threshold)}`
      : 'no flag threshold',
    value !== null ? `this sample ${num(value)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <figure className="histogram" data-testid="histogram" data-name={name}>
      <svg width={W} height={H} role="img" aria-label={label}>
        <g transform={`translate(${PLOT.left},${PLOT.top})`}>
          <path d={histogramPath(h.counts, PW, PH)} />
          <line x1={0} x2={PW} y1={PH} y2={PH} className="axis" />
          <line x1={0} x2={0} y1={0} y2={PH} className="axis" />
          {bx >= 0 && <line x1={bx} x2={bx} y1={0} y2={PH} className="bulk" />}
          {tx >= 0 && <line x1={tx} x2={tx} y1={0} y2={PH} className="threshold" />}
          {vx >= 0 && (
            <line x1={vx} x2={vx} y1={0} y2={PH} className="sample" data-testid="histogram-sample" />
          )}
          <text x={0} y={PH + 13} className="tick">
            {num(h.min)}
          </text>
          <text x={PW} y={PH + 13} className="tick" textAnchor="end">
            {num(h.max)}
          </text>
          <text x={-4} y={8} className="tick" textAnchor="end">
            {peakOf(h.counts).toLocaleString()}
          </text>
          <text x={-4} y={PH} className="tick" textAnchor="end">
            0
          </text>
        </g>
      </svg>
      <figcaption>
        <Term name={name} />{' '}
        <span className="muted">
          {h.threshold !== null && Number.isFinite(h.threshold) ? `flag ≥ ${num(h.threshold)}` : ''}
          {value !== null ? ` · this ${num(value)}` : ''}
        </span>
      </figcaption>
    </figure>
  );
}

/**
 * Every score's histogram (rows per value, the count of the tallest bin on the left), with the median (grey, dashed),
 * the flag threshold (red) and the focused sample's own value (blue) marked.
 */
export function Histograms() {
  const summary = useApp((s) => s.review.summary);
  const focused = useFocusedValues();
  if (!summary) return null;
  return (
    <section className="review-histograms-panel" aria-labelledby="histograms-title">
      <h3 id="histograms-title">
        Distributions{' '}
        <span className="muted">
          (rows per value; <span className="key-bulk">median</span>,{' '}
          <span className="key-threshold">flag threshold</span>
          {focused ? (
            <>
              , <span className="key-sample">this sample</span>
            </>
          ) : null}
          )
        </span>
      </h3>
      <div className="review-histograms" data-testid="review-histograms">
        {Object.entries(summary.histograms).map(([name, h]) => (
          <HistogramFigure key={name} name={name} h={h} value={focused?.values[name] ?? null} />
        ))}
      </div>
    </section>
  );
}
