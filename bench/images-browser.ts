/**
 * Image import and CNN training in the browser (issue 11 targets: fashion_badnets import under 3 s, 10 CNN epochs
 * on WASM under 30 s), through the built app's real workers, driven over comlink from the page (no screen yet):
 * the ingest worker previews and imports the zip (createImageBitmap + OffscreenCanvas), then the train worker
 * trains the default CNN on WASM for 10 epochs (the settings the scan uses for 6,000 rows).
 *
 *   npx tsx bench/images-browser.ts [--set fashion_badnets | --zip path.zip] [--epochs 10] [--backend wasm|auto]
 *     [--app-settings] [--isolation off] [--wasm-threads N] [--out images-browser] [--rebuild]
 *
 * The backends are probed before the timed run, as the app's training screen does; `--backend auto` lets the worker
 * choose from the probes (the probes and the choice are reported), `--backend wasm` (the default) overrides it; `--app-settings` trains with the app's defaults for the dataset's size
 * (trainSettingsFor(rows, 'images')) instead of the scan's for 6,000 rows. `--isolation off` serves the page without
 * its cross-origin isolation headers, so WASM runs on one thread (the app before issue 11's threads, and any host
 * that does not send the headers); `--wasm-threads N` asks the train worker for N WASM threads instead of the rule's
 * (core/train/wasm-threads.ts). The train worker's backend sentence says how many threads it ran on.
 *
 * The page is opened with CSP bypassed only to inject comlink's UMD build. Writes bench/results/images-browser.json.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withoutIsolation, workerAsset } from '../e2e/worker-helpers';
import { DEFAULT_IMAGE_LIMITS } from '../workers/core/ingest/images/types';
import { trainSettingsFor } from '../workers/core/train/defaults';
import { arg } from './dawn';
import { DATASETS } from './dev-data';
import { reportHeader, saveReport } from './report';
import { ensureBuild, freePort, launchChromium, ROOT, startPreview } from './serve';

type Any = Record<string, unknown> & { kind: string };
/** comlink's UMD build as the page sees it (injected below). */
interface PageComlink {
  Comlink: { wrap(w: Worker): Record<string, (...a: unknown[]) => Promise<Any>>; proxy<T>(f: T): T };
}

