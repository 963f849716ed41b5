/**
 * The untrusted entry paths (unsafePath, collisionKey, wrapperDepth), the labels CSV (parseLabelsCsv, each refusal
 * word for word) and the stage clock, on inputs whose answers are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { labelKey, parseLabelsCsv } from './labels-csv';
import { collisionKey, unsafePath, wrapperDepth } from './paths';
import { StageClock } from './stages';
import { ImageIngestError } from './types';

describe('unsafePath', () => {
  it('says why each unsafe path is refused, and passes safe ones', () => {
    expect(unsafePath('')).toBe('has an empty name');
    expect(unsafePath('a'.repeat(1024))).toBeNull();
    expect(unsafePath('a'.repeat(1025))).toBe('is longer than 1024 characters');
    for (const c of ['\u0000', '\u0009', '\u001f', '\u007f']) {
      expect(unsafePath(`a${c}b.png`)).toBe('holds control characters in its name');
    }
    expect(unsafePath('a\u0020b.png')).toBeNull();
    expect(unsafePath('/etc/passwd')).toBe('is an absolute path');
    expect(unsafePath('\\x.png')).toBe('is an absolute path');
    expect(unsafePath('C:x.png')).toBe('starts with a drive letter');
    expect(unsafePath('z:/x.png')).toBe('starts with a drive letter');
    expect(unsafePath('1:x.png')).toBeNull();
    expect(unsafePath('a/../../x.png')).toBe('climbs out of the archive with ".."');
    expect(unsafePath('a\\..\\x.png')).toBe('climbs out of the archive with ".."');
    expect(unsafePath('..')).toBe('climbs out of the archive with ".."');
    expect(unsafePath('a//x.png')).toBe('has an empty or "." folder in its path');
    expect(unsafePath('a/./x.png')).toBe('has an empty or "." folder in its path');
    expect(unsafePath('a\\\\x.png')).toBe('has an empty or "." folder in its path');
    expect(unsafePath('a/..x/x..png')).toBeNull();
    expect(unsafePath('a/.hidden/x.png')).toBeNull();
    expect(unsafePath('cats/')).toBeNull();
    expect(unsafePath('cats//')).toBe('has an empty or "." folder in its path');
  });
});

describe('collisionKey', () => {
  it('folds case, Unicode form, backslashes and one trailing slash', () => {
    expect(collisionKey('Cats\\Caf\u0065\u0301.PNG')).toBe('cats/caf\u00e9.png');
    expect(collisionKey('a/b/')).toBe('a/b');
    expect(collisionKey('a/b//')).toBe('a/b/');
    expect(collisionKey('a\\b\\c')).toBe('a/b/c');
  });
});

describe('wrapperDepth', () => {
  it('strips folders that only wrap the data', () => {
    expect(wrapperDepth([], [])).toBe(0);
    expect(wrapperDepth(['top/cat/a.png', 'top/dog/b.png'], [])).toBe(1);
    expect(wrapperDepth(['x/y/cat/a.png', 'x/y/dog/b.png'], [])).toBe(2);
    // A single-class folder keeps its class.
    expect(wrapperDepth(['Coat/a.png', 'Coat/b.png'], [])).toBe(0);
    // A labels CSV at the top of the wrapper.
    expect(wrapperDepth(['top/a.png', 'top/b.png'], ['top/labels.csv'])).toBe(1);
    expect(wrapperDepth(['top/a.png'], ['top/sub/labels.csv'])).toBe(0);
    // Two top folders, or a file beside the wrapper.
    expect(wrapperDepth(['a/cat/x.png', 'b/cat/y.png'], [])).toBe(0);
    expect(wrapperDepth(['top/cat/x.png', 'y.png'], [])).toBe(0);
    expect(wrapperDepth(['top/cat/x.png', 'top'], [])).toBe(0);
    expect(wrapperDepth(['a.png'], [])).toBe(0);
    expect(wrapperDepth([], ['top/labels.csv'])).toBe(1);
    expect(wrapperDepth([], ['labels.csv'])).toBe(0);
  });
});

describe('parseLabelsCsv', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const failure = (bytes: Uint8Array): string[] => {
    let caught: unknown = null;
    try {
      parseLabelsCsv(bytes, 'l.csv', 'z.zip');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ImageIngestError);
    return (caught as ImageIngestError).problems.map((p) => p.message);
  };
  const pre = 'z.zip: the labels CSV "l.csv" ';

  it('reads path and label columns by name, anywhere in the header, after a BOM', () => {
    const map = parseLabelsCsv(
      enc('\ufeffNote, Label ,FILE\nx,cat, ./a\\b.png \n\ny,dog,c.png\n'),
      'l.csv',
      'z.zip',
    );
    expect([...map]).toEqual([
      ['a/b.png', 'cat'],
      ['c.png', 'dog'],
    ]);
    for (const [p, l] of [
      ['path', 'label'],
      ['filename', 'labels'],
      ['file_name', 'class'],
      ['image', 'target'],
      ['image_path', 'y'],
      ['id', 'category'],
    ]) {
      expect([...parseLabelsCsv(enc(`${p},${l}\nq.png,k\n`), 'l.csv', 'z.zip')]).toEqual([['q.png', 'k']]);
    }
    expect(labelKey(' ././a\\e\u0301.png ')).toBe('a/\u00e9.png');
  });

  it('refuses word for word', () => {
    expect(failure(Uint8Array.of(0x70, 0xff, 0x0a))).toEqual([`${pre}is not UTF-8 text.`]);
    expect(failure(enc(''))).toEqual([`${pre}is empty.`]);
    const needs =
      'needs a header row naming a path column (path, file, filename, file_name, image, image_path, id) and a label ' +
      'column (label, labels, class, target, y, category).';
    expect(failure(enc('path,name\na,b\n'))).toEqual([pre + needs]);
    expect(failure(enc('name,label\na,b\n'))).toEqual([pre + needs]);
    expect(failure(enc('path,label\na.png,\n,cat\na.png,x\nb.png,y\nb.png,z\n'))).toEqual([
      `${pre}has an empty label on line 2.`,
      `${pre}has an empty path on line 3.`,
      `${pre}lists "b.png" twice (again on line 6).`,
    ]);
  });

  it('stops at five problems', () => {
    const rows = Array.from({ length: 7 }, (_, k) => `p${k}.png,`).join('\n');
    expect(failure(enc(`path,label\n${rows}\n`))).toEqual(
      [2, 3, 4, 5, 6].map((line) => `${pre}has an empty label on line ${line}.`),
    );
  });
});

describe('paths and labels at the edges', () => {
  it('refuses a drive letter only at the start of a path', () => {
    expect(unsafePath('c/C:x.png')).toBeNull();
  });

  it('keeps the depth when a file beside the folders is named like the wrapper, or only some images are in subfolders', () => {
    expect(wrapperDepth(['x.csv/c/1.png', 'x.csv/d/2.png'], ['x.csv'])).toBe(0);
    expect(wrapperDepth(['top/c/1.png', 'top/2.png'], [])).toBe(0);
  });

  it('strips only leading "./" from a label key', () => {
    expect(labelKey('c/./x.png')).toBe('c/./x.png');
  });

  it('reads a label column in the first place, trims labels, and names short rows', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect([...parseLabelsCsv(enc('label,path\nk,q.png\n'), 'l.csv', 'z.zip')]).toEqual([['q.png', 'k']]);
    expect([...parseLabelsCsv(enc('path,label\nq.png, k \n'), 'l.csv', 'z.zip')]).toEqual([['q.png', 'k']]);
    const message = (text: string) => {
      try {
        parseLabelsCsv(enc(text), 'l.csv', 'z.zip');
      } catch (e) {
        return e instanceof ImageIngestError ? e.problems.map((p) => p.message) : ['not a refusal'];
      }
      return ['no refusal'];
    };
    expect(message('label,path\nk\n')).toEqual([
      'z.zip: the labels CSV "l.csv" has an empty path on line 2.',
    ]);
    expect(message('path,label\nq.png\n')).toEqual([
      'z.zip: the labels CSV "l.csv" has an empty label on line 2.',
    ]);
  });
});

describe('StageClock', () => {
  it('sums each stage in the order stages first ran, to 0.1 ms', async () => {
    const clock = new StageClock();
    clock.add('decode', 1.04);
    clock.add('inflate', 2);
    clock.add('decode', 0.02);
    expect(clock.timeSync('shape', () => 7)).toBe(7);
    expect(await clock.time('sha256', async () => 'done')).toBe('done');
    await expect(
      clock.time('records', async () => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(() =>
      clock.timeSync('header', () => {
        throw new Error('bad');
      }),
    ).toThrow('bad');
    const totals = clock.totals();
    expect(Object.keys(totals)).toEqual(['decode', 'inflate', 'shape', 'sha256', 'records', 'header']);
    expect(totals.decode).toBe(1.1);
    expect(totals.inflate).toBe(2);
    for (const k of ['shape', 'sha256', 'records', 'header'] as const)
      expect(totals[k]).toBeGreaterThanOrEqual(0);
  });
});
