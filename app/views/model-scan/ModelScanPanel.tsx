import './model-scan.css';
import { looksLikeScanReport } from '../../../workers/core/modelscan/report';
import { FileDrop } from '../FileDrop';
import { useModelScan, useModelScanController } from '../session-context';
import { ScanResults } from './ScanResults';
import { VerifyResult } from './VerifyResult';

/** Splits dropped files into a scan report to verify (with the model files beside it) or model files to scan. */
async function route(files: File[]): Promise<{ report: File | null; others: File[] }> {
  for (const file of files) {
    if (file.size < 64 * 1024 ** 2 && looksLikeScanReport(await file.slice(0, 4096).text())) {
      return { report: file, others: files.filter((f) => f !== file) };
    }
  }
  return { report: null, others: files };
}

/** "Scan a model" on the start screen: drop or choose model files; a dropped scan report is verified instead. */
export function ModelScanPanel() {
  const controller = useModelScanController();
  const scan = useModelScan((s) => s.scan);
  const take = (files: File[]) => {
    void route(files).then(({ report, others }) =>
      report ? controller.verify(report, others) : controller.scan(others),
    );
  };

  return (
    <section
      className="panel model-scan"
      aria-labelledby="model-scan-title"
      data-testid="model-scan"
      data-state={scan.kind === 'scanning' ? 'busy' : 'idle'}
    >
      <h2 id="model-scan-title">Scan a model</h2>
      <p className="muted">
        Keras (.keras, .h5), PyTorch, pickle and joblib files (gzip- or zlib-compressed too), safetensors,
        ONNX, TensorFlow SavedModels (saved_model.pb, or the folder as a .zip or .tar.gz) and frozen graphs,
        NumPy and TF.js model.json are read byte by byte and never loaded: no code in them runs. Each file
        gets a verdict and a signed report.
      </p>
      <FileDrop
        label="Model drop zone"
        inputLabel="Model files"
        prompt="Drop model files here or"
        chooseLabel="choose files"
        multiple
        testId="model-scan-input"
        onFiles={take}
      >
        <p className="muted">Drop a scan report (with or without its model files) to check its signature.</p>
      </FileDrop>
      {scan.kind === 'scanning' && (
        <p role="status" data-testid="model-scan-progress">
          Scanning
          {scan.progress
            ? ` ${scan.progress.file} (${scan.progress.done + 1} of ${scan.progress.total})`
            : ''}
          …{' '}
          <button type="button" className="secondary" onClick={() => controller.cancel()}>
            Cancel
          </button>
        </p>
      )}
      {scan.kind === 'cancelled' && <p role="status">The scan was cancelled; no report was made.</p>}
      {scan.kind === 'failed' && (
        <p className="notice notice-error" role="alert">
          The scan failed: {scan.message}
        </p>
      )}
      {scan.kind === 'done' && (
        <ScanResults report={scan.report} url={scan.downloadUrl} name={scan.downloadName} />
      )}
      <VerifyResult />
    </section>
  );
}
