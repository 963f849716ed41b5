import type { Finding } from '../../../workers/core/modelscan/types';

/** One row per finding: severity, kind, where in the file, the explanation, and any names the code references. */
export function FindingsTable({ findings }: { findings: Finding[] }) {
  return (
    <div className="table-scroll">
      <table className="findings" data-testid="model-scan-findings">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Kind</th>
            <th scope="col">Location</th>
            <th scope="col">What it means</th>
          </tr>
        </thead>
        <tbody>
          {findings.map((f) => (
            <tr key={`${f.kind}|${f.location}|${f.sentence}`} data-severity={f.severity}>
              <td>{f.severity}</td>
              <td>{f.kind}</td>
              <td>
                <code>{f.location}</code>
              </td>
              <td>
                {f.sentence}
                {f.references && f.references.length > 0 && (
                  <p className="references" data-testid="model-scan-references">
                    References: <code>{f.references.join(', ')}</code>
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
