/**
 * The review's exports, built where the data is: the signed manifest, the clean and quarantine CSVs (the original
 * bytes, read from IndexedDB) and the review report. The signing key is the browser profile's, read (or made once)
 * through the same database.
 */
import { profileSigningKey } from '../app/db/keys';
import { manifestCalibration } from './core/calibration/report';
import { buildManifest, type RowDecision } from './core/manifest/build';
import { reviewReportCsv, rowsWith, subsetCsv } from './core/manifest/csv';
import { sha256Hex } from './core/manifest/hash';
import { signManifest } from './core/manifest/sign';
import { SCORE_NAMES } from './core/scores/types';
import type { ExportFiles } from './review.api';
import type { ReviewData } from './review-data';
import { imageExportZips } from './review-images';

/** Every export file of an opened review under `decisions`. */
export async function exportFiles(
  data: ReviewData,
  decisions: ReadonlyMap<number, RowDecision>,
  request: { createdAt: number; version: string; tfjs: string },
): Promise<ExportFiles> {
  const { meta, arrays, set, cols } = data;
  const blob = await data.stores.datasets.loadFile(meta.id);
  if (!blob) throw new Error('The original file of this dataset is no longer stored.');
  const images = meta.images;
  // An image dataset's stored zip is read entry by entry at export, never whole.
  const file = images ? new Uint8Array(0) : new Uint8Array(await blob.arrayBuffer());
  const signingKey = await profileSigningKey(data.stores.db);
  const scores = Object.fromEntries(SCORE_NAMES.map((n) => [n, set.scores[n]]));
  const values: Record<string, Float32Array> = { suspicion: set.suspicion, ...scores };
  const manifest = buildManifest({
    createdAt: new Date(request.createdAt),
    tool: { name: 'Sift', version: request.version, backend: data.runBackend, tfjs: request.tfjs },
    dataset: {
      name: meta.name,
      sha256: meta.sha256,
      labelColumn: meta.labelColumn,
      idColumn: meta.idColumn,
      ...(images
        ? {
            images: {
              layout: images.layout,
              height: images.shape.height,
              width: images.shape.width,
              channels: images.shape.channels,
            },
          }
        : { headerSha256: sha256Hex(file.subarray(0, meta.headerEnd)) }),
      classes: meta.classes,
    },
    ids: cols.ids,
    labels: cols.labels,
    rowSha256: arrays.rowSha256,
    run: data.runInfo,
    scores: { sampleRows: data.sampleRows, values },
    decisions,
    ...(data.calibration ? { calibration: manifestCalibration(data.calibration) } : {}),
  });
  const signed = await signManifest(manifest, signingKey.privateKey, signingKey.publicKeyJwk);
  const isQuarantined = (r: number) => decisions.get(r)?.decision === 'quarantine';
  const scoreNames = Object.keys(scores).sort();
  const report = reviewReportCsv(
    scoreNames,
    signed.samples.map((s) => ({
      id: s.id,
      label: s.label,
      decision: s.decision,
      reasons: s.reasons,
      suspicion: s.scores.suspicion ?? null,
      scores: s.scores,
      note: s.note,
    })),
  );
  const kept = rowsWith(cols.rows, isQuarantined, 'keep');
  const quarantined = rowsWith(cols.rows, isQuarantined, 'quarantine');
  const ranges = { headerEnd: meta.headerEnd, rowStart: arrays.rowStart, rowEnd: arrays.rowEnd };
  const files = images
    ? { format: 'zip' as const, ...(await imageExportZips(meta, arrays, cols.ids, blob, kept, quarantined)) }
    : {
        format: 'csv' as const,
        clean: subsetCsv(file, ranges, kept),
        quarantine: subsetCsv(file, ranges, quarantined),
      };
  return {
    manifestText: `${JSON.stringify(signed, null, 1)}\n`,
    ...files,
    reportText: report,
    kept: signed.summary.kept,
    quarantined: signed.summary.quarantined,
  };
}