async function main(): Promise<void> {
  ensureBuild(arg('rebuild') !== undefined);
  const zipPath = arg('zip');
  const set = zipPath ? path.basename(zipPath, '.zip') : (arg('set') ?? 'fashion_badnets');
  const epochs = Number(arg('epochs') ?? 10);
  const backendArg = arg('backend') ?? 'wasm';
  const zip = readFileSync(zipPath ?? path.join(DATASETS, set, `${set}.zip`));
  const port = await freePort();
  const server = await startPreview(port);
  const browser = await launchChromium();
  const loadBefore = os.loadavg();
  try {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    if (arg('isolation') === 'off') await withoutIsolation(page);
    await page.goto(`http://127.0.0.1:${port}/`);
    const crossOriginIsolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    await page.addScriptTag({ path: path.join(ROOT, 'node_modules/comlink/dist/umd/comlink.min.js') });
    const imported = await page.evaluate(
      async ({ ingestUrl, base64, name, limits }) => {
        const comlink = (window as unknown as PageComlink).Comlink;
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const file = new File([bytes], name);
        const ingest = new Worker(ingestUrl, { type: 'module' });
        const t0 = performance.now();
        const preview = (await comlink.wrap(ingest).previewImages(
          'b',
          { kind: 'zip', file },
          limits,
          comlink.proxy(() => {}),
        )) as Any & { preview: { suggested: unknown } };
        const t1 = performance.now();
        // The worker stores the dataset in IndexedDB itself (as in the app); its pixels and labels are read back
        // from there (`sift-image-arrays/1`: per image 8 + 4 + 4 + 4 + 32 bytes, the labels after the file sizes).
        const dbName = `sift-bench-${Date.now()}`;
        const done = (await comlink.wrap(ingest).ingestImages(
          'b',
          { kind: 'zip', file },
          preview.preview.suggested,
          limits,
          { dbName, datasetId: 'bench', createdAt: Date.now() },
          comlink.proxy(() => {}),
        )) as Any & {
          meta: {
            rows: number;
            classes: string[];
            image: { height: number; width: number; channels: number };
          };
        };
        const t2 = performance.now();
        ingest.terminate();
        const stored = await new Promise<{ rows: number; blob: Blob }>((resolve, reject) => {
          const open = indexedDB.open(dbName);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const get = open.result.transaction('datasetArrays').objectStore('datasetArrays').get('bench');
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => reject(get.error);
          };
        });
        const rows = stored.rows;
        const buffer = await stored.blob.arrayBuffer();
        const labels = new Int32Array(buffer.slice(8 * rows, 12 * rows));
        const pixels = new Uint8Array(buffer, rows * (8 + 4 + 4 + 4 + 32));
        const ds = { rows, labels, pixels, classes: done.meta.classes, shape: done.meta.image };
        (window as unknown as { siftBench: typeof ds }).siftBench = ds;
        return { rows, shape: ds.shape, previewMs: t1 - t0, ingestMs: t2 - t1, importMs: t2 - t0 };
      },
      {
        ingestUrl: workerAsset('ingest'),
        base64: zip.toString('base64'),
        name: `${set}.zip`,
        limits: DEFAULT_IMAGE_LIMITS,
      },
    );
    const base =
      arg('app-settings') !== undefined ? trainSettingsFor(imported.rows, 'images') : trainSettingsFor(6000);
    const settings = { ...base, model: 'cnn' as const, epochs, validationFraction: 0.2 };
    const train = await page.evaluate(
      async ({ trainUrl, settings, override, wasmThreads }) => {
        const comlink = (window as unknown as PageComlink).Comlink;
        const ds = (
          window as unknown as {
            siftBench: {
              rows: number;
              labels: Int32Array;
              pixels: Uint8Array;
              classes: string[];
              shape: { height: number; width: number; channels: number };
            };
          }
        ).siftBench;
        const features = new Float32Array(ds.pixels.length);
        for (let i = 0; i < features.length; i++) features[i] = (ds.pixels[i] as number) / 255;
        // The backends are probed before Start, in a worker of their own, as the app's training screen does
        // (app/controllers/train/backends.ts); the run gets the probes. Given none, the train worker would probe
        // inside the timed run, which the app never does.
        const prober = new Worker(trainUrl, { type: 'module' });
        const tp = performance.now();
        const probes = (await comlink.wrap(prober).probeBackends()) as unknown as unknown[];
        const probeMs = performance.now() - tp;
        prober.terminate();
        const train = new Worker(trainUrl, { type: 'module' });
        const epochMs: number[] = [];
        const t3 = performance.now();
        const outcome = (await comlink.wrap(train).start(
          {
            runId: 'bench',
            data: {
              features,
              featureCount: features.length / ds.rows,
              labels: ds.labels,
              classCount: ds.classes.length,
              image: ds.shape,
            },
            settings,
            thresholds: {},
            classNames: ds.classes,
            backend: { probes, override, ...(wasmThreads ? { wasmThreads } : {}) },
          },
          comlink.proxy((m: { kind: string; epochs?: Array<{ elapsedMs: number }> }) => {
            for (const e of m.epochs ?? []) epochMs.push(e.elapsedMs);
          }),
        )) as Any & {
          result: {
            status: string;
            elapsedMs: number;
            backend: { backend: string; reason: string };
            epochs: Array<{ valAccuracy: number; trainLoss: number; valLoss: number; elapsedMs: number }>;
          };
        };
        const t4 = performance.now();
        train.terminate();
        return {
          probes,
          probeMs,
          status: outcome.result.status,
          backend: outcome.result.backend.backend,
          reason: outcome.result.backend.reason,
          wallMs: t4 - t3,
          elapsedMs: outcome.result.elapsedMs,
          epochEndMs: outcome.result.epochs.map((e) => Math.round(e.elapsedMs)),
          valAccuracy: outcome.result.epochs.map((e) => Number(e.valAccuracy.toFixed(4))),
          // Full precision: before/after comparisons of the kernels read the difference from these.
          trainLoss: outcome.result.epochs.map((e) => e.trainLoss),
          valLoss: outcome.result.epochs.map((e) => e.valLoss),
        };
      },
      {
        trainUrl: workerAsset('train'),
        settings,
        override: backendArg === 'auto' ? null : backendArg,
        wasmThreads: arg('wasm-threads') !== undefined ? Number(arg('wasm-threads')) : undefined,
      },
    );
    const report = {
      ...reportHeader('images-browser'),
      loadAverageBefore: loadBefore,
      chromium: browser.version(),
      crossOriginIsolated,
      command: `npx tsx bench/images-browser.ts ${process.argv.slice(2).join(' ')}`,
      set,
      settings,
      result: { ...imported, train },
    };
    saveReport(arg('out') ?? 'images-browser', report);
  } finally {
    await browser.close();
    server.kill();
  }
}

await main();
