/**
 * The typed contract of the model-scan worker: reads model files (never loads them) with workers/core/modelscan,
 * signs the report with the profile's key, and verifies a report dropped back. The app depends on this interface
 * only; the Vitest test drives the same service in-process (workers/modelscan.service.test.ts).
 */
import type { EcPublicJwk } from './core/manifest/types';
import type { ReportCheck, ScanReport } from './core/modelscan/report';

export type { ReportCheck, ScanReport };

export interface ModelScanRequest {
  jobId: number;
  /** The files as the page got them (File objects clone to the worker without copying their bytes). */
  files: File[];
  /**
   * Present when the files are one folder's (dropped, or chosen with the folder picker): its name, and each file's
   * path inside it, in the order of `files`. A SavedModel folder is then scanned as one model.
   */
  folder?: { name: string; paths: string[] };
  /** The profile's signing key (app/db/keys.ts); the report is signed with it. */
  signingKey: { privateKey: CryptoKey; publicKeyJwk: EcPublicJwk };
  tool: { name: string; version: string };
}

export interface ModelScanProgress {
  /** Files finished, of `total`; `file` is the one being read now. */
  done: number;
  total: number;
  file: string;
}

export type ModelScanOutcome =
  | { kind: 'finished'; report: ScanReport }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

/** A dropped report's check, with the report when it parsed. */
export type ReportVerification = ReportCheck & { report: ScanReport | null };

export interface ModelScanApi {
  /** Scans the request's files one after another; progress after each file. */
  scan(
    request: ModelScanRequest,
    onProgress: (progress: ModelScanProgress) => void,
  ): Promise<ModelScanOutcome>;
  /** Stops the job before its next file; it then resolves as `cancelled`. */
  cancel(jobId: number): Promise<void>;
  /** Verifies report text and, by SHA-256, any model files dropped with it. */
  verify(reportText: string, models: File[]): Promise<ReportVerification>;
}
