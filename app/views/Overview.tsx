import { formatBytes, formatCount } from '../format';
import { FeatureTable } from './FeatureTable';
import { ImageSamples } from './ImageSamples';
import { delimiterName } from './ImportForm';
import { ImportSummary } from './ImportSummary';
import { ImageOverview } from './images/ImageOverview';
import { ClassBalancePanel, OverviewCounts, OverviewHead } from './OverviewHead';
import { useApp } from './session-context';
import { WarningsReport } from './WarningsReport';

/** The open dataset at a glance: counts, integrity, class balance, per-feature statistics, thumbnails. */
export function Overview() {
  const meta = useApp((s) => s.current);
  if (!meta) return null;
  if (meta.images) return <ImageOverview meta={meta} />;
  return (
    <div className="overview" data-testid="overview" data-dataset-id={meta.id}>
      <OverviewHead meta={meta} />
      <ImportSummary />
      <section className="panel" aria-label="Summary">
        <OverviewCounts
          meta={meta}
          rowsLabel="Rows"
          middle={{
            label: 'Features',
            testId: 'overview-features',
            value: meta.featureNames.length,
            text: formatCount(meta.featureNames.length),
          }}
        />
        <dl className="facts">
          <dt>File</dt>
          <dd>
            {meta.fileName} ({formatBytes(meta.bytes)}, {delimiterName(meta.delimiter)}-separated)
          </dd>
          <dt>SHA-256</dt>
          <dd className="mono" data-testid="overview-sha256">
            {meta.sha256}
          </dd>
          <dt>Label column</dt>
          <dd>{meta.labelColumn}</dd>
          <dt>Ids</dt>
          <dd>{meta.idColumn ?? 'row-<n> (no id column)'}</dd>
        </dl>
      </section>
      <WarningsReport warnings={meta.warnings} />
      <ClassBalancePanel meta={meta} />
      {meta.image && <ImageSamples meta={meta} image={meta.image} />}
      <section className="panel" aria-labelledby="features-title">
        <h3 id="features-title">Features</h3>
        <FeatureTable meta={meta} />
      </section>
    </div>
  );
}
