import './model-scan.css';
import { useState } from 'react';
import { errorText } from '../../../workers/core/error-text';
import { looksLikeScanReport } from '../../../workers/core/modelscan/report';
import { DEFAULT_LIMITS } from '../../../workers/core/modelscan/types';
import { FileDrop } from '../FileDrop';
import { FolderPicker } from '../FolderPicker';
import { droppedDirectory, readDroppedFolder } from '../images/dropped-folder';
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

/** Files from the folder picker, as one folder: the first part of each `webkitRelativePath` names it. */
function chosenFolder(files: File[]): { name: string; paths: string[] } {
  const relative = files.map((f) => f.webkitRelativePath || f.name);
  const name = relative[0]?.split('/')[0] ?? 'folder';
  return { name, paths: relative.map((p) => (p.startsWith(`${name}/`) ? p.slice(name.length + 1) : p)) };
}

/** "Scan a model" on the start screen: drop or choose model files; a dropped scan report is verified instead. */
export function ModelScanPanel() {
  const controller = useModelScanController();
  const scan = useModelScan((s) => s.scan);
  const [folderError, setFolderError] = useState<string | null>(null);
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
        ONNX, TensorFlow SavedModels (the folder, its saved_model.pb, or the folder as a .zip or .tar.gz) and
        frozen graphs, GGUF, NumPy, TF.js model.json, Hugging Face config and tokenizer JSON, and the files of
        a tar, are read byte by byte and never loaded: no code in them runs. Each file gets a verdict and a
        signed report.
      </p>
      <FileDrop
        label="Model drop zone"
        inputLabel="Model files"
        prompt="Drop model files here or"
        chooseLabel="choose files"
        multiple
        testId="model-scan-input"
        onFiles={(files) => {
          setFolderError(null);
          take(files);
        }}
        onDropTransfer={(transfer) => {
          const directory = droppedDirectory(transfer);
          if (!directory) return false;
          setFolderError(null);
          readDroppedFolder(directory, DEFAULT_LIMITS.maxEntries).then(
            (folder) => controller.scanFolder(folder.name, folder.files, folder.paths),
            (error: unknown) => setFolderError(errorText(error)),
          );
          return true;
        }}
      >
        <p className="muted">
          Folders too: drop one, or{' '}
          <FolderPicker
            buttonText="choose a folder"
            inputLabel="Model folder"
            testId="model-scan-folder-input"
            onFiles={(files) => {
              setFolderError(null);
              const folder = chosenFolder(files);
              void controller.scanFolder(folder.name, files, folder.paths);
            }}
          />
          ; a SavedModel folder is scanned as one model, any other folder file by file. Drop a scan report
          (with or without its model files) to check its signature.
        </p>
      </FileDrop>
      {folderError && (
        <p className="notice notice-error" role="alert">
          The folder was not scanned: {folderError}
        </p>
      )}
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
