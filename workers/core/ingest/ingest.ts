/**
 * CSV ingestion's entry points: the streaming `CsvIngestor` (csv-ingestor.ts) and `ingestCsv`, whole-buffer
 * ingestion for tests and the headless scan.
 */
import { SNIFF_BYTES } from './csv-bytes';
import { CsvIngestor } from './csv-ingestor';
import { IngestError } from './ingest-error';
import { mergePlan, previewCsv } from './preview';
import type { ColumnPlan, IngestedDataset, IngestLimits } from './types';

export { SNIFF_BYTES } from './csv-bytes';
export { CsvIngestor, type CsvIngestorOptions } from './csv-ingestor';
export { IngestError } from './ingest-error';

/**
 * Whole-buffer ingestion, for tests and the headless scan: previews the head for the delimiter and the
 * suggested plan, fills the plan's missing fields from the suggestion, and ingests in one chunk.
 */
export function ingestCsv(
  bytes: Uint8Array,
  fileName: string,
  plan?: Partial<ColumnPlan>,
  limits?: IngestLimits,
): IngestedDataset {
  const preview = previewCsv(bytes.subarray(0, SNIFF_BYTES), fileName, bytes.length, limits);
  // No header (not text, or empty): there is no plan to ingest with, and the preview has said why.
  const errors = preview.problems.filter((p) => p.severity === 'error');
  if (preview.header.length === 0 && errors.length > 0) throw new IngestError(errors);
  const ingestor = new CsvIngestor({
    fileName,
    totalBytes: bytes.length,
    plan: mergePlan(preview.suggested, plan),
    limits,
    delimiter: preview.delimiter,
  });
  ingestor.push(bytes);
  return ingestor.finish();
}
