import { describe, expect, it } from 'vitest';
import { craftZip } from '../../../../scripts/zip-craft';
import { EntryReadError } from './types';
import { memorySource, readCentralDirectory, readEntry, WindowedReader, zipSource } from './zip';

const text = (s: string) => new TextEncoder().encode(s);

describe('zip reader', () => {
  it('reads stored, deflated and zip64 archives, and names in UTF-8', async () => {
    const entries = [
      { name: 'a/ünïcode.txt', data: text('hello hello hello hello'), method: 8 },
      { name: 'a/stored.txt', data: text('plain'), method: 0 },
    ];
    for (const zip64 of [false, true]) {
      const source = await zipSource(memorySource(craftZip(entries, { zip64 })), 'x.zip', 10);
      expect(source.entries.map((e) => e.path)).toEqual(['a/ünïcode.txt', 'a/stored.txt']);
      expect(new TextDecoder().decode(await source.entries[0].read(100))).toBe('hello hello hello hello');
      expect(new TextDecoder().decode(await source.entries[1].read(100))).toBe('plain');
      expect(new TextDecoder().decode(await source.entries[0].read(100, 5))).toBe('hello');
    }
  });

  it('checks the real size and CRC against the directory, and stops at the cap', async () => {
    const data = text('x'.repeat(5000));
    const bytes = craftZip([
      { name: 'crc', data, crc: 12345 },
      { name: 'size', data, declaredSize: 4000 },
      { name: 'ok', data },
    ]);
    const reader = new WindowedReader(memorySource(bytes), 64);
    const [crc, size, ok] = await readCentralDirectory(memorySource(bytes), 'x.zip', 10);
    await expect(readEntry(reader, crc, 1e6)).rejects.toThrow(/CRC-32 does not match/);
    await expect(readEntry(reader, size, 1e6)).rejects.toBeInstanceOf(EntryReadError);
    const over = await readEntry(reader, ok, 4999).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(EntryReadError);
    expect((over as EntryReadError).code).toBe('over-cap');
    expect((await readEntry(reader, ok, 5000)).length).toBe(5000);
  });

  it('marks symbolic links and directories from the directory records', async () => {
    const records = await readCentralDirectory(
      memorySource(
        craftZip([
          { name: 'dir/', method: 0 },
          { name: 'link', data: text('/etc'), unixMode: 0o120777 },
          { name: 'file', data: text('x'), unixMode: 0o100644 },
        ]),
      ),
      'x.zip',
      10,
    );
    expect(records.map((r) => r.kind)).toEqual(['directory', 'symlink', 'file']);
  });
});
