import { useState } from 'react';
import { useApp, useReviewer } from '../session-context';

/** Export (signed manifest, clean, quarantine and report CSVs) and verification of dropped files. */
export function ExportPanel() {
  const reviewer = useReviewer();
  const exported = useApp((s) => s.review.exported);
  const verify = useApp((s) => s.review.verify);
  const [manifest, setManifest] = useState<File | null>(null);
  const [csv, setCsv] = useState<File | null>(null);
  const onDrop = (files: FileList) => {
    let m = manifest;
    let c = csv;
    for (const f of files) {
      if (f.name.endsWith('.json')) m = f;
      else c = f;
    }
    setManifest(m);
    setCsv(c);
    if (m) void reviewer.verifyFiles(m, c);
  };
  return (
    <section className="review-export" data-testid="review-export">
      <h3>Export</h3>
      <button type="button" data-testid="export-all" onClick={() => void reviewer.exportAll()}>
        Export signed manifest and CSVs
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
      <section
        aria-label="Verify drop zone"
        className="drop-zone"
        data-testid="verify-drop"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          onDrop(e.dataTransfer.files);
        }}
      >
        Drop a manifest (and optionally its clean CSV or clean zip) here, or choose them:{' '}
        <input
          type="file"
          multiple
          accept=".json,.csv,.zip"
          data-testid="verify-input"
          onChange={(e) => e.target.files && onDrop(e.target.files)}
        />
      </section>
      {verify && (
        <div data-testid="verify-result" data-ok={verify.ok} role="status">
          {verify.ok ? (
            <p className="ok">
              Verified: the signature matches{manifest ? ` (${manifest.name})` : ''}
              {verify.rowsChecked > 0 ? `, and all ${verify.rowsChecked} rows of the clean CSV match` : ''}
              {verify.filesChecked ? `, and all ${verify.filesChecked} files of the clean zip match` : ''}.
            </p>
          ) : (
            <>
              <p className="bad">Does not verify:</p>
              <ul>
                {verify.problems.map((p) => (
                  <li key={p} data-testid="verify-problem">
                    {p}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}
