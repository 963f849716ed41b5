import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unpackIds } from './core/ingest/ids';
import { CsvIngestor } from './core/ingest/ingest';
import { RangeHasher } from './core/ingest/range-hasher';
import type { ColumnPlan, IngestProgress } from './core/ingest/types';
import { DEFAULT_LIMITS } from './core/ingest/types';
import { createIngestService, type ImportHasher, outcomeTransferables } from './ingest.service';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dataset = (name: string) => path.resolve(HERE, '../../shared/datasets', name, `${name}.csv`);
const fileOf = (bytes: Uint8Array, name: string) => new File([bytes as BlobPart], name, { type: 'text/csv' });
/** Byte equality of two typed arrays (deep `toEqual` on 640,000 floats takes seconds). */
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const PLAN: ColumnPlan = {
  labelColumn: 'label',
  idColumn: 'id',
  excluded: [],
  oneHot: [],
  missing: 'drop-row',
};

describe('ingest service, in process (the same object the worker exposes)', () => {
  const digits = new Uint8Array(readFileSync(dataset('digits_flip5')));
  const synth = new Uint8Array(readFileSync(dataset('synth20k_flip')));

  it('previews the head and proposes the roles', async () => {
    const preview = await createIngestService().preview(fileOf(digits, 'digits_flip5.csv'), DEFAULT_LIMITS);
    expect(preview.delimiter).toBe(',');
    expect(preview.header).toHaveLength(66);
    expect(preview.suggested.labelColumn).toBe('label');
    expect(preview.suggested.idColumn).toBe('id');
    expect(preview.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('imports a file into the dataset the core builds from the same bytes, ids packed, classes counted', async () => {
    const progress: IngestProgress[] = [];
    const outcome = await createIngestService().ingest(
      'j1',
      fileOf(synth, 'synth20k_flip.csv'),
      PLAN,
      DEFAULT_LIMITS,
      (p) => progress.push(p),
    );
    if (outcome.kind !== 'done') throw new Error(`expected done, got ${outcome.kind}`);
    const direct = new CsvIngestor({ fileName: 'synth20k_flip.csv', totalBytes: synth.length, plan: PLAN });
    direct.push(synth);
    const expected = direct.finish();
    const got = outcome.dataset;
    expect(got.rows).toBe(20000);
    expect(got.sha256).toBe(createHash('sha256').update(synth).digest('hex'));
    expect(got.features).toHaveLength(20000 * 32);
    expect(sameBytes(got.features, expected.features)).toBe(true);
    expect(sameBytes(got.rowSha256, expected.rowSha256)).toBe(true);
    expect(sameBytes(got.rowStart, expected.rowStart)).toBe(true);
    expect(unpackIds(got.idText, got.rows)).toEqual(expected.ids);
    expect(outcome.classCounts).toHaveLength(4);
    expect(outcome.classCounts.reduce((a, b) => a + b, 0)).toBe(20000);
    for (const [k, count] of outcome.classCounts.entries()) {
      expect(count).toBe(expected.labels.filter((code) => code === k).length);
    }
    for (let k = 1; k < progress.length; k++) {
      expect(progress[k]?.bytesRead).toBeGreaterThanOrEqual(progress[k - 1]?.bytesRead ?? 0);
    }
    for (const p of progress) expect(p.bytesRead).toBeLessThanOrEqual(synth.length);
    expect(outcome.timings.parseMs).toBeGreaterThan(0);
  });

  it('hashes beside the parse with an ImportHasher (as the worker does): the same file and row hashes', async () => {
    let opened = 0;
    let closed = 0;
    let calls = 0;
    const inProcess = (): ImportHasher => {
      opened++;
      const hasher = new RangeHasher();
      return {
        add: async (bytes, starts, ends) => {
          calls++;
          hasher.pushBytes(bytes);
          hasher.hashRows(starts, ends);
        },
        finish: async () => hasher.finish(),
        close: () => {
          closed++;
        },
        stopped: new Promise<string>(() => undefined),
      };
    };
    const file = fileOf(synth, 'synth20k_flip.csv');
    const apart = await createIngestService(inProcess).ingest('h1', file, PLAN, DEFAULT_LIMITS, () => {});
    const inline = await createIngestService().ingest('h2', file, PLAN, DEFAULT_LIMITS, () => {});
    if (apart.kind !== 'done' || inline.kind !== 'done') throw new Error('expected both imports done');
    expect([opened, closed]).toEqual([1, 1]);
    expect(calls).toBeGreaterThan(synth.length / (1 << 20)); // one per chunk, and one at the end
    expect(apart.dataset.sha256).toBe(createHash('sha256').update(synth).digest('hex'));
    expect(apart.dataset.rowSha256).toHaveLength(20000 * 32);
    expect(sameBytes(apart.dataset.rowSha256, inline.dataset.rowSha256)).toBe(true);
    expect(sameBytes(apart.dataset.features, inline.dataset.features)).toBe(true);
  });

  it('reads later chunks into the buffers the hasher hands back, with the same hashes', async () => {
    const hasher = new RangeHasher();
    const spares: ArrayBuffer[] = [];
    let reused = 0;
    const recycling = (): ImportHasher => ({
      add: async (bytes, starts, ends) => {
        hasher.pushBytes(bytes);
        hasher.hashRows(starts, ends);
        for (const back of hasher.takeReleased()) {
          new Uint8Array(back).fill(0xee); // what a reader would leave there if the hasher still needed it
          spares.push(back);
        }
      },
      spare: () => {
        // A BYOB read moves the buffer into a new ArrayBuffer object, so reuse is counted here, not by identity.
        const buffer = spares.pop();
        if (buffer?.byteLength === 1 << 20) reused++;
        return buffer;
      },
      finish: async () => hasher.finish(),
      close: () => undefined,
      stopped: new Promise<string>(() => undefined),
    });
    const big = new Uint8Array(synth.length * 3);
    for (let k = 0; k < 3; k++) big.set(synth, k * synth.length);
    const lines = new TextDecoder().decode(big).split('\n');
    // Three copies of the file: ids made unique, headers after the first one dropped.
    const text = lines
      .filter((line, k) => k === 0 || !line.startsWith('id,'))
      .map((line, k) => (k === 0 || line === '' ? line : line.replace(/^[^,]*/, `r${k}`)))
      .join('\n');
    const file = fileOf(new TextEncoder().encode(text), 'triple.csv');
    const apart = await createIngestService(recycling).ingest('h3', file, PLAN, DEFAULT_LIMITS, () => {});
    const inline = await createIngestService().ingest('h4', file, PLAN, DEFAULT_LIMITS, () => {});
    if (apart.kind !== 'done' || inline.kind !== 'done') throw new Error('expected both imports done');
    expect(reused).toBeGreaterThan(3);
    expect(apart.dataset.rows).toBe(60000);
    expect(apart.dataset.sha256).toBe(inline.dataset.sha256);
    expect(sameBytes(apart.dataset.rowSha256, inline.dataset.rowSha256)).toBe(true);
  });

  it('lists each transferable buffer once', async () => {
    const outcome = await createIngestService().ingest(
      'j2',
      fileOf(digits, 'd.csv'),
      PLAN,
      DEFAULT_LIMITS,
      () => {},
    );
    const buffers = outcomeTransferables(outcome);
    expect(buffers.length).toBeGreaterThanOrEqual(6);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(outcomeTransferables({ kind: 'cancelled' })).toEqual([]);
  });

  it('returns validation errors as data, naming file and line', async () => {
    const lines = new TextDecoder().decode(synth).split('\n');
    lines[14_999] = lines[14_999]?.split(',').slice(0, 10).join(',') ?? '';
    const broken = new TextEncoder().encode(lines.join('\n'));
    const outcome = await createIngestService().ingest(
      'j3',
      fileOf(broken, 'broken.csv'),
      PLAN,
      DEFAULT_LIMITS,
      () => {},
    );
    if (outcome.kind !== 'failed') throw new Error(`expected failed, got ${outcome.kind}`);
    expect(outcome.problems[0]?.code).toBe('ragged-row');
    expect(outcome.problems[0]?.line).toBe(15_000);
    expect(outcome.problems[0]?.message).toContain('broken.csv, line 15000');
  });

  it('stops at the next chunk when cancelled, and a later job is not affected', async () => {
    const service = createIngestService();
    const running = service.ingest('j4', fileOf(synth, 's.csv'), PLAN, DEFAULT_LIMITS, () => {});
    await service.cancel('j4');
    expect((await running).kind).toBe('cancelled');
    await service.cancel('j5'); // not running: ignored, and not remembered for a job of that id
    const next = await service.ingest('j5', fileOf(digits, 'd.csv'), PLAN, DEFAULT_LIMITS, () => {});
    expect(next.kind).toBe('done');
  });

  /**
   * A hasher whose calls never settle (a dead worker's comlink calls do not) and which reports, after `addsBefore`
   * calls, that it stopped; or whose calls reject (`failing`). Counts its closes.
   */
  function deadHasher(options: { addsBefore: number; failing?: boolean; stops?: boolean }) {
    const counts = { adds: 0, closed: 0 };
    let stop: (why: string) => void = () => undefined;
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const never = new Promise<never>(() => undefined);
    const hasher = (): ImportHasher => ({
      add: async () => {
        counts.adds++;
        if (counts.adds < options.addsBefore) return;
        if (options.failing) throw new Error('row 7 spans bytes 9..3, outside what is held');
        if (options.stops !== false) stop('it crashed, ran out of memory or was closed');
        return never;
      },
      finish: () => never,
      close: () => {
        counts.closed++;
      },
      stopped,
    });
    return { hasher, counts };
  }

  it('fails the import, naming the file, when the hasher dies without answering (never hangs)', async () => {
    const { hasher, counts } = deadHasher({ addsBefore: 2 });
    const file = fileOf(synth, 'synth20k_flip.csv');
    const outcome = await createIngestService(hasher).ingest('d1', file, PLAN, DEFAULT_LIMITS, () => {});
    if (outcome.kind !== 'failed') throw new Error(`expected a failed import, got ${outcome.kind}`);
    expect(outcome.problems).toHaveLength(1);
    expect(outcome.problems[0]).toMatchObject({
      severity: 'error',
      code: 'hashing-stopped',
      file: 'synth20k_flip.csv',
    });
    expect(outcome.problems[0]?.message).toBe(
      'The hashing worker stopped while importing synth20k_flip.csv (it crashed, ran out of memory or was closed); ' +
        'nothing was stored. Import the file again.',
    );
    expect(counts.closed).toBe(1);
  });

  it("fails the import with the hasher's own error when its calls reject", async () => {
    const { hasher, counts } = deadHasher({ addsBefore: 1, failing: true });
    const file = fileOf(digits, 'digits_flip5.csv');
    const outcome = await createIngestService(hasher).ingest('d2', file, PLAN, DEFAULT_LIMITS, () => {});
    if (outcome.kind !== 'failed') throw new Error(`expected a failed import, got ${outcome.kind}`);
    expect(outcome.problems.map((p) => p.code)).toEqual(['hashing-stopped']);
    expect(outcome.problems[0]?.message).toContain(
      'importing digits_flip5.csv (it failed: row 7 spans bytes 9..3, outside what is held)',
    );
    expect(counts.closed).toBe(1);
  });

  it('a cancel ends an import that waits on a hung hasher, and closes the hasher', async () => {
    const { hasher, counts } = deadHasher({ addsBefore: 1, stops: false });
    const service = createIngestService(hasher);
    const job = service.ingest('d3', fileOf(digits, 'digits_flip5.csv'), PLAN, DEFAULT_LIMITS, () => {});
    // digits is one chunk: the job now waits on the hasher's last call, which never settles.
    while (counts.adds < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await service.cancel('d3');
    expect(await job).toEqual({ kind: 'cancelled' });
    expect(counts.closed).toBe(1);
  });
});
