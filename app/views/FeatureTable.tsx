import type { DatasetMeta } from '../controllers/ingest/controller';
import { formatCount, formatStat } from '../format';
import { VirtualRows } from './VirtualRows';

/** Per-feature min, mean, max and missing cells; virtualised, so 5,000 features render as fast as 5. */
export function FeatureTable({ meta }: { meta: DatasetMeta }) {
  const { featureNames, stats } = meta;
  return (
    <VirtualRows
      count={featureNames.length}
      rowHeight={28}
      height={360}
      className="features"
      testId="feature-table"
      caption={`${formatCount(featureNames.length)} features`}
      head={
        <tr>
          <th scope="col">Feature</th>
          <th scope="col" className="num">
            Min
          </th>
          <th scope="col" className="num">
            Mean
          </th>
          <th scope="col" className="num">
            Max
          </th>
          <th scope="col" className="num">
            Missing
          </th>
        </tr>
      }
      row={(j) => (
        <tr key={j}>
          <td>{featureNames[j]}</td>
          <td className="num">{formatStat(stats.min[j] ?? Number.NaN)}</td>
          <td className="num">{formatStat(stats.mean[j] ?? Number.NaN)}</td>
          <td className="num">{formatStat(stats.max[j] ?? Number.NaN)}</td>
          <td className="num">{formatCount(stats.missing[j] ?? 0)}</td>
        </tr>
      )}
    />
  );
}
