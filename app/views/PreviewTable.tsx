import type { CsvPreview } from '../../workers/core/ingest/types';
import { formatCount } from '../format';

const MAX_ROWS = 10;
const MAX_COLUMNS = 24;

/** The first rows of the file as parsed, capped so a 5,000-column file stays readable. */
export function PreviewTable({ preview }: { preview: CsvPreview }) {
  const columns = preview.header.slice(0, MAX_COLUMNS);
  const rows = preview.sampleRows.slice(0, MAX_ROWS);
  const hidden = preview.header.length - columns.length;
  return (
    <div className="table-scroll">
      <table className="preview" data-testid="preview-table">
        <caption className="muted">
          First {rows.length} rows
          {hidden > 0 ? ` and ${columns.length} of ${formatCount(preview.header.length)} columns` : ''}
        </caption>
        <thead>
          <tr>
            {columns.map((name, c) => (
              // Duplicate column names are possible (and reported); the position keeps keys unique.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <th key={c} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are fixed file order
            <tr key={r}>
              {columns.map((_, c) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells are fixed file order
                <td key={c}>{row[c] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
