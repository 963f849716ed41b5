/**
 * Tars that are neither a PyTorch checkpoint nor a SavedModel: their files are scanned by their bytes, as a plain
 * zip's entries are; member names and links that would let extraction write outside the archive's folder are unsafe;
 * folders, links and devices are not read. Tars are written block by block (test-tar-bytes.ts).
 */
import { describe, expect, it } from 'vitest';
import { systemCallPickle } from './corpus/pickle';
import { savedModelFolder } from './corpus/savedmodel';
import { scanModelFile } from './scan';
import { linkProblem, readTar } from './tar';
import { header, join, member } from './test-tar-bytes';
import { context, PLAIN } from './test-zip-bytes';

const scan = (bytes: Uint8Array) => scanModelFile('t.tar', bytes, { clock: () => 0 });
const END = new Uint8Array(1024);

describe('a tar of other files', () => {
  it('scans each file by its bytes and names the member that runs code', () => {
    const result = scan(
      join(member('model/config.pkl', PLAIN), member('model/weights.pkl', systemCallPickle()), END),
    );
    expect([result.format, result.verdict]).toEqual(['tar', 'unsafe']);
    expect(result.findings.map((f) => [f.severity, f.location])).toEqual([
      ['critical', 't.tar › model/weights.pkl, byte 2'],
    ]);
    expect(scan(join(member('a.pkl', PLAIN), END))).toMatchObject({
      format: 'tar',
      verdict: 'safe',
      findings: [],
    });
  });

  it('refuses a tar whose file is no model format, naming the member', () => {
    const result = scan(join(member('notes.txt', new TextEncoder().encode('hello')), END));
    expect(result.verdict).toBe('refused');
    expect(result.findings[0]?.location).toBe('t.tar › notes.txt');
  });

  it('calls a member name that leaves the folder unsafe', () => {
    const result = scan(join(member('../up.pkl', PLAIN), END));
    expect(result.verdict).toBe('unsafe');
    expect(result.findings).toEqual([
      {
        severity: 'high',
        kind: 'entry-name',
        location: 't.tar › "../up.pkl"',
        sentence:
          'The member name contains a ".." step, so extracting the archive could write outside its folder.',
      },
    ]);
  });

  it('calls a link out of the folder unsafe, reads no link or folder, and notes a device', () => {
    const tar = join(
      header('model', '0', '5'),
      header('model/passwd', '0', '2', '', '/etc/passwd'),
      header('model/near', '0', '2', '', '../model/a.pkl'),
      header('model/hard', '0', '1', '', 'model/a.pkl'),
      header('model/tty', '0', '3'),
      member('model/contiguous.pkl', PLAIN, '7'),
      member('model/a.pkl', PLAIN),
      END,
    );
    const result = scan(tar);
    expect(result.verdict).toBe('unsafe');
    expect(result.findings.map((f) => [f.severity, f.kind, f.location, f.sentence])).toEqual([
      [
        'high',
        'entry-name',
        't.tar › "model/passwd"',
        'The member is a link to "/etc/passwd", which is an absolute path, so extracting the archive could write outside its folder.',
      ],
      [
        'medium',
        'unknown-entry',
        't.tar › model/tty',
        'The member is no file, folder or link (a device or a pipe, say); the scanner did not read it.',
      ],
    ]);
    expect(readTar(tar, context(), 't.tar').map((m) => m.kind)).toEqual([
      'folder',
      'link',
      'link',
      'link',
      'other',
      'file',
      'file',
    ]);
  });

  it('counts a hard link from the top, and reads no link field on a file', () => {
    const tar = join(
      header('a/b/hard', '0', '1', '', '../x'), // from the top, ../x leaves; from a/b/ it would not
      header('a/b/file', '0', '0', '', '/etc/passwd'), // a stray link field on a plain (empty) file
      END,
    );
    expect(scan(tar).findings.map((f) => [f.kind, f.location])).toEqual([
      ['entry-name', 't.tar › "a/b/hard"'],
      ['unsupported', 't.tar › a/b/file'],
    ]);
  });

  it('reads a link target from its pax record', () => {
    const pax = '25 linkpath=../../../x\n';
    const tar = join(
      member('pax', new TextEncoder().encode(pax), 'x'),
      header('a/l', '0', '2', '', 'ok'),
      header('a/m', '0', '2', '', 'ok'), // the record was for the member after it only
      END,
    );
    expect(scan(tar).findings.map((f) => f.sentence)).toEqual([
      'The member is a link to "../../../x", which climbs out of the archive\'s folder, so extracting the archive could write outside its folder.',
    ]);
  });

  it('reads GNU long names and long link targets', () => {
    const name = `${'d/'.repeat(60)}model.pkl`;
    const tar = join(
      member('././@LongLink', new TextEncoder().encode(`${name}\0`), 'L'),
      member('short', systemCallPickle()),
      member('././@LongLink', new TextEncoder().encode(`/${'x'.repeat(150)}`), 'K'),
      header('link', '0', '2', '', 'short-target'),
      END,
    );
    expect(readTar(tar, context(), 't.tar').map((m) => m.name)).toEqual([name, 'link']);
    const result = scan(tar);
    expect(result.findings.map((f) => [f.kind, f.location.split(',')[0]])).toEqual([
      ['entry-name', 't.tar › "link"'],
      ['pickle-call', `t.tar › ${name}`],
    ]);
  });

  it('reads a SavedModel tar with its folder members listed, none of them noted', () => {
    const files = Object.entries(savedModelFolder('plain'));
    const folders = [...new Set(files.map(([p]) => p.split('/').slice(0, -1).join('/')).filter((p) => p))];
    const tar = join(...folders.map((f) => header(f, '0', '5')), ...files.map(([p, b]) => member(p, b)), END);
    expect(scan(tar)).toMatchObject({ format: 'tf-savedmodel', verdict: 'safe', findings: [] });
  });
});

describe('linkProblem', () => {
  it('follows a symbolic link from its own folder and a hard link from the top', () => {
    expect(linkProblem('a/b/l', '../x', true)).toBeNull();
    expect(linkProblem('a/b/l', './c/../../x', true)).toBeNull();
    expect(linkProblem('a/l', './../../x', true)).toBe("climbs out of the archive's folder");
    expect(linkProblem('l', 'c/../d', true)).toBeNull(); // a step down, then back up
    expect(linkProblem('a/b/l', '../../x', true)).toBeNull();
    expect(linkProblem('l', 'ab:c', true)).toBeNull(); // a colon after the first letter is no drive letter
    expect(linkProblem('a/l', './/../..', true)).toBe("climbs out of the archive's folder");
    expect(linkProblem('a/l', '../../x', true)).toBe("climbs out of the archive's folder");
    expect(linkProblem('a/b/l', '../x', false)).toBe("climbs out of the archive's folder");
    expect(linkProblem('a/b/l', 'a/x', false)).toBeNull();
    expect(linkProblem('l', '/etc/passwd', true)).toBe('is an absolute path');
    expect(linkProblem('l', '\\\\server\\share', true)).toBe('is an absolute path');
    expect(linkProblem('l', 'C:/x', true)).toBe('is an absolute path');
    expect(linkProblem('a/l', 'b\\..\\..\\..\\x', true)).toBe("climbs out of the archive's folder");
  });
});
