import { useEffect, useRef, useState } from 'react';
import { errorText } from '../../../workers/core/error-text';
import { drawGreyImage } from '../../charts/image';
import { sparklinePoints } from '../../charts/sparkline';
import type { InfluenceView, RowDetail } from '../../controllers/review/controller';
import { ImageEvidence, SampleThumb } from '../images/ImageEvidence';
import { useApp, useReviewer } from '../session-context';
import { FeatureEvidence } from './detail/FeatureEvidence';
import { NeighbourTable } from './detail/NeighbourTable';
import { ScoreTable } from './detail/ScoreTable';
import { WhyFlagged } from './detail/WhyFlagged';

function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 140;
  const h = 36;
  const points = sparklinePoints(values, w, h);
  return (
    <figure className="sparkline">
      <svg
        width={w}
        height={h}
        role="img"
        aria-label={`${label} over epochs: ${values.map((v) => v.toFixed(2)).join(', ')}`}
      >
        <polyline points={points} fill="none" stroke="currentColor" />
      </svg>
      <figcaption>
        {label} per epoch ({values.length})
      </figcaption>
    </figure>
  );
}

function Thumb({ values, image }: { values: Float32Array; image: { width: number; height: number } }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    drawGreyImage(ref.current, values, image, lo, hi);
  }, [values, image]);
  return <canvas ref={ref} className="thumb" />;
}

type InfluenceState =
  | { kind: 'loading'; row: number }
  | { kind: 'done'; view: InfluenceView }
  | { kind: 'failed'; row: number; message: string };

/** TracIn proponents and opponents of the focused sample, asked of the score worker whenever the focus moves. */
function Influence({ row }: { row: number }) {
  const reviewer = useReviewer();
  const [state, setState] = useState<InfluenceState>({ kind: 'loading', row });
  useEffect(() => {
    let live = true;
    setState({ kind: 'loading', row });
    reviewer.influence(row).then(
      (view) => {
        if (live && view) setState({ kind: 'done', view });
      },
      (error: unknown) => {
        if (live) setState({ kind: 'failed', row, message: errorText(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [row, reviewer]);
  const list = (entries: InfluenceView['proponents'], testId: string, empty: string) =>
    entries.length === 0 ? (
      <p className="muted" data-testid={testId}>
        {empty}
      </p>
    ) : (
      <ol className="neighbours" data-testid={testId}>
        {entries.map((e) => (
          <li key={e.row} data-row={e.row}>
            <SampleThumb row={e.row} id={e.id} />
            <button type="button" className="link" onClick={() => reviewer.focus(e.row)}>
              {e.id}
            </button>{' '}
            {e.label} <span className="muted num">{e.value.toPrecision(3)}</span>
          </li>
        ))}
      </ol>
    );
  const shown = state.kind === 'done' ? state.view.row : state.row;
  return (
    <section
      className="detail-influence"
      data-testid="detail-influence"
      data-state={shown === row ? state.kind : 'loading'}
    >
      <h4>Proponents and opponents (TracIn influence on this sample)</h4>
      {state.kind === 'failed' && shown === row ? (
        <p className="field-error" role="alert" data-testid="influence-error">
          Influence could not be computed: {state.message}
        </p>
      ) : state.kind === 'done' && shown === row && state.view.leftOut ? (
        <p className="muted" data-testid="influence-left-out">
          This run trained without this row (it was quarantined before the run): nothing to attribute.
        </p>
      ) : state.kind === 'done' && shown === row ? (
        <>
          <p className="muted">
            Training rows whose gradient steps lowered this sample's loss (proponents) or raised it
            (opponents), summed over the run's checkpoints; computed on {state.view.backend}.
          </p>
          <h5>Proponents</h5>
          {list(state.view.proponents, 'detail-proponents', 'No training row lowered its loss.')}
          <h5>Opponents</h5>
          {list(state.view.opponents, 'detail-opponents', 'No training row raised its loss.')}
        </>
      ) : (
        <p className="muted" aria-live="polite">
          Computing influence in the score worker…
        </p>
      )}
    </section>
  );
}

/** The focused sample: values or image, labels, every score with its percentile and threshold, trajectories, neighbours. */
export function DetailPanel() {
  const reviewer = useReviewer();
  const summary = useApp((s) => s.review.summary);
  const focus = useApp((s) => s.review.focus);
  const version = useApp((s) => s.review.version);
  const [detail, setDetail] = useState<RowDetail | null>(null);
  useEffect(() => {
    let live = true;
    if (focus === null || version < 0) setDetail(null);
    else void reviewer.detail(focus).then((d) => live && setDetail(d));
    return () => {
      live = false;
    };
  }, [focus, version, reviewer]);
  if (!summary || focus === null) {
    return (
      <aside className="review-detail muted" data-testid="review-detail">
        Select a sample in the table or on a map.
      </aside>
    );
  }
  if (detail?.row !== focus) {
    return (
      <aside className="review-detail" data-testid="review-detail" data-row={focus} aria-busy>
        <p className="muted">Reading the sample…</p>
        <Influence row={focus} />
      </aside>
    );
  }
  const decided =
    detail.decision === 'quarantine' ? 'quarantined' : detail.decision === 'keep' ? 'kept' : 'undecided';
  return (
    <aside className="review-detail" data-testid="review-detail" data-row={focus} data-id={detail.id}>
      <h3 data-testid="detail-id">{detail.id}</h3>
      <p>
        Label <strong>{detail.label}</strong>
        {detail.suggested && (
          <>
            {' '}
            · suggested <strong>{detail.suggested}</strong>
          </>
        )}{' '}
        · row {focus} · {decided}
        {detail.reasons.length > 0 && ` (${detail.reasons.join(', ')})`}
      </p>
      {detail.group && (
        <p>
          It is in a group of {detail.group.rows} rows that share values.{' '}
          <button type="button" data-testid="select-group" onClick={() => void reviewer.selectGroup(focus)}>
            Select the group’s {detail.group.rows} rows
          </button>
        </p>
      )}
      {/* An image is what the analyst judges first: it comes before the reasons; a table's values after them. */}
      {summary.image && (
        <ImageEvidence
          row={focus}
          id={detail.id}
          label={detail.label}
          shape={summary.image}
          group={detail.group}
        />
      )}
      {detail.rank && <p data-testid="detail-rank">{detail.rank}</p>}
      <WhyFlagged why={detail.why} />
      {summary.image ? null : detail.image ? (
        <Thumb values={detail.features} image={detail.image} />
      ) : (
        detail.tabular && <FeatureEvidence evidence={detail.tabular} label={detail.label} />
      )}
      <div className="detail-trajectory">
        {detail.loss && <Sparkline values={detail.loss} label="loss" />}
        {detail.margin && <Sparkline values={detail.margin} label="margin" />}
      </div>
      <ScoreTable detail={detail} />
      <NeighbourTable neighbours={detail.neighbours} label={detail.label} />
      <Influence row={focus} />
    </aside>
  );
}
