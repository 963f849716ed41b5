/** Files for the verifier's tests: a signed manifest of the manifest fixture and its clean CSV, on disk. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cleanCsvOf,
  fixtureManifest,
  QUARANTINE,
  signedManifest,
} from '../workers/core/manifest/test-fixture';

/** A signed manifest of the fixture and its clean CSV, written to a new temporary folder. */
export async function files() {
  const dir = await mkdtemp(join(tmpdir(), 'sift-verify-'));
  const manifest = await signedManifest(fixtureManifest(new Map(QUARANTINE)));
  const clean = cleanCsvOf(manifest);
  const manifestText = JSON.stringify(manifest, null, 2);
  const paths = { dir, manifest: join(dir, 'm.manifest.json'), clean: join(dir, 'clean.csv') };
  await writeFile(paths.manifest, manifestText);
  await writeFile(paths.clean, clean);
  return { paths, manifestText, clean };
}
