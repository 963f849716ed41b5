/** The opening fields of every benchmark's results file: what ran, when, and on what machine under what load. */
import os from 'node:os';

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
