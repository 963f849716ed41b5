/**
 * `npm run verify -- manifest.json [clean.csv]`: verifies a Sift manifest's signature and, given the clean CSV, its
 * header and every kept row's SHA-256, in Node (WebCrypto). Exit code 0 only when everything matches; each
 * mismatch is printed on its own line.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseManifest } from '../workers/core/manifest/schema';
import { verifyManifest } from '../workers/core/manifest/sign';

/** Where verify writes; the CLI passes the console, tests collect lines. */
export interface VerifyOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = 'usage: npm run verify -- manifest.json [clean.csv]';

/** Runs the verifier on `argv` (file paths); resolves to the exit code: 0 all matches, 1 mismatch, 2 usage/IO. */
export async function runVerify(argv: readonly string[], io: VerifyOutput): Promise<number> {
  const [manifestPath, csvPath, ...rest] = argv;
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
  const result = await verifyManifest(parsed.manifest, csv);
  for (const problem of result.problems) io.err(`MISMATCH ${problem}`);
  if (!result.ok) return 1;
  const { summary, signature } = parsed.manifest;
  io.out(
    `OK: signature verifies (key ${signature?.keyId}); ${summary.kept} kept, ${summary.quarantined} quarantined` +
      (csv ? `; clean CSV: header and ${result.rowsChecked} rows match` : ''),
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
