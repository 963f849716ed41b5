/**
 * `npm run verify -- manifest.json [clean.csv | clean.zip]`: verifies a Sift manifest's signature and, given the
 * clean CSV, its header and every kept row's SHA-256, or, given an image dataset's clean zip (told by its first
 * bytes), every file's path and SHA-256, in Node (WebCrypto). `npm run verify -- report.json [model files…]` does
 * the same for a model-scan report (`sift-model-scan/1`): its signature, each verdict against its findings, and the
 * SHA-256 of each model file given (a folder as its scan named it: folder.ts). Exit code 0 only when everything matches; each mismatch is printed on its own
 * line.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkCleanZip } from '../workers/core/manifest/clean-zip';
import { parseManifest } from '../workers/core/manifest/schema';
import { verifyManifest } from '../workers/core/manifest/sign';
import { folderDigests } from '../workers/core/modelscan/folder';
import { looksLikeScanReport, parseScanReport, verifyScanReport } from '../workers/core/modelscan/report';
import { folderFiles } from './folder-files';

/** Where verify writes; the CLI passes the console, tests collect lines. */
export interface VerifyOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE =
  'usage: npm run verify -- manifest.json [clean.csv | clean.zip]  |  npm run verify -- report.json [model files…]';

/** A zip's first bytes: a local header, or the end record of an empty zip. */
function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Runs the verifier on `argv` (file paths); resolves to the exit code: 0 all matches, 1 mismatch, 2 usage/IO. */
export async function runVerify(argv: readonly string[], io: VerifyOutput): Promise<number> {
  const [manifestPath, csvPath, ...rest] = argv;
  if (manifestPath) {
    const head = await readFile(manifestPath, 'utf8').catch(() => '');
    if (looksLikeScanReport(head)) return verifyReport(head, argv.slice(1), io);
  }
  if (!manifestPath || rest.length > 0) {
    io.err(USAGE);
    return 2;
  }
  let manifestText: string;
  let csv: Uint8Array | undefined;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
    csv = csvPath ? new Uint8Array(await readFile(csvPath)) : undefined;
  } catch (error) {
    io.err(`cannot read input: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const parsed = parseManifest(manifestText);
  if (!parsed.ok) {
    for (const problem of parsed.problems) io.err(`MISMATCH ${problem}`);
    return 1;
  }
  const zip = csv && isZip(csv) ? csv : undefined;
  const result = await verifyManifest(parsed.manifest, zip ? undefined : csv);
  const zipCheck = zip ? await checkCleanZip(parsed.manifest, zip) : undefined;
  const problems = [...result.problems, ...(zipCheck?.problems ?? [])];
  for (const problem of problems) io.err(`MISMATCH ${problem}`);
  if (problems.length > 0) return 1;
  const { summary, signature } = parsed.manifest;
  const files = zipCheck
    ? `; clean zip: ${zipCheck.filesChecked} files match`
    : csv
      ? `; clean CSV: header and ${result.rowsChecked} rows match`
      : '';
  io.out(
    `OK: signature verifies (key ${signature?.keyId}); ${summary.kept} kept, ${summary.quarantined} quarantined${files}`,
  );
  return 0;
}

/** A model file by its bytes, or a folder by the digests its report names it by (folder.ts). */
async function modelsAt(
  path: string,
): Promise<Array<{ name: string; bytes: Uint8Array } | { name: string; sha256: string }>> {
  if (!(await stat(path)).isDirectory()) return [{ name: path, bytes: new Uint8Array(await readFile(path)) }];
  return folderDigests(basename(path), await folderFiles(path));
}

/** Verifies a model-scan report's text and, by SHA-256, the model files and folders at `modelPaths`. */
async function verifyReport(text: string, modelPaths: readonly string[], io: VerifyOutput): Promise<number> {
  let models: Awaited<ReturnType<typeof modelsAt>>;
  try {
    models = (await Promise.all(modelPaths.map(modelsAt))).flat();
  } catch (error) {
    io.err(`cannot read input: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const parsed = parseScanReport(text);
  if (!parsed.ok) {
    for (const problem of parsed.problems) io.err(`MISMATCH ${problem}`);
    return 1;
  }
  const result = await verifyScanReport(parsed.report, models);
  for (const problem of result.problems) io.err(`MISMATCH ${problem}`);
  if (!result.ok) return 1;
  const counts = (['safe', 'unsafe', 'refused'] as const)
    .map((v) => `${parsed.report.files.filter((f) => f.verdict === v).length} ${v}`)
    .join(', ');
  io.out(
    `OK: model-scan report signature verifies (key ${parsed.report.signature?.keyId}); ${parsed.report.files.length} files: ${counts}` +
      (models.length > 0 ? `; ${result.filesMatched} model files match their SHA-256` : ''),
  );
  return 0;
}

// Stryker disable all: the command-line entry runs only as the main module, in a child process (verify.cli.test.ts),
// where Stryker never switches a mutant on; mutants here could not be killed by any test.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runVerify(process.argv.slice(2), { out: console.log, err: console.error }).then((code) => {
    process.exitCode = code;
  });
}
// Stryker restore all
