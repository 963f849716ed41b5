/**
 * The model-scan worker's mechanics: read each file's bytes, scan them with the core, yield between files so a
 * cancel is seen, sign the report. Runs in the worker and, in tests, in-process.
 */

import { errorText } from './core/error-text';
import { macrotask } from './core/macrotask';
import { formatBytes } from './core/modelscan/context';
import { buildScanReport, parseScanReport, signScanReport, verifyScanReport } from './core/modelscan/report';
import { SCANNER_VERSION, scanModelFileHashed } from './core/modelscan/scan';
import { DEFAULT_LIMITS, type ModelScanResult } from './core/modelscan/types';
import type { ModelScanApi } from './modelscan.api';

/** Reads a file's bytes, or refuses it by size before reading (memory stays bounded whatever the file is). */
async function readBytes(file: File): Promise<Uint8Array | null> {
  if (file.size > DEFAULT_LIMITS.maxFileBytes) return null;
  return new Uint8Array(await file.arrayBuffer());
}

/** The result for a file over the size cap: refused unread (the core would refuse it too, after reading it all). */
function tooLarge(file: File): ModelScanResult {
  const finding = {
    severity: 'high' as const,
    kind: 'limit' as const,
    location: file.name,
    sentence: `The file is ${formatBytes(file.size)}, over the ${formatBytes(DEFAULT_LIMITS.maxFileBytes)} cap on files, so it was not read.`,
  };
  // No digest: the bytes were never read. The report's schema wants 64 hex digits, so zeros stand for "not read".
  return {
    file: file.name,
    bytes: file.size,
    sha256: '0'.repeat(64),
    format: 'unknown',
    verdict: 'refused',
    findings: [finding],
    elapsedMs: 0,
  };
}

export function createModelScanService(): ModelScanApi {
  const cancelled = new Set<number>();
  return {
    async scan(request, onProgress) {
      const results: ModelScanResult[] = [];
      try {
        for (const [i, file] of request.files.entries()) {
          onProgress({ done: i, total: request.files.length, file: file.name });
          await macrotask();
          if (cancelled.delete(request.jobId)) return { kind: 'cancelled' };
          const bytes = await readBytes(file);
          results.push(bytes ? await scanModelFileHashed(file.name, bytes) : tooLarge(file));
        }
        onProgress({ done: request.files.length, total: request.files.length, file: '' });
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
