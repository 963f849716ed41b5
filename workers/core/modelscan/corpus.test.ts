import { describe, expect, it } from 'vitest';
import { effectOf } from './context';
import { CORPUS } from './corpus/index';
import { assemble, type Op } from './corpus/pickle';
import { scanModelFile, scanModelFileHashed } from './scan';

describe('the model-file corpus', () => {
  for (const file of CORPUS) {
    it(`${file.name} is ${file.expect}${file.because ? ` (${file.because})` : ''}`, () => {
      const result = scanModelFile(file.name, file.bytes());
      expect(result.verdict).toBe(file.expect);
      if (file.because) {
        const explaining = result.findings.filter((f) => f.kind === file.because && effectOf(f) !== 'note');
        expect(explaining.length).toBeGreaterThan(0);
      } else {
        expect(result.findings.filter((f) => effectOf(f) !== 'note')).toEqual([]);
      }
      for (const finding of result.findings) {
        expect(finding.location.length).toBeGreaterThan(0);
        expect(finding.sentence).toMatch(/^[A-Z0-9"].*[.)]$/s);
      }
    });
  }

  it('never calls a plain model unsafe and never lets a hostile one pass as safe', () => {
    const wrong = CORPUS.filter((f) => scanModelFile(f.name, f.bytes()).verdict !== f.expect).map(
      (f) => f.name,
    );
    expect(wrong).toEqual([]);
    expect(CORPUS.filter((f) => f.expect === 'safe').length).toBeGreaterThanOrEqual(10);
    expect(CORPUS.filter((f) => f.expect === 'unsafe').length).toBeGreaterThanOrEqual(30);
  });

  it('hashes the file and reports its size', () => {
    const result = scanModelFile('x.pkl', new Uint8Array([0x80, 0x02, 0x4e, 0x2e]));
    // sha256 of 80 02 4e 2e, from Python's hashlib.
    expect(result.sha256).toBe('e71559db7df35982f168ca0bd6d35a0270e621095a7bfd0c3a1773ed09ae1a44');
    expect(result.bytes).toBe(4);
    expect(result.verdict).toBe('safe');
  });

  it('gives the same SHA-256 through WebCrypto (what the worker and the CLI use)', async () => {
    const result = await scanModelFileHashed('x.pkl', new Uint8Array([0x80, 0x02, 0x4e, 0x2e]));
    expect(result.sha256).toBe('e71559db7df35982f168ca0bd6d35a0270e621095a7bfd0c3a1773ed09ae1a44');
  });

  it('refuses a file over the time budget instead of passing it', () => {
    let now = 0;
    const clock = () => {
      now += 1000;
      return now;
    };
    const ops: Op[] = [['PROTO', 2]];
    for (let i = 0; i < 20_000; i++) ops.push(['NONE'], ['POP']);
    ops.push(['NONE'], ['STOP']);
    const result = scanModelFile('slow.pkl', assemble(ops), { clock, limits: { timeBudgetMs: 5 } });
    expect(result.verdict).toBe('refused');
    expect(result.findings.at(-1)?.sentence).toContain('time budget');
  });
});
