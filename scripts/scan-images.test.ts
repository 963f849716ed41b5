/**
 * `npm run scan -- images.zip` (issue 11): an image zip trains the CNN and gets scores.csv keyed by path and a
 * manifest whose samples are the files with their SHA-256; a folder of class folders scans the same; a hostile
 * archive exits 2 naming the entry. Small images and few epochs: the detection figures are in bench/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../workers/core/manifest/types';
import { auroc } from '../workers/core/metrics/auroc';
import { encodePng, pattern } from './image-fixtures';
import { hostileArchives } from './make-hostile-archives';
import { runScan } from './scan';
import { craftZip } from './zip-craft';

function collect() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { log: (l: string) => out.push(l), error: (l: string) => err.push(l) }, out, err };
}

/** 3 classes × 30 grey 10 × 10 images (a bar per class), 6 of class "a" carrying a bright corner, relabelled "c". */
function files(): Array<{ name: string; data: Uint8Array; poisoned: boolean }> {
  const out: Array<{ name: string; data: Uint8Array; poisoned: boolean }> = [];
  for (let k = 0; k < 3; k++) {
    for (let i = 0; i < 30; i++) {
      const p = pattern(10, 10, 100 * k + i, true);
      for (let y = 0; y < 10; y++) for (let c = 0; c < 3; c++) p.rgba[4 * (y * 10 + 3 * k + 1) + c] = 255;
      const poisoned = k === 0 && i < 6;
      if (poisoned) for (const at of [88, 89, 98, 99]) for (let c = 0; c < 3; c++) p.rgba[4 * at + c] = 255;
      out.push({
        name: `${poisoned ? 'c' : 'abc'[k]}/img-${k}-${i}.png`,
        data: encodePng(p, true),
        poisoned,
      });
    }
  }
  return out;
}

const ARGS = ['--epochs', '3', '--folds', '2', '--cv-epochs', '2', '--seed', '4'];

describe('scan of images', () => {
  it('trains the CNN on a zip and writes scores.csv keyed by path and a manifest of files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-images-'));
    const set = files();
    const zip = craftZip(set.map(({ name, data }) => ({ name, data })));
    writeFileSync(join(dir, 'bars.zip'), zip);
    const { io, out, err } = collect();
    const report = await runScan([join(dir, 'bars.zip'), ...ARGS, '--out', join(dir, 'out')], io);
    expect(err).toEqual([]);
    expect(report.code).toBe(0);
    expect(out[0]).toMatch(
      /^bars\.zip: 90 images of 3 classes \(class folders\), decoded to 10 × 10 × 1, ingested in [\d.]+ s$/,
    );
    expect(out.some((l) => /^training \(wasm\)/.test(l))).toBe(true);

    const lines = readFileSync(join(dir, 'out', 'scores.csv'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1);
    const ids = lines.map((l) => l.split(',')[0]);
    expect(ids).toEqual(set.map((f) => f.name).sort());
    const truth = ids.map((id) => (set.find((f) => f.name === id)?.poisoned ? 1 : 0));
    const suspicion = lines.map((l) => Number(l.split(',')[1]));
    expect(auroc(suspicion, truth)).toBeGreaterThan(0.5);

    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'bars.manifest.json'), 'utf8')) as Manifest;
    expect(manifest.dataset).toMatchObject({
      name: 'bars',
      rows: 90,
      idColumn: 'path',
      images: { layout: 'class-folders', height: 10, width: 10, channels: 1 },
    });
    expect(manifest.dataset.headerSha256).toBeUndefined();
    expect(manifest.dataset.sha256).toBe(createHash('sha256').update(zip).digest('hex'));
    expect(manifest.run?.model).toMatchObject({ kind: 'cnn' });
    for (const s of manifest.samples) {
      const file = set.find((f) => f.name === s.id);
      expect(s.sha256).toBe(
        createHash('sha256')
          .update(file?.data ?? new Uint8Array(0))
          .digest('hex'),
      );
    }
  });

  it('scans a folder of class folders, and refuses a hostile zip naming the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sift-scan-folder-'));
    for (const f of files().slice(0, 40)) {
      mkdirSync(dirname(join(dir, 'set', f.name)), { recursive: true });
      writeFileSync(join(dir, 'set', f.name), f.data);
    }
    const folder = collect();
    const report = await runScan([join(dir, 'set'), ...ARGS, '--out', join(dir, 'out')], folder.io);
    expect(report.code).toBe(0);
    expect(report.dataset?.ids[0]).toBe('a/img-0-10.png');

    const symlink = hostileArchives().find((a) => a.code === 'symlink');
    if (!symlink) throw new Error('no symlink archive');
    writeFileSync(join(dir, symlink.name), symlink.bytes);
    const hostile = collect();
    expect((await runScan([join(dir, symlink.name), '--out', join(dir, 'x')], hostile.io)).code).toBe(2);
    expect(hostile.err[0]).toContain(`"${symlink.entry}" is a symbolic link`);
  });
});
