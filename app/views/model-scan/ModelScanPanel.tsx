import './model-scan.css';
import { type DragEvent, useId, useRef, useState } from 'react';
import { looksLikeScanReport } from '../../../workers/core/modelscan/report';
import { useModelScan, useModelScanController } from './context';
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
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    void route(files).then(({ report, others }) =>
      report ? controller.verify(report, others) : controller.scan(others),
    );
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    take(event.dataTransfer.files);
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
        Keras (.keras, .h5), PyTorch and pickle files, safetensors, NumPy and TF.js model.json are read byte
        by byte and never loaded: no code in them runs. Each file gets a verdict and a signed report.
      </p>
      <section
        className={over ? 'dropzone dropzone-over' : 'dropzone'}
        aria-label="Model drop zone"
        onDragOver={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Drop model files here or{' '}
          <button type="button" className="link" onClick={() => input.current?.click()}>
            choose files
          </button>
        </p>
        <p className="muted">Drop a scan report (with or without its model files) to check its signature.</p>
        <label className="visually-hidden" htmlFor={inputId}>
          Model files
        </label>
        <input
          id={inputId}
          ref={input}
          className="visually-hidden"
          type="file"
          multiple
          data-testid="model-scan-input"
          onChange={(event) => {
            take(event.currentTarget.files);
            event.currentTarget.value = '';
          }}
        />
      </section>
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
