import { useState } from 'react';
import { num, percent } from '../../../../workers/core/review/why';
import type { TabularEvidence } from '../../../controllers/review/controller';
import { Term } from '../Term';

const FIRST = 12;

/**
 * A tabular sample's features as written in the file, each against its class: percentile within the class, deviation
 * in class standard deviations and share of the Mahalanobis distance; the features that push it out come first.
 */
export function FeatureEvidence({ evidence, label }: { evidence: TabularEvidence; label: string }) {
  const [all, setAll] = useState(false);
  const order = all ? evidence.order : evidence.order.slice(0, FIRST);
  return (
    <section
      className="detail-features"
      data-testid="detail-features"
      aria-labelledby="detail-features-title"
    >
      <h4 id="detail-features-title">Features against class {label}</h4>
      <p className="muted" data-testid="detail-distance">
        {evidence.distance !== null
          ? `Mahalanobis distance to its class: ${num(evidence.distance)}${
              evidence.distancePercentile !== null
                ? `, farther than ${percent(evidence.distancePercentile)} of the class’s ${evidence.classRows.toLocaleString()} rows`
                : ''
            } (shrinkage ${num(evidence.shrinkage)}).`
          : (evidence.skipped ?? '')}
        {evidence.fileMissing && ' The stored file could not be read: values are the model’s.'}
      </p>
      <table className="compact feature-table" data-testid="detail-feature-table">
        <thead>
          <tr>
            <th scope="col">feature</th>
            <th scope="col">in the file</th>
            <th scope="col" className="num">
              <Term name="classPercentile" label="class pct" />
            </th>
            <th scope="col" className="num">
              <Term name="deviation" label="dev. (σ)" />
            </th>
            <th scope="col" className="num">
              <Term name="share" label="share" />
            </th>
          </tr>
        </thead>
        <tbody>
          {order.map((i) => {
            const f = evidence.features[i];
            if (!f) return null;
            return (
              <tr key={f.name} data-feature={f.name}>
                <th scope="row" className="feature-name" title={f.name}>
                  {f.name}
                </th>
                <td className="num" data-testid="feature-written">
                  {f.written === '' ? <span className="muted">empty</span> : f.written}
                  {f.missing && <span className="muted"> (median used)</span>}
                </td>
                <td className="num">{percent(f.percentile)}</td>
                <td className="num">{num(f.z)}</td>
                <td className="num">{f.share === null ? '—' : percent(f.share)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {evidence.order.length > FIRST && (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? `Show the first ${FIRST} features` : `Show all ${evidence.order.length} features`}
        </button>
      )}
    </section>
  );
}
