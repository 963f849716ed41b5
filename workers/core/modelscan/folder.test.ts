/**
 * Model folders (folder.ts): a SavedModel folder is one model with one verdict, as its zip is; its SHA-256 is that of
 * the listing `sha256sum` writes; any other folder's files are scanned one by one; caps and cancels act before reading.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './corpus/index';
import { savedModelFolder } from './corpus/savedmodel';
import type { FolderFile } from './file-set';
import { folderDigests, folderListing, scanModelFolder } from './folder';

const entries = (files: Record<string, Uint8Array>): FolderFile[] =>
  Object.entries(files).map(([path, bytes]) => ({ path, size: bytes.length, read: async () => bytes }));
const unreadable = (path: string, size: number): FolderFile => ({
  path,
  size,
  read: () => Promise.reject(new Error(`${path} was read`)),
});
const corpus = (name: string) => {
  const file = CORPUS.find((f) => f.name === name);
  if (!file) throw new Error(`no corpus file ${name}`);
  return file.bytes();
};

describe('a SavedModel folder', () => {
  it('gets one verdict, with the ops of its graph placed in the folder', async () => {
    const results = await scanModelFolder('export', entries(savedModelFolder('writes a file')));
    expect(results?.map((r) => [r.file, r.format, r.verdict])).toEqual([
      ['export/', 'tf-savedmodel', 'unsafe'],
    ]);
    const finding = results?.[0]?.findings[0];
    expect(finding?.kind).toBe('graph-op');
    expect(finding?.location.startsWith('export › saved_model.pb')).toBe(true);
  });

  it('is safe when its graph is, and weighs every file, checkpoint shards too', async () => {
    const files = savedModelFolder('plain');
    const [result] = (await scanModelFolder('export', entries(files))) ?? [];
    expect(result?.verdict).toBe('safe');
    expect(result?.findings).toEqual([]);
    expect(result?.bytes).toBe(Object.values(files).reduce((s, b) => s + b.length, 0));
  });

  it('is known by the SHA-256 of its listing, one "<sha256>  <path>" line per file in path order', async () => {
    const files = savedModelFolder('plain');
    const lines = Object.keys(files)
      .sort()
      .map(
        (p) =>
          `${createHash('sha256')
            .update(files[p] as Uint8Array)
            .digest('hex')}  ${p}\n`,
      );
    const [result] = (await scanModelFolder('export', entries(files).reverse())) ?? [];
    expect(result?.sha256).toBe(createHash('sha256').update(lines.join('')).digest('hex'));
    expect(
      folderListing([
        { path: 'b', sha256: '2' },
        { path: 'a/c', sha256: '1' },
      ]),
    ).toBe('1  a/c\n2  b\n');
  });

  it('lists a file TensorFlow does not write, and scans it as its bytes say', async () => {
    const files = { ...savedModelFolder('plain'), 'run.pkl': corpus('pickle-os-system.pkl') };
    const [result] = (await scanModelFolder('export', entries(files))) ?? [];
    expect(result?.verdict).toBe('unsafe');
    expect(result?.findings.find((f) => f.kind === 'unknown-entry')?.sentence).toBe(
      '"run.pkl" is not a file TensorFlow writes into a SavedModel; the scanner read it as its bytes say.',
    );
    expect(result?.findings.map((f) => [f.severity, f.location])).toContainEqual([
      'critical',
      'export › run.pkl, byte 2',
    ]);
  });

  it('finds the SavedModel in a sub-folder, with its shards read as data', async () => {
    const files = savedModelFolder('reads a file', '1/');
    const [result] = (await scanModelFolder('exports', entries(files))) ?? [];
    expect(result?.file).toBe('exports/');
    expect(result?.findings.map((f) => f.location.split(':')[0])).toEqual(['exports › 1/saved_model.pb']);
  });

  it('is refused unread past the cap on files, its size over every file', async () => {
    const files = Object.keys(savedModelFolder('plain')).map((p) => unreadable(p, 600));
    const results = await scanModelFolder('export', files, { limits: { maxFileBytes: 2_000 } });
    expect(results?.map((r) => [r.verdict, r.bytes, r.sha256])).toEqual([['refused', 2_400, '0'.repeat(64)]]);
    expect(results?.[0]?.findings[0]?.sentence).toBe(
      'The SavedModel folder holds 2.3 KiB, over the 2.0 KiB cap on files, so it was not read.',
    );
  });
});

describe('any other folder', () => {
  it('has each file scanned as its own, named by its path', async () => {
    const files = {
      'a/model.pkl': corpus('pickle-os-system.pkl'),
      'b.keras': corpus('plain-sequential.keras'),
    };
    const results = await scanModelFolder('drop', entries(files));
    expect(results?.map((r) => [r.file, r.verdict])).toEqual([
      ['drop/a/model.pkl', 'unsafe'],
      ['drop/b.keras', 'safe'],
    ]);
  });

  it('refuses a file over the cap on files unread, and scans the rest', async () => {
    const files = [unreadable('big.pt', 5_000), ...entries({ 'b.keras': corpus('plain-sequential.keras') })];
    const results = await scanModelFolder('drop', files, { limits: { maxFileBytes: 4_096 } });
    expect(results?.map((r) => [r.file, r.verdict])).toEqual([
      ['drop/big.pt', 'refused'],
      ['drop/b.keras', 'refused'],
    ]);
    expect(results?.[0]?.findings[0]?.kind).toBe('limit');
  });
});

describe('a folder verified', () => {
  it('is named as its scan names it, with the same SHA-256', async () => {
    const model = entries(savedModelFolder('plain'));
    const [scanned] = (await scanModelFolder('export', model)) ?? [];
    expect(await folderDigests('export', model)).toEqual([{ name: 'export/', sha256: scanned?.sha256 }]);
    const bytes = corpus('plain-sequential.keras');
    expect(await folderDigests('drop', entries({ 'b.keras': bytes }))).toEqual([
      { name: 'drop/b.keras', sha256: createHash('sha256').update(bytes).digest('hex') },
    ]);
  });
});

describe('any folder', () => {
  it('is refused unread past the cap on entries', async () => {
    const files = ['a', 'b', 'saved_model.pb'].map((p) => unreadable(p, 10));
    const results = await scanModelFolder('many', files, { limits: { maxEntries: 2 } });
    expect(results?.map((r) => [r.file, r.verdict, r.findings[0]?.sentence])).toEqual([
      ['many/', 'refused', 'The folder holds more than 2 files (the cap); none was read.'],
    ]);
  });

  it('holding nothing, is refused', async () => {
    const results = await scanModelFolder('empty', []);
    expect(results?.map((r) => [r.file, r.verdict, r.findings[0]?.kind])).toEqual([
      ['empty/', 'refused', 'malformed'],
    ]);
  });

  it('stops before the next file when told to, and says so with null', async () => {
    const seen: string[] = [];
    const stopAt = async (done: number, total: number, path: string) => {
      seen.push(`${done}/${total} ${path}`);
      return done < 1;
    };
    const files = [...entries({ 'a.keras': corpus('plain-sequential.keras') }), unreadable('b.pt', 10)];
    expect(await scanModelFolder('drop', files, { beforeFile: stopAt })).toBeNull();
    const model = [...entries(savedModelFolder('plain')).slice(0, 1), unreadable('saved_model.pb', 10)];
    expect(await scanModelFolder('export', model, { beforeFile: stopAt })).toBeNull();
    expect(seen).toEqual(['0/2 a.keras', '1/2 b.pt', '0/2 fingerprint.pb', '1/2 saved_model.pb']);
  });
});
