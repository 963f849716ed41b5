/**
 * Times the pure ingest core (parse, validate, hash: no worker, no store) on a CSV in 1 MiB chunks, as the
 * worker feeds it, and prints the figures. Usage: npx tsx bench/ingest-core.ts FILE.csv [repeats]
 * (the scale set: node ../shared/datasets/synth200k_flip/generate.mjs --out /tmp/synth200k_flip).
 * CPU time is printed beside wall time: on a shared machine it is the steadier figure (it includes the
 * process's GC threads, so it can exceed wall time on an idle machine).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvIngestor, SNIFF_BYTES } from '../workers/core/ingest/ingest';
import { previewCsv } from '../workers/core/ingest/preview';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: npx tsx bench/ingest-core.ts FILE.csv [repeats]');
  process.exit(2);
}
const repeats = Number(process.argv[3] ?? 3);
const buffer = readFileSync(path);
const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
const name = basename(path);
const CHUNK = 1 << 20;

for (let run = 1; run <= repeats; run++) {
  const t0 = performance.now();
  const preview = previewCsv(bytes.subarray(0, SNIFF_BYTES), name, bytes.length);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const ingestor = new CsvIngestor({
    fileName: name,
    totalBytes: bytes.length,
    plan: preview.suggested,
    delimiter: preview.delimiter,
  });
  for (let at = 0; at < bytes.length; at += CHUNK) ingestor.push(bytes.subarray(at, at + CHUNK));
  const dataset = ingestor.finish();
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const mb = bytes.length / 1e6;
  console.log(
    `run ${run}: preview ${(t1 - t0).toFixed(1)} ms, parse+validate+hash ${(t2 - t1).toFixed(0)} ms wall, ` +
      `${cpuMs.toFixed(0)} ms CPU ` +
      `(${(mb / ((t2 - t1) / 1000)).toFixed(0)} MB/s) — ${dataset.rows} rows × ${dataset.featureNames.length} features, ` +
      `${dataset.classes.length} classes, ${mb.toFixed(1)} MB, sha256 ${dataset.sha256.slice(0, 16)}…`,
  );
}
