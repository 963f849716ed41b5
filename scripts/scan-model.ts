/**
 * `npm run scan-model -- FILE|FOLDER... [--json]`: scans model files and folders (folder.ts) with the same core as the
 * page (workers/core/modelscan), never loading them. Prints each file's verdict and findings, or with --json the report (`sift-model-scan/1`,
 * unsigned: the signing key lives in the browser profile). Exit code 0 when every file is safe, 1 when any is unsafe
 * or refused, 2 on usage or read errors.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import packageJson from '../package.json' with { type: 'json' };
import { type NamedFile, scanFiles } from '../workers/core/modelscan/file-set';
import { folderOverCap, scanModelFolder } from '../workers/core/modelscan/folder';
import { buildScanReport } from '../workers/core/modelscan/report';
import { SCANNER_VERSION } from '../workers/core/modelscan/scan';
import type { ModelScanResult } from '../workers/core/modelscan/types';
import { FolderOverCap, folderFiles } from './folder-files';

export interface ScanModelOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = 'usage: npm run scan-model -- FILE|FOLDER... [--json]';

function resultLines(result: ModelScanResult): string[] {
  const lines = [
    `${result.file}: ${result.verdict.toUpperCase()} (${result.format}, ${result.bytes} bytes, ${result.elapsedMs} ms, sha256 ${result.sha256})`,
  ];
  for (const f of result.findings) {
    lines.push(`  ${f.severity} ${f.kind} at ${f.location}: ${f.sentence}`);
    if (f.references && f.references.length > 0) lines.push(`    references: ${f.references.join(', ')}`);
  }
  return lines;
}

async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/** A folder's results; a folder over the cap on files is refused unread, as in the page. */
async function scanFolderAt(path: string): Promise<ModelScanResult[]> {
  try {
    return (await scanModelFolder(basename(path), await folderFiles(path))) ?? [];
  } catch (error) {
    if (error instanceof FolderOverCap) return [folderOverCap(basename(path), error.maxEntries, error.bytes)];
    throw error;
  }
}

/** Runs the scanner on `argv`; resolves to the exit code. */
export async function runScanModel(argv: readonly string[], io: ScanModelOutput): Promise<number> {
  const json = argv.includes('--json');
  const paths = argv.filter((a) => a !== '--json');
  if (paths.length === 0 || paths.some((p) => p.startsWith('--'))) {
    io.err(USAGE);
    return 2;
  }
  const results: ModelScanResult[] = [];
  // Folders first, each alone; then the files named, together (an ONNX model's external data is known as such).
  const files: NamedFile[] = [];
  let current = '';
  try {
    for (const path of paths) {
      current = path;
      const info = await stat(path);
      if (info.isDirectory()) results.push(...(await scanFolderAt(path)));
      // The size comes first: a file over the cap is refused unread, as in the page.
      else
        files.push({
          name: basename(path),
          path: resolve(path),
          size: info.size,
          read: () => readBytes(path),
        });
    }
    const beforeFile = async (_done: number, _total: number, path: string) => {
      current = path;
      return true;
    };
    results.push(...((await scanFiles(files, { beforeFile })) ?? []));
  } catch (error) {
    io.err(`cannot read ${current}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  if (json) {
    const report = buildScanReport(results, {
      name: 'Sift',
      version: packageJson.version,
      scanner: SCANNER_VERSION,
    });
    io.out(JSON.stringify(report, null, 2));
  } else for (const result of results) for (const line of resultLines(result)) io.out(line);
  return results.every((r) => r.verdict === 'safe') ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runScanModel(process.argv.slice(2), { out: console.log, err: console.error }).then((code) => {
    process.exitCode = code;
  });
}
