import { useEffect, useState } from 'react';
import type { ImageOverviewRecord } from '../../controllers/images/controller';
import type { DatasetMeta } from '../../controllers/ingest/controller';
import { formatBytes, formatCount, formatSeconds } from '../../format';
import { ClassBalancePanel, OverviewCounts, OverviewHead } from '../OverviewHead';
import { ProblemList } from '../ProblemList';
import { useApp, useImageImport } from '../session-context';
import { ClassMeans } from './ClassMeans';
import { Thumbnail } from './Thumbnail';

/** An image dataset at a glance: counts, source, shape, class balance, each class's mean, thumbnails per class. */
export function ImageOverview({ meta }: { meta: DatasetMeta }) {
  const images = useImageImport();
  const job = useApp((s) => s.job);
  const [overview, setOverview] = useState<ImageOverviewRecord | null>(null);
  useEffect(() => {
    let live = true;
    void images.overview(meta.id).then((o) => live && setOverview(o ?? null));
    return () => {
      live = false;
    };
  }, [images, meta.id]);
  const info = meta.images;
  if (!info) return null;
  const { shape } = info;
  const per = shape.height * shape.width * shape.channels;
  const native = info.sizes[0];
  const timings = job.kind === 'done' && job.datasetId === meta.id ? job.timings : null;
  // Where each class's thumbnails start in `thumbPixels` (classes in order).
  const starts: number[] = [];
  let next = 0;
  for (const rows of overview?.thumbRows ?? []) {
    starts.push(next);
    next += rows.length;
  }
  return (
    <div className="overview" data-testid="overview" data-dataset-id={meta.id} data-kind="images">
      <OverviewHead meta={meta} />
      {timings && (
        <div
          className="notice notice-ok"
          role="status"
          data-testid="import-summary"
          data-timings={JSON.stringify(timings)}
        >
          Imported {formatCount(meta.rows)} images in {formatSeconds(timings.totalMs)}
          <span className="muted">
            {' '}
            (checking entries {formatSeconds(timings.readMs)}, decoding and hashing{' '}
            {formatSeconds(timings.parseMs)}, storing {formatSeconds(timings.storeMs)})
          </span>
        </div>
      )}
      <section className="panel" aria-label="Summary">
        <OverviewCounts
          meta={meta}
          rowsLabel="Images"
          middle={{
            label: 'Image size',
            testId: 'overview-shape',
            value: `${shape.height}x${shape.width}x${shape.channels}`,
            text: `${shape.width} × ${shape.height} × ${shape.channels === 1 ? 'grey' : 'RGB'}`,
          }}
        />
        <dl className="image-facts">
          <dt>{info.source === 'zip' ? 'Zip' : 'Folder'}</dt>
          <dd>
            {meta.fileName} ({formatBytes(meta.bytes)})
          </dd>
          <dt>SHA-256</dt>
          <dd className="mono" data-testid="overview-sha256">
            {meta.sha256}
            {info.source === 'folder' && (
              <span className="muted"> (of the listing: one “sha256 path” line per image)</span>
            )}
          </dd>
          <dt>Labels</dt>
          <dd>
            {info.layout === 'class-folders'
              ? 'one folder per class'
              : `the labels CSV “${info.labelsCsv ?? ''}”`}
          </dd>
          <dt>Native size</dt>
          <dd>
            {native
              ? `${native.width} × ${native.height} (${formatCount(native.count)} of ${formatCount(meta.rows)} images)${info.sizes.length > 1 ? `, ${info.sizes.length - 1} other size${info.sizes.length > 2 ? 's' : ''}` : ''}`
              : '—'}
          </dd>
          <dt>Left out</dt>
          <dd data-testid="overview-skipped" data-count={info.skippedCount}>
            {info.skippedCount === 0
              ? 'nothing'
              : `${formatCount(info.skippedCount)} files, with your consent`}
          </dd>
        </dl>
      </section>
      {info.warnings.length > 0 && (
        <details className="panel warnings" data-testid="warnings-report" open={info.warnings.length <= 5}>
          <summary>
            {info.warnings.length} warning{info.warnings.length === 1 ? '' : 's'}
          </summary>
          <ProblemList problems={info.warnings} />
        </details>
      )}
      <ClassBalancePanel meta={meta} />
      <section className="panel" aria-labelledby="means-title">
        <h3 id="means-title">Mean image per class</h3>
        {overview ? (
          <ClassMeans classes={meta.classes} means={overview.classMeans} shape={shape} />
        ) : (
          <p className="muted">Reading…</p>
        )}
      </section>
      <section className="panel" aria-labelledby="thumbs-title" data-testid="class-thumbnails">
        <h3 id="thumbs-title">Images per class</h3>
        {overview?.thumbRows.map((rows, k) => {
          const from = starts[k] ?? 0;
          const name = meta.classes[k] ?? '';
          return (
            <div className="class-row" key={name} data-class={name}>
              <h4>
                {name} <span className="muted">({formatCount(meta.classCounts[k] ?? 0)} images)</span>
              </h4>
              <ul>
                {rows.map((row, j) => (
                  <li key={row}>
                    <Thumbnail
                      pixels={overview.thumbPixels.subarray((from + j) * per, (from + j + 1) * per)}
                      shape={shape}
                      label={`Image ${row + 1} of class ${name}`}
                    />
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
        {overview && overview.thumbRows.length < meta.classes.length && (
          <p className="muted">
            Thumbnails of the first {overview.thumbRows.length} classes of {meta.classes.length}.
          </p>
        )}
      </section>
    </div>
  );
}
