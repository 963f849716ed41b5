import { useApp } from '../session-context';
import { ManifestDrop } from './ManifestDrop';

/** The verification screen: the outcome of the last dropped manifest, and a drop for another. */
export function VerifyView() {
  const verify = useApp((s) => s.verify);
  const go = useApp((s) => s.go);
  return (
    <section className="panel verify" aria-labelledby="verify-title" data-testid="verify-view">
      <h2 id="verify-title">Verify an export</h2>
      <VerifyOutcomeText />
      <ManifestDrop
        prompt="Drop a manifest (and its clean CSV) here or"
        note="Files are told apart by their content: the manifest is the JSON file whose format is a Sift manifest."
      />
      {verify.kind !== 'checking' && (
        <p>
          <button type="button" onClick={() => go({ kind: 'start' })}>
            Back to the start screen
          </button>
        </p>
      )}
    </section>
  );
}

function VerifyOutcomeText() {
  const verify = useApp((s) => s.verify);
  if (verify.kind === 'idle') return <p className="muted">No manifest checked yet.</p>;
  if (verify.kind === 'checking') return <p role="status">Checking {verify.manifestName}…</p>;
  if (verify.kind === 'failed')
    return (
      <p className="bad" role="alert" data-testid="verify-result" data-ok="false">
        {verify.manifestName} could not be checked: {verify.message}
      </p>
    );
  const { outcome } = verify;
  const clean = verify.cleanName ? ` and ${verify.cleanName}` : '';
  return (
    <div data-testid="verify-result" data-ok={outcome.ok} role="status">
      {outcome.ok ? (
        <p className="ok">
          Verified {verify.manifestName}
          {clean}: the signature matches
          {outcome.filesChecked
            ? `, and all ${outcome.filesChecked.toLocaleString()} files of the clean zip match`
            : outcome.rowsChecked > 0
              ? `, and all ${outcome.rowsChecked.toLocaleString()} rows of the clean CSV match`
              : ''}
          .
        </p>
      ) : (
        <>
          <p className="bad">
            {verify.manifestName}
            {clean} does not verify:
          </p>
          <ul>
            {outcome.problems.map((p) => (
              <li key={p} data-testid="verify-problem">
                {p}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
