/**
 * The model scan's controller: starts the model-scan worker on first use, scans dropped files, keeps the signed
 * report for download, and verifies a report dropped back. Its state is a small store of its own (zustand vanilla),
 * so the scan lives beside the dataset workflow without touching the app store; the lead may fold it into
 * app/session.ts (issue 12).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { errorText } from '../../../workers/core/error-text';
import type { EcPublicJwk } from '../../../workers/core/manifest/types';
import type { ModelScanProgress, ReportVerification, ScanReport } from '../../../workers/modelscan.api';

export type { ScanReport };

import type { ModelScanWorker } from './client';

export type ModelScanStatus =
  | { kind: 'idle' }
  | { kind: 'scanning'; jobId: number; progress: ModelScanProgress | null }
  | { kind: 'done'; report: ScanReport; downloadUrl: string; downloadName: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export type VerifyStatus =
  | { kind: 'none' }
  | { kind: 'checking'; file: string }
  | { kind: 'checked'; file: string; result: ReportVerification };

export interface ModelScanState {
  scan: ModelScanStatus;
  verify: VerifyStatus;
}

export interface ModelScanDeps {
  start: () => ModelScanWorker;
  signingKey: () => Promise<{ privateKey: CryptoKey; publicKeyJwk: EcPublicJwk }>;
  version: string;
  /** blob: URLs for the report download (URL.createObjectURL in the page). */
  makeUrl: (blob: Blob) => string;
  revokeUrl: (url: string) => void;
}

export class ModelScanController {
  readonly store: StoreApi<ModelScanState> = createStore<ModelScanState>(() => ({
    scan: { kind: 'idle' },
    verify: { kind: 'none' },
  }));
  private worker: ModelScanWorker | null = null;
  private nextJob = 1;

  constructor(private readonly deps: ModelScanDeps) {}

  private api(): ModelScanWorker['api'] {
    this.worker ??= this.deps.start();
    return this.worker.api;
  }

  /** After a worker death every call fails: drop it so the next request starts a fresh one. */
  private failed(error: unknown): string {
    this.worker?.dispose();
    this.worker = null;
    return errorText(error);
  }

  private releaseDownload(): void {
    const scan = this.store.getState().scan;
    if (scan.kind === 'done') this.deps.revokeUrl(scan.downloadUrl);
  }

  /** Scans `files` (bytes identify each format) and keeps the signed report. */
  async scan(files: File[]): Promise<void> {
    if (files.length === 0) return;
    await this.run(files, null, files.length === 1 ? `${files[0]?.name}.scan.json` : 'model-scan.json');
  }

  /** Scans one folder's files (`paths` inside it, in their order): a SavedModel folder is one model. */
  async scanFolder(name: string, files: File[], paths: string[]): Promise<void> {
    await this.run(files, { name, paths }, `${name}.scan.json`);
  }

  private async run(files: File[], folder: { name: string; paths: string[] } | null, downloadName: string) {
    if (this.store.getState().scan.kind === 'scanning') return;
    this.releaseDownload();
    const jobId = this.nextJob++;
    this.store.setState({ scan: { kind: 'scanning', jobId, progress: null } });
    try {
      const signingKey = await this.deps.signingKey();
      const tool = { name: 'Sift', version: this.deps.version };
      const outcome = await this.api().scan(
        { jobId, files, ...(folder ? { folder } : {}), signingKey, tool },
        (progress) => {
          const scan = this.store.getState().scan;
          if (scan.kind === 'scanning' && scan.jobId === jobId)
            this.store.setState({ scan: { ...scan, progress } });
        },
      );
      if (outcome.kind === 'finished') {
        const text = `${JSON.stringify(outcome.report, null, 2)}\n`;
        const downloadUrl = this.deps.makeUrl(new Blob([text], { type: 'application/json' }));
        this.store.setState({ scan: { kind: 'done', report: outcome.report, downloadUrl, downloadName } });
      } else if (outcome.kind === 'cancelled') this.store.setState({ scan: { kind: 'cancelled' } });
      else this.store.setState({ scan: { kind: 'failed', message: outcome.message } });
    } catch (error) {
      this.store.setState({ scan: { kind: 'failed', message: this.failed(error) } });
    }
  }

  cancel(): void {
    const scan = this.store.getState().scan;
    if (scan.kind === 'scanning')
      void this.api()
        .cancel(scan.jobId)
        .catch((error: unknown) => this.failed(error));
  }

  /** Verifies a dropped report; model files dropped with it are matched by SHA-256. */
  async verify(report: File, models: File[]): Promise<void> {
    this.store.setState({ verify: { kind: 'checking', file: report.name } });
    try {
      const result = await this.api().verify(await report.text(), models);
      this.store.setState({ verify: { kind: 'checked', file: report.name, result } });
    } catch (error) {
      const message = this.failed(error);
      this.store.setState({
        verify: {
          kind: 'checked',
          file: report.name,
          result: { ok: false, problems: [message], filesMatched: 0, report: null },
        },
      });
    }
  }

  dispose(): void {
    this.releaseDownload();
    this.worker?.dispose();
    this.worker = null;
  }
}
