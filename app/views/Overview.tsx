import { formatBytes, formatCount } from '../format';
import { ClassBalanceChart } from './ClassBalanceChart';
import { FeatureTable } from './FeatureTable';
import { ImageSamples } from './ImageSamples';
import { delimiterName } from './ImportForm';
import { ImportSummary } from './ImportSummary';
import { ImageOverview } from './images/ImageOverview';
import { OverviewHead } from './OverviewHead';
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
        <dl className="counts">
          <div>
            <dt>Rows</dt>
            <dd data-testid="overview-rows" data-value={meta.rows}>
              {formatCount(meta.rows)}
            </dd>
          </div>
          <div>
            <dt>Features</dt>
            <dd data-testid="overview-features" data-value={meta.featureNames.length}>
              {formatCount(meta.featureNames.length)}
            </dd>
          </div>
          <div>
            <dt>Classes</dt>
            <dd data-testid="overview-classes" data-value={meta.classes.length}>
              {formatCount(meta.classes.length)}
            </dd>
          </div>
        </dl>
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
      <section className="panel" aria-labelledby="balance-title">
        <h3 id="balance-title">Class balance</h3>
        <ClassBalanceChart classes={meta.classes} counts={meta.classCounts} />
      </section>
      {meta.image && <ImageSamples meta={meta} image={meta.image} />}
      <section className="panel" aria-labelledby="features-title">
        <h3 id="features-title">Features</h3>
        <FeatureTable meta={meta} />
      </section>
    </div>
  );
}
