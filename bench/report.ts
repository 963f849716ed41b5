/** The opening fields of every benchmark's results file: what ran, when, and on what machine under what load. */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `benchmark`, `date`, `loadAverage` (1, 5, 15 min) and `machine` (cores, CPU model, memory in GB). */
export function reportHeader(benchmark: string) {
  return {
    benchmark,
    date: new Date().toISOString(),
    loadAverage: os.loadavg(),
    machine: {
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGB: os.totalmem() / 1024 ** 3,
    },
  };
}

/** Prints a report and writes it to bench/results/<name>.json. */
export function saveReport(name: string, report: object): void {
  const text = `${JSON.stringify(report, null, 2)}\n`;
  console.log(text);
  writeFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', `${name}.json`), text);
}
