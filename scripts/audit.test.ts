import { describe, expect, it } from 'vitest';
import { judgeAudit, report } from './audit';

/** `npm audit --omit=dev --audit-level=high --json` on this machine (npm 11.6, 26 Nov 2026), stdout and stderr. */
const REFUSED_405 = {
  stdout: JSON.stringify({
    message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    method: 'POST',
    uri: 'https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    headers: { allow: ['GET,HEAD'], date: ['Thu, 26 Nov 2026 04:21:17 GMT'], 'content-length': ['0'] },
    statusCode: 405,
    body: '',
    error: { summary: '', detail: '' },
  }),
  stderr: [
    'npm warn audit 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    'npm error audit endpoint returned an error',
    'npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-26T04_21_12_745Z-debug-0.log',
  ].join('\n'),
};

const ZERO = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 };

/** A report in npm's v2 shape (auditReportVersion 2), as npm 7 and later print it. */
function auditReport(vulnerabilities: Record<string, unknown>, counts: Partial<typeof ZERO> = {}): string {
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities,
    metadata: {
      vulnerabilities: { ...ZERO, ...counts },
      dependencies: { prod: 131, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 130 },
    },
  });
}

const MINIMIST = {
  name: 'minimist',
  severity: 'critical',
  isDirect: false,
  via: [
    {
      source: 1096271,
      name: 'minimist',
      dependency: 'minimist',
      title: 'Prototype Pollution in minimist',
      url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      severity: 'critical',
      cwe: ['CWE-1321'],
      range: '<0.2.4',
    },
  ],
  effects: ['mkdirp'],
  range: '<=0.2.3',
  nodes: ['node_modules/minimist'],
  fixAvailable: true,
};
const MKDIRP = {
  ...MINIMIST,
  name: 'mkdirp',
  via: ['minimist'],
  effects: [],
  nodes: ['node_modules/mkdirp'],
};
const NANOID = { ...MINIMIST, name: 'nanoid', severity: 'moderate', via: [{ title: 'Predictable results' }] };

describe('judgeAudit', () => {
  it('reads the 405 refusal of this registry as "not run", never as a pass', () => {
    const verdict = judgeAudit(REFUSED_405.stdout, REFUSED_405.stderr);
    expect(verdict.kind).toBe('not-run');
    expect(verdict.kind === 'not-run' && verdict.reason).toContain('405 Method Not Allowed');
    const { lines, exitCode } = report(verdict);
    expect(exitCode).toBe(0);
    expect(lines.join('\n')).toContain('DEPENDENCY AUDIT NOT RUN');
    expect(lines.join('\n')).toContain('NOT a pass');
    expect(lines.join('\n')).not.toMatch(/passed/i);
  });

  it('reads the refusal from stderr alone when stdout is empty', () => {
    const verdict = judgeAudit('', REFUSED_405.stderr);
    expect(verdict).toEqual({
      kind: 'not-run',
      reason:
        'npm said: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    });
  });

  it('reads an unreachable registry as "not run"', () => {
    const stdout = JSON.stringify({
      error: { code: 'ENOTFOUND', summary: 'request to https://registry.npmjs.org failed', detail: '' },
    });
    const verdict = judgeAudit(stdout, '');
    expect(verdict.kind).toBe('not-run');
    expect(verdict.kind === 'not-run' && verdict.reason).toContain('ENOTFOUND');
  });

  it('passes a clean report, and one whose findings are all below high', () => {
    expect(judgeAudit(auditReport({}), '')).toMatchObject({ kind: 'clean', total: 0 });
    const moderate = judgeAudit(auditReport({ nanoid: NANOID }, { moderate: 1, total: 1 }), '');
    expect(moderate).toMatchObject({ kind: 'clean', total: 1 });
    expect(report(moderate).exitCode).toBe(0);
  });

  it('fails a report with findings at high or above, naming the packages and advisories', () => {
    const verdict = judgeAudit(
      auditReport(
        { minimist: MINIMIST, mkdirp: MKDIRP, nanoid: NANOID },
        { moderate: 1, critical: 2, total: 3 },
      ),
      '',
    );
    expect(verdict.kind).toBe('findings');
    if (verdict.kind !== 'findings') return;
    expect(verdict.findings.map((f) => [f.name, f.severity, f.via])).toEqual([
      ['minimist', 'critical', ['Prototype Pollution in minimist']],
      ['mkdirp', 'critical', ['minimist']],
    ]);
    const { lines, exitCode } = report(verdict);
    expect(exitCode).toBe(1);
    expect(lines[0]).toContain('FAILED');
  });

  it('fails when npm counts high findings it does not list', () => {
    const verdict = judgeAudit(auditReport({}, { high: 2, total: 2 }), '');
    expect(verdict.kind).toBe('findings');
    expect(report(verdict).exitCode).toBe(1);
  });

  it('fails output it cannot read', () => {
    const outputs: [stdout: string, stderr: string][] = [
      ['', ''],
      ['<html>502 Bad Gateway</html>', ''],
      ['{"unexpected": true}', 'npm error something else broke'],
    ];
    for (const [stdout, stderr] of outputs) {
      const verdict = judgeAudit(stdout, stderr);
      expect(verdict.kind).toBe('unreadable');
      expect(report(verdict).exitCode).toBe(2);
    }
  });
});
