import { histogramPath, thresholdX } from '../../charts/histogram';
import { useApp } from '../session-context';

const W = 160;
const H = 48;

/** Small histograms of every score with the flag threshold (top q) marked. */
export function Histograms() {
  const summary = useApp((s) => s.review.summary);
  if (!summary) return null;
  return (
    <section className="review-histograms" data-testid="review-histograms" aria-label="Score histograms">
      {Object.entries(summary.histograms).map(([name, h]) => {
        const tx = thresholdX(h, h.threshold ?? Number.NaN, W);
        return (
          <figure key={name} className="histogram">
            <svg
              width={W}
              height={H}
              role="img"
              aria-label={`${name} histogram, flag threshold ${h.threshold}`}
            >
              <path d={histogramPath(h.counts, W, H)} />
              {tx >= 0 && <line x1={tx} x2={tx} y1={0} y2={H} className="threshold" />}
            </svg>
            <figcaption>
              {name}{' '}
              <span className="muted">
                flag ≥{' '}
                {h.threshold !== null && Number.isFinite(h.threshold) ? h.threshold.toPrecision(3) : '—'}
              </span>
            </figcaption>
          </figure>
        );
      })}
    </section>
  );
}
