import { useCallback } from 'react';
import {
  batchMarkers,
  classSeries,
  decimate,
  epochMarkers,
  epochSeries,
  ewma,
  indexRange,
} from '../../charts/curves';
import { type ChartModel, CLASS_COLORS } from '../../charts/line-chart';
import type { CurveData } from '../../state/run-slice';
import { useApp, useTrainer } from '../session-context';
import { Chart } from './Chart';

/** Display smoothing of the batch curves: an EWMA over about the last 20 batches. */
const SMOOTHING = 0.05;
/** Chart margins take about this many px of the width; the rest is one column per px. */
const MARGINS_PX = 70;

function batchModel(
  curves: CurveData,
  key: 'loss' | 'gradNorm',
  width: number,
  zoom: [number, number] | null,
) {
  const values = curves[key];
  const count = curves.steps;
  const [from, to] = indexRange(zoom, count);
  const columns = Math.max(50, width - MARGINS_PX);
  const label = key === 'loss' ? 'batch loss' : 'gradient norm';
  const model: ChartModel = {
    series: [
      { key: 'raw', label, className: 'line line-raw', points: decimate(values, from, to, columns) },
      {
        key: 'smooth',
        label: 'smoothed',
        className: 'line line-smooth',
        points: decimate(ewma(values, count, SMOOTHING), from, to, columns),
      },
    ],
    markers: batchMarkers(curves.anomalies, key, values, count).filter((m) => m.x >= from && m.x < to),
    xDomain: zoom ?? [0, Math.max(curves.totalSteps, count, 2) - 1],
  };
  return model;
}

const epochCount = (curves: CurveData) =>
  Math.max(
    curves.stepsPerEpoch ? Math.round(curves.totalSteps / curves.stepsPerEpoch) : 0,
    curves.epochs.length,
    2,
  );

const stepLabel = (curves: CurveData) => (x: number) =>
  curves.stepsPerEpoch
    ? `step ${Math.round(x) + 1} (epoch ${Math.floor(x / curves.stepsPerEpoch) + 1}, batch ${(Math.round(x) % curves.stepsPerEpoch) + 1})`
    : `step ${Math.round(x) + 1}`;

/** The curves of the run on show: batch loss, gradient norm, epoch loss and accuracy, per-class loss. */
export function CurvesPanel() {
  const curves = useApp((s) => s.curves);
  if (!curves) {
    return (
      <section className="panel" aria-labelledby="curves-title">
        <h3 id="curves-title">Curves</h3>
        <p className="muted" data-testid="curves-empty">
          No run yet: start one, or open a stored run below.
        </p>
      </section>
    );
  }
  return <Curves curves={curves} />;
}

function Curves({ curves }: { curves: CurveData }) {
  const trainer = useTrainer();
  const onMarker = useCallback((anomaly: number) => void trainer.showSamples(anomaly), [trainer]);
  const loss = useCallback(
    (width: number, zoom: [number, number] | null) => batchModel(curves, 'loss', width, zoom),
    [curves],
  );
  const grad = useCallback(
    (width: number, zoom: [number, number] | null) => batchModel(curves, 'gradNorm', width, zoom),
    [curves],
  );
  // Epoch charts change only when an epoch ends or an anomaly arrives, not with every batch.
  const { epochs, anomalies, classNames } = curves;
  const lastEpoch = epochCount(curves);
  const epochLoss = useCallback(
    (): ChartModel => ({
      series: epochSeries(epochs, 'loss'),
      markers: epochMarkers(anomalies, epochs, 'loss'),
      xDomain: [1, lastEpoch],
    }),
    [epochs, anomalies, lastEpoch],
  );
  const accuracy = useCallback(
    (): ChartModel => ({
      series: epochSeries(epochs, 'accuracy'),
      markers: epochMarkers(anomalies, epochs, 'accuracy'),
      xDomain: [1, lastEpoch],
    }),
    [epochs, anomalies, lastEpoch],
  );
  const perClass = useCallback(
    (): ChartModel => ({
      series: classSeries(epochs, classNames, CLASS_COLORS),
      markers: epochMarkers(anomalies, epochs, 'class'),
      xDomain: [1, lastEpoch],
    }),
    [epochs, anomalies, classNames, lastEpoch],
  );
  const epochX = (x: number) => `epoch ${Math.round(x)}`;
  return (
    <section className="panel" aria-labelledby="curves-title" data-testid="curves" data-run-id={curves.runId}>
      <h3 id="curves-title">Curves</h3>
      <div className="chart-grid">
        <Chart
          title="Batch loss"
          testId="chart-batch-loss"
          yScale="log"
          xLabel="step"
          yLabel="loss"
          zoomable
          makeModel={loss}
          count={curves.steps}
          xFormat={stepLabel(curves)}
          onMarker={onMarker}
        />
        <Chart
          title="Gradient norm"
          testId="chart-grad-norm"
          yScale="log"
          xLabel="step"
          yLabel="‖∇‖"
          zoomable
          makeModel={grad}
          count={curves.steps}
          xFormat={stepLabel(curves)}
          onMarker={onMarker}
        />
        <Chart
          title="Loss per epoch"
          testId="chart-epoch-loss"
          yScale="linear"
          xLabel="epoch"
          yLabel="loss"
          zoomable={false}
          makeModel={epochLoss}
          count={curves.epochs.length}
          xFormat={epochX}
          onMarker={onMarker}
        />
        <Chart
          title="Accuracy per epoch"
          testId="chart-accuracy"
          yScale="linear"
          xLabel="epoch"
          yLabel="accuracy"
          yDomain={[0, 1]}
          zoomable={false}
          makeModel={accuracy}
          count={curves.epochs.length}
          xFormat={epochX}
          onMarker={onMarker}
        />
        <Chart
          title="Training loss per class"
          testId="chart-class-loss"
          yScale="linear"
          xLabel="epoch"
          yLabel="mean loss"
          zoomable={false}
          makeModel={perClass}
          count={curves.epochs.length}
          xFormat={epochX}
          onMarker={onMarker}
        />
      </div>
    </section>
  );
}
