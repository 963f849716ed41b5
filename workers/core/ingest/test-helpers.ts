/** Shared helpers of the ingest tests (not part of the app). */
import { expect } from 'vitest';
import { CsvIngestor, IngestError, ingestCsv } from './ingest';
import { previewCsv } from './preview';
import type { ColumnPlan, IngestedDataset, IngestLimits, Problem } from './types';
import { DEFAULT_LIMITS } from './types';

export const FILE = 'data.csv';

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Ingests `text` (or bytes) as `data.csv` in one chunk. */
export function ingestText(
  text: string | Uint8Array,
  plan?: Partial<ColumnPlan>,
  limits?: Partial<IngestLimits>,
): IngestedDataset {
  const bytes = typeof text === 'string' ? utf8(text) : text;
  return ingestCsv(bytes, FILE, plan, { ...DEFAULT_LIMITS, ...limits });
}

/** Ingests `bytes` pushed in chunks of `chunkSize` bytes (with the preview's plan and delimiter). */
export function ingestChunked(
  bytes: Uint8Array,
  chunkSize: number,
  plan?: Partial<ColumnPlan>,
  givenDelimiter = true,
): IngestedDataset {
  const preview = previewCsv(bytes.subarray(0, 64 * 1024), FILE, bytes.length);
  const ingestor = new CsvIngestor({
    fileName: FILE,
    totalBytes: bytes.length,
    plan: { ...preview.suggested, ...plan },
    delimiter: givenDelimiter ? preview.delimiter : undefined,
  });
  for (let at = 0; at < bytes.length; at += chunkSize) ingestor.push(bytes.subarray(at, at + chunkSize));
  return ingestor.finish();
}

/** The IngestError `run` throws (fails the test when it throws nothing or something else). */
export function ingestError(run: () => unknown): IngestError {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error;
    throw error;
  }
  throw new Error('expected an IngestError, but the import succeeded');
}

/** Asserts the single problem of an IngestError: its fields, that the message names the file, and the error's message. */
export function expectOnlyProblem(error: IngestError, expected: Partial<Problem>): Problem {
  expect(error.problems).toHaveLength(1);
  const [problem] = error.problems;
  expect(problem).toMatchObject({ file: FILE, ...expected });
  expect(problem.message.startsWith(FILE)).toBe(true);
  expect(error.message).toBe(problem.message);
  if (expected.line === undefined) expect(problem.line).toBeUndefined();
  if (expected.column === undefined) expect(problem.column).toBeUndefined();
  return problem;
}

/** What `run` throws, or null when it returns: the caller's expectations then fail, as they should. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}
