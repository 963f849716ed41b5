import type { ScanReport } from '../../controllers/model-scan/controller';
import { FindingsTable } from './FindingsTable';

// Said of every format the scanner reads (a pickle, a chat template, a Hugging Face config), not of Keras alone.
const VERDICT_WORDS = {
  safe: 'Safe: nothing found in it would run code, or reach code outside the library that reads it, when it is loaded.',
  unsafe:
    'Unsafe: loading it could run code, or reach code outside the library that reads it (the findings say where).',
  refused: 'Refused: it is malformed, unreadable by the scanner, or built to exhaust resources.',
} as const;

const plural = (n: number, noun: string) => (n === 1 ? `1 ${noun}` : `${n.toLocaleString()} ${noun}s`);

/** "Scanned 3 files: 1 unsafe, 0 refused, 2 safe."; a scanned SavedModel folder (named `<folder>/`) is a folder. */
function summary(report: ScanReport): string {
  const count = (v: keyof typeof VERDICT_WORDS) => report.files.filter((f) => f.verdict === v).length;
  const n = report.files.length;
  const what =
    n > 0 && report.files.every((f) => f.file.endsWith('/')) ? plural(n, 'folder') : plural(n, 'file');
  return `Scanned ${what}: ${count('unsafe')} unsafe, ${count('refused')} refused, ${count('safe')} safe.`;
}

/** The verdict of each scanned file with its findings, and the signed report to download. */
export function ScanResults({ report, url, name }: { report: ScanReport; url: string; name: string }) {
  return (
    <div className="model-scan-results" data-testid="model-scan-results">
      <p data-testid="model-scan-summary">
        <strong>{summary(report)}</strong>
      </p>
      <p>
        <a href={url} download={name} data-testid="model-scan-download">
          Download the signed report ({name})
        </a>
      </p>
      {report.files.map((file) => (
        <article
          key={`${file.file}|${file.sha256}`}
          className="model-scan-file"
          data-testid="model-scan-file"
          data-verdict={file.verdict}
        >
          <h3>
            <span className={`verdict verdict-${file.verdict}`}>{file.verdict}</span> {file.file}
          </h3>
          <p data-testid="model-scan-verdict">{VERDICT_WORDS[file.verdict]}</p>
          <p className="muted">
            {`Read as ${file.format}, ${file.bytes.toLocaleString()} bytes, scanned in ${file.elapsedMs} ms. SHA-256 `}
            <code>{file.sha256}</code>
          </p>
          {file.findings.length > 0 ? (
            <FindingsTable findings={file.findings} />
          ) : (
            <p className="muted">No findings.</p>
          )}
        </article>
      ))}
    </div>
  );
}
