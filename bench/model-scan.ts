/**
 * `npm run bench:model-scan`: times the model scanner (workers/core/modelscan, the code the worker runs, SHA-256 by
 * WebCrypto as in the worker) on files of
 * about 1 and 10 MB in each format, built with the test corpus's writers: median of 5 scans each, and the growth of
 * the process's resident memory. Writes bench/results/model-scan.json. Target (issue 14): each scan under 1 s for
 * files under 10 MB.
 */
import { writeFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { safetensors } from '../workers/core/modelscan/corpus/formats';
import { type H5Node, writeHdf5 } from '../workers/core/modelscan/corpus/hdf5';
import {
  dense,
  input,
  kerasArchive,
  lambdaLayer,
  layer,
  legacyH5,
  sequential,
} from '../workers/core/modelscan/corpus/keras';
import { lambdaPayload, OS_SYSTEM_LAMBDA } from '../workers/core/modelscan/corpus/marshal';
import { assemble, stateDictPickle } from '../workers/core/modelscan/corpus/pickle';
import { torchLegacy } from '../workers/core/modelscan/corpus/torch';
import { scanModelFileHashed } from '../workers/core/modelscan/scan';
import { reportHeader } from './report';

const MB = 1024 ** 2;

function weightsH5(megabytes: number): Uint8Array {
  const layers: Record<string, H5Node> = {};
  const count = Math.max(1, Math.round(megabytes));
  for (let i = 0; i < count; i++) {
    layers[`dense_${i}`] = {
      kind: 'group',
      children: {
        vars: {
          kind: 'group',
          children: { '0': { kind: 'dataset', shape: [256, 1024] }, '1': { kind: 'dataset', shape: [1024] } },
        },
      },
    };
  }
  return writeHdf5({
    kind: 'group',
    children: { layers: { kind: 'group', children: layers }, vars: { kind: 'group', children: {} } },
  });
}

function bigConfig(layers: number) {
  return sequential('big', [
    input([4]),
    ...Array.from({ length: layers }, (_, i) => dense(`dense_${i}`, 16)),
  ]);
}

function torchZipOf(megabytes: number): Uint8Array {
  const tensors = Array.from({ length: 8 }, (_, i) => ({
    name: `layer${i}.weight`,
    key: String(i),
    shape: [Math.round((megabytes * MB) / 32), 1],
  }));
  const entries: Record<string, Uint8Array> = {
    'archive/data.pkl': stateDictPickle(tensors),
    'archive/version': strToU8('3\n'),
  };
  for (const t of tensors) entries[`archive/data/${t.key}`] = new Uint8Array((t.shape[0] as number) * 4);
  return zipSync(entries, { level: 0 });
}

function manyTensorsPickle(count: number): Uint8Array {
  return stateDictPickle(
    Array.from({ length: count }, (_, i) => ({ name: `block.${i}.weight`, key: String(i), shape: [8, 8] })),
  );
}

function arrayPickle(megabytes: number): Uint8Array {
  const data = new Uint8Array(megabytes * MB);
  return assemble([
    ['PROTO', 4],
    ['GLOBAL', 'numpy.core.multiarray', '_reconstruct'],
    ['GLOBAL', 'numpy', 'ndarray'],
    ['BININT', 0],
    ['TUPLE1'],
    ['BYTES', data],
    ['TUPLE3'],
    ['REDUCE'],
    ['STOP'],
  ]);
}

function safetensorsOf(megabytes: number): Uint8Array {
  const header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> = {};
  const per = Math.floor((megabytes * MB) / 64 / 4);
  for (let i = 0; i < 64; i++)
    header[`t${i}`] = { dtype: 'F32', shape: [per], data_offsets: [i * per * 4, (i + 1) * per * 4] };
  return safetensors(header, 64 * per * 4);
}

const CASES: { name: string; make: () => Uint8Array }[] = [];
for (const mb of [1, 10]) {
  CASES.push(
    { name: `keras-${mb}MB.keras`, make: () => kerasArchive(bigConfig(20), {}, weightsH5(mb)) },
    {
      name: `keras-lambda-${mb}MB.keras`,
      make: () =>
        kerasArchive(
          sequential('s', [
            input([4]),
            lambdaLayer('l', lambdaPayload(OS_SYSTEM_LAMBDA)),
            layer('Dense', { name: 'd', units: 1 }),
          ]),
          {},
          weightsH5(mb),
        ),
    },
    {
      name: `legacy-${mb}MB.h5`,
      make: () =>
        legacyH5(bigConfig(20), {
          extra: { kind: 'group', children: { w: { kind: 'dataset', shape: [mb * 256, 1024] } } },
        }),
    },
    { name: `torch-${mb}MB.pt`, make: () => torchZipOf(mb) },
    { name: `numpy-array-${mb}MB.pkl`, make: () => arrayPickle(mb) },
    { name: `safetensors-${mb}MB.safetensors`, make: () => safetensorsOf(mb) },
  );
}
CASES.push(
  { name: 'torch-legacy-stream.pt', make: () => torchLegacy() },
  { name: 'config-2000-layers.keras', make: () => kerasArchive(bigConfig(2000)) },
  { name: 'pickle-20000-tensors.pkl', make: () => manyTensorsPickle(20_000) },
);

const results = [];
for (const c of CASES) {
  const bytes = c.make();
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  let verdict = '';
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    verdict = (await scanModelFileHashed(c.name, bytes)).verdict;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const row = {
    file: c.name,
    bytes: bytes.length,
    verdict,
    medianMs: Math.round((times[2] as number) * 10) / 10,
    maxMs: Math.round((times[4] as number) * 10) / 10,
    rssGrowthMB: Math.round(((process.memoryUsage().rss - rssBefore) / MB) * 10) / 10,
  };
  results.push(row);
  console.log(
    `${row.file.padEnd(34)} ${(row.bytes / MB).toFixed(2).padStart(6)} MB  ${row.verdict.padEnd(7)} median ${row.medianMs} ms, max ${row.maxMs} ms`,
  );
}
const out = { ...reportHeader('model-scan'), command: 'npm run bench:model-scan', results };
writeFileSync(new URL('./results/model-scan.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `load average ${out.loadAverage.map((l) => l.toFixed(2)).join(' ')}; written to bench/results/model-scan.json`,
);
