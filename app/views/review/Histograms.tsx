import { useApp } from '../session-context';

const W = 160;
const H = 48;

/** Small histograms of every score with the flag threshold (top q) marked. */
export function Histograms() {
  const data = useApp((s) => s.review.data);
  if (!data) return null;
  return (
    <section className="review-histograms" data-testid="review-histograms" aria-label="Score histograms">
      {Object.entries(data.histograms).map(([name, h]) => {
        let peak = 1;
        for (const c of h.counts) peak = Math.max(peak, c);
        const bw = W / h.counts.length;
        const span = h.max - h.min || 1;
        // One path for all bars: bins are positional, so they need no keyed elements.
        const bars = Array.from(
          h.counts,
          (c, b) => `M${b * bw},${H}v${-(c / peak) * H}h${Math.max(1, bw - 1)}v${(c / peak) * H}z`,
        ).join('');
        const tx = Number.isFinite(h.threshold) ? ((h.threshold - h.min) / span) * W : -1;
        return (
          <figure key={name} className="histogram">
            <svg
              width={W}
              height={H}
              role="img"
              aria-label={`${name} histogram, flag threshold ${h.threshold}`}
            >
              <path d={bars} />
              {tx >= 0 && <line x1={tx} x2={tx} y1={0} y2={H} className="threshold" />}
            </svg>
            <figcaption>
              {name}{' '}
              <span className="muted">
                flag ≥ {Number.isFinite(h.threshold) ? h.threshold.toPrecision(3) : '—'}
              </span>
            </figcaption>
          </figure>
        );
      })}
    </section>
  );
}
