/**
 * Checks a clean image zip against its manifest (issue 11): every file in the zip is a kept sample under its path
 * with the SHA-256 the manifest records, no quarantined sample is in it, and no kept sample is missing. The zip is
 * untrusted input: it is read with the same caps and path checks as an import.
 */
import { ByteBudget, readCapped } from '../ingest/images/catalog';
import { collisionKey, unsafePath } from '../ingest/images/paths';
import { DEFAULT_IMAGE_LIMITS, ImageIngestError, type ImageLimits } from '../ingest/images/types';
import { memorySource, zipSource } from '../ingest/images/zip';
import { sha256Hex } from './hash';
import type { Manifest } from './types';

/** What the check found: `problems` empty when the zip matches. */
export interface CleanZipResult {
  problems: string[];
  filesChecked: number;
}

/** Verifies `zip` (bytes) as the clean export of `manifest`. */
export async function checkCleanZip(
  manifest: Manifest,
  zip: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<CleanZipResult> {
  const problems: string[] = [];
  if (!manifest.dataset.images) {
    problems.push('the manifest describes a CSV dataset, not images: check it against its clean CSV');
  }
  let source: Awaited<ReturnType<typeof zipSource>>;
  try {
    source = await zipSource(memorySource(zip), 'the clean zip', limits.maxEntries);
  } catch (error) {
    if (!(error instanceof ImageIngestError)) throw error;
    return { problems: [...problems, ...error.problems.map((p) => p.message)], filesChecked: 0 };
  }
  const kept = new Map<string, string>();
  const quarantined = new Set<string>();
  for (const s of manifest.samples) {
    if (s.decision === 'keep') kept.set(s.id, s.sha256);
    else quarantined.add(s.id);
  }
  const budget = new ByteBudget(limits.maxTotalBytes);
  const seen = new Set<string>();
  let filesChecked = 0;
  for (const [i, entry] of source.entries.entries()) {
    if (entry.kind === 'directory') continue;
    const why = entry.kind === 'symlink' ? 'is a symbolic link' : unsafePath(entry.path);
    if (why) {
      problems.push(`clean zip entry "${entry.path}" ${why}`);
      continue;
    }
    if (seen.has(collisionKey(entry.path))) {
      problems.push(`clean zip holds "${entry.path}" twice`);
      continue;
    }
    seen.add(collisionKey(entry.path));
    filesChecked++;
    if (quarantined.has(entry.path)) {
      problems.push(`clean zip holds quarantined sample "${entry.path}", which must not be in it`);
      continue;
    }
    const expected = kept.get(entry.path);
    if (expected === undefined) {
      problems.push(`clean zip entry "${entry.path}" is not a sample of the manifest`);
      continue;
    }
    try {
      const bytes = await readCapped(source, i, limits, budget);
      if (sha256Hex(bytes) !== expected)
        problems.push(`clean zip entry "${entry.path}": sha256 differs from the manifest`);
    } catch (error) {
      if (error instanceof ImageIngestError) problems.push(...error.problems.map((p) => p.message));
      else problems.push(`clean zip entry "${entry.path}" cannot be read: ${(error as Error).message}`);
    }
  }
  const missing = [...kept.keys()].filter((id) => !seen.has(collisionKey(id)));
  if (missing.length) {
    const names = missing
      .slice(0, 5)
      .map((m) => `"${m}"`)
      .join(', ');
    problems.push(
      `clean zip lacks ${missing.length} of the ${kept.size} kept files (missing: ${names}${missing.length > 5 ? ', …' : ''})`,
    );
  }
  return { problems, filesChecked };
}
