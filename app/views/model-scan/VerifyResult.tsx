import { formatCountOf } from '../../format';
import { useModelScan } from '../session-context';

/** The check of a dropped scan report: its signature, its verdicts, and the model files matched by SHA-256. */
export function VerifyResult() {
  const verify = useModelScan((s) => s.verify);
  if (verify.kind === 'none') return null;
  if (verify.kind === 'checking') return <p role="status">Checking {verify.file}…</p>;
  const { result } = verify;
  return (
    <div className="model-scan-verify" data-testid="model-scan-verify" data-ok={result.ok}>
      {result.ok ? (
        <p className="ok">
          {verify.file} verifies: signed by key {result.report?.signature?.keyId},{' '}
          {formatCountOf(result.report?.files.length ?? 0, 'file')}
          {result.filesMatched > 0
            ? `; ${formatCountOf(result.filesMatched, 'model file')} ${result.filesMatched === 1 ? 'matches its' : 'match their'} SHA-256`
            : ''}
          .
        </p>
      ) : (
        <>
          <p className="bad">{verify.file} does not verify:</p>
          <ul>
            {result.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
