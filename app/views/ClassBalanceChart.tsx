import { useEffect, useMemo, useRef, useState } from 'react';
import { classBalanceBars, drawClassBalance } from '../charts/class-balance';

/** The class-balance bar chart; d3 draws into the SVG, React only owns the element. */
export function ClassBalanceChart({ classes, counts }: { classes: string[]; counts: number[] }) {
  const box = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const [width, setWidth] = useState(640);
  const bars = useMemo(() => classBalanceBars(classes, counts), [classes, counts]);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(240, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (svg.current) drawClassBalance(svg.current, bars, { width });
  }, [bars, width]);
  const label = `Class balance: ${bars.map((b) => `${b.label} ${b.count}`).join(', ')}`;
  return (
    <div ref={box} className="chart">
      <svg ref={svg} role="img" aria-label={label} data-testid="class-balance" />
    </div>
  );
}
