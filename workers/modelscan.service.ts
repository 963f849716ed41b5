/**
 * The model-scan worker's mechanics: read each file's bytes, scan them with the core, yield between files so a
 * cancel is seen, sign the report. Runs in the worker and, in tests, in-process.
 */

import { errorText } from './core/error-text';
import { macrotask } from './core/macrotask';
import { scanFiles } from './core/modelscan/file-set';
import { scanModelFolder } from './core/modelscan/folder';
import { buildScanReport, parseScanReport, signScanReport, verifyScanReport } from './core/modelscan/report';
import { SCANNER_VERSION } from './core/modelscan/scan';
import type { ModelScanResult } from './core/modelscan/types';
import type { ModelScanApi } from './modelscan.api';

/** A file's bytes (a fresh ArrayBuffer, so WebCrypto can digest it in place). */
async function bytesOf(file: File): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function createModelScanService(): ModelScanApi {
  const cancelled = new Set<number>();
  return {
    async scan(request, onProgress) {
      const results: ModelScanResult[] = [];
      try {
        // Progress before each file, then a macrotask so that a cancel sent meanwhile is seen.
        const next = async (done: number, total: number, file: string) => {
          onProgress({ done, total, file });
          await macrotask();
          return !cancelled.delete(request.jobId);
        };
        const { files, folder } = request;
        if (folder) {
          const entries = files.map((f, i) => ({
            path: folder.paths[i] ?? f.name,
            size: f.size,
            read: () => bytesOf(f),
          }));
          const beforeFile = (done: number, total: number, path: string) =>
            next(done, total, `${folder.name}/${path}`);
          const scanned = await scanModelFolder(folder.name, entries, { beforeFile });
          if (!scanned) return { kind: 'cancelled' };
          results.push(...scanned);
        }
        if (!folder) {
          // Files dropped or chosen together are scanned together: an ONNX model's external data is known as its data.
          const entries = files.map((f) => ({
            name: f.name,
            path: f.name,
            size: f.size,
            read: () => bytesOf(f),
          }));
          const scanned = await scanFiles(entries, { beforeFile: next });
          if (!scanned) return { kind: 'cancelled' };
          results.push(...scanned);
        }
        onProgress({ done: files.length, total: files.length, file: '' });
        const report = buildScanReport(results, { ...request.tool, scanner: SCANNER_VERSION });
        const { privateKey, publicKeyJwk } = request.signingKey;
        return { kind: 'finished', report: await signScanReport(report, privateKey, publicKeyJwk) };
      } catch (error) {
        return { kind: 'failed', message: errorText(error) };
      } finally {
        cancelled.delete(request.jobId);
      }
    },
    async cancel(jobId) {
      cancelled.add(jobId);
    },
    async verify(reportText, models) {
      const parsed = parseScanReport(reportText);
      if (!parsed.ok) return { ok: false, problems: parsed.problems, filesMatched: 0, report: null };
      const bytes = await Promise.all(
        models.map(async (m) => ({ name: m.name, bytes: new Uint8Array(await m.arrayBuffer()) })),
      );
      return { ...(await verifyScanReport(parsed.report, bytes)), report: parsed.report };
    },
  };
}
