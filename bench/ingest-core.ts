/**
 * Times the pure ingest core (parse, validate, hash: no worker, no store) on a CSV in 1 MiB chunks, as the
 * worker feeds it, and prints the figures. Usage: npx tsx bench/ingest-core.ts FILE.csv [repeats]
 * (the scale set: node ../shared/datasets/synth200k_flip/generate.mjs --out /tmp/synth200k_flip).
 * Each run times three passes, as the browser splits the work: everything inline (the Node scan's path), the
 * parse and validation alone (`validateOnly`, the ingest worker's share), and the file and row hashes alone (a
 * `RangeHasher` fed the same chunks and row ranges, the row-hash worker's share).
 * CPU time is printed beside wall time: on a shared machine it is the steadier figure (it includes the
 * process's GC threads, so it can exceed wall time on an idle machine).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvIngestor, SNIFF_BYTES } from '../workers/core/ingest/ingest';
import { previewCsv } from '../workers/core/ingest/preview';
import { RangeHasher } from '../workers/core/ingest/range-hasher';

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
const preview = previewCsv(bytes.subarray(0, SNIFF_BYTES), name, bytes.length);

/** One pass over the file; `rows` receives each chunk with the ranges of the rows it completed. */
function pass(
  validateOnly: boolean,
  rows?: (chunk: Uint8Array, starts: Float64Array, ends: Float64Array) => void,
) {
  const ingestor = new CsvIngestor({
    fileName: name,
    totalBytes: bytes.length,
    plan: preview.suggested,
    delimiter: preview.delimiter,
    validateOnly,
  });
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const before = ingestor.rowsKept;
    const chunk = bytes.subarray(at, at + CHUNK);
    ingestor.push(chunk);
    if (rows) {
      const { starts, ends } = ingestor.keptRanges(before);
      rows(chunk, starts, ends);
    }
  }
  const before = ingestor.rowsKept;
  const dataset = ingestor.finish();
  if (rows) {
    const { starts, ends } = ingestor.keptRanges(before);
    rows(new Uint8Array(0), starts, ends);
  }
  return dataset;
}

/** Wall and CPU ms of `work`. */
function timed<T>(work: () => T): { value: T; wallMs: number; cpuMs: number } {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const value = work();
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const mb = bytes.length / 1e6;
const fmt = (t: { wallMs: number; cpuMs: number }) =>
  `${t.wallMs.toFixed(0)} ms wall, ${t.cpuMs.toFixed(0)} ms CPU`;
for (let run = 1; run <= repeats; run++) {
  const inline = timed(() => pass(false));
  const dataset = inline.value;
  const parse = timed(() => pass(true));
  // The chunks and ranges are gathered first, so the hash pass times the hasher alone.
  const fed: [Uint8Array, Float64Array, Float64Array][] = [];
  pass(true, (chunk, starts, ends) => fed.push([chunk, starts, ends]));
  const hash = timed(() => {
    const hasher = new RangeHasher();
    for (const [chunk, starts, ends] of fed) {
      hasher.pushBytes(chunk);
      hasher.hashRows(starts, ends);
    }
    return hasher.finish();
  });
  if (hash.value.sha256 !== dataset.sha256) throw new Error('the hasher and the inline hash disagree');
  console.log(
    `run ${run}: parse+validate+hash inline ${fmt(inline)} (${(mb / (inline.wallMs / 1000)).toFixed(0)} MB/s); ` +
      `parse+validate alone ${fmt(parse)}; file+row hashes alone ${fmt(hash)} — ${dataset.rows} rows × ` +
      `${dataset.featureNames.length} features, ${dataset.classes.length} classes, ${mb.toFixed(1)} MB, ` +
      `sha256 ${dataset.sha256.slice(0, 16)}…`,
  );
}
