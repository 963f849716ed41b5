import { useApp, useReviewer } from '../session-context';
import { ManifestDrop } from '../verify/ManifestDrop';

/** Export (signed manifest, clean, quarantine and report CSVs), and a drop that opens verification. */
export function ExportPanel() {
  const reviewer = useReviewer();
  const exported = useApp((s) => s.review.exported);
  const files = useApp((s) => (s.review.summary?.image ? 'zips' : 'CSVs'));
  return (
    <section className="review-export" data-testid="review-export">
      <h3>Export</h3>
      <button type="button" data-testid="export-all" onClick={() => void reviewer.exportAll()}>
        Export the signed manifest, the clean and quarantine {files} and the review CSV
      </button>
      {exported.length > 0 && (
        <ul data-testid="exported-files">
          {exported.map((f) => (
            <li key={f.name}>
              <a href={f.url} download={f.name}>
                {f.name}
              </a>{' '}
              <span className="muted">{f.bytes.toLocaleString()} bytes</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Verify</h3>
      <ManifestDrop
        prompt="Drop a manifest (and its clean CSV or clean zip) here, or anywhere in Sift, or"
        note="Verification opens on its own screen."
      />
    </section>
  );
}
