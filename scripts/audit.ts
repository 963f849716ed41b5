/**
 * The dependency audit of `npm test`: runs `npm audit --omit=dev --audit-level=high --json` and judges its output.
 * Findings at high or above fail (exit 1). When the registry's audit endpoint cannot be reached or refuses the request
 * (some registries and mirrors answer 405 to the bulk advisory POST), the audit did NOT run: that is said loudly, never
 * reported as a pass, and is the one case that exits 0 without a report, so an offline machine can still run the rest
 * of the tests. Output that is neither a report nor a known refusal fails (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** npm's severities, lowest first. */
export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One vulnerable package of the report at or above the level. */
export interface Finding {
  name: string;
  severity: Severity;
  /** Advisory titles (direct advisories only; a package vulnerable through another names it instead). */
  via: string[];
}

/** What the audit's output means. */
export type AuditVerdict =
  | { kind: 'clean'; total: number; counts: Record<Severity, number> }
  | { kind: 'findings'; findings: Finding[]; counts: Record<Severity, number> }
  | { kind: 'not-run'; reason: string }
  | { kind: 'unreadable'; reason: string };

/** Network failures for which npm had no answer from the registry at all. */
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_TIMEOUT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: npm printed something else (an old npm, a crash); the caller says so.
    return undefined;
  }
}

/**
 * Judges `npm audit --json`'s stdout (and stderr, which carries the reason when stdout is empty), failing findings at
 * `level` or above.
 */
export function judgeAudit(stdout: string, stderr: string, level: Severity = 'high'): AuditVerdict {
  const parsed = parseJson(stdout.trim());
  if (isRecord(parsed) && isRecord(parsed.vulnerabilities) && 'auditReportVersion' in parsed) {
    return judgeReport(parsed.vulnerabilities, parsed.metadata, level);
  }
  const refusal = refusalOf(parsed, stderr);
  if (refusal) return { kind: 'not-run', reason: refusal };
  const head = (stdout.trim() || stderr.trim()).slice(0, 300);
  return { kind: 'unreadable', reason: head ? `unexpected output: ${head}` : 'npm audit printed nothing' };
}

function judgeReport(
  vulnerabilities: Record<string, unknown>,
  metadata: unknown,
  level: Severity,
): AuditVerdict {
  const floor = SEVERITIES.indexOf(level);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const findings: Finding[] = [];
  for (const [name, entry] of Object.entries(vulnerabilities)) {
    if (!isRecord(entry)) continue;
    // An entry whose severity npm did not name is taken as critical: never let an unknown pass.
    const severity = isSeverity(entry.severity) ? entry.severity : 'critical';
    counts[severity]++;
    if (SEVERITIES.indexOf(severity) < floor) continue;
    const via = Array.isArray(entry.via)
      ? entry.via.map((v) => (isRecord(v) && typeof v.title === 'string' ? v.title : String(v)))
      : [];
    findings.push({ name, severity, via });
  }
  // The metadata's counts are npm's own summary: if they say more than the entries, trust them (and fail).
  const summary = isRecord(metadata) && isRecord(metadata.vulnerabilities) ? metadata.vulnerabilities : {};
  let hiddenAtLevel = 0;
  for (const s of SEVERITIES) {
    const n = summary[s];
    if (typeof n === 'number' && n > counts[s]) {
      if (SEVERITIES.indexOf(s) >= floor) hiddenAtLevel += n - counts[s];
      counts[s] = n;
    }
  }
  if (hiddenAtLevel > 0)
    findings.push({
      name: '(counted by npm, not listed)',
      severity: 'critical',
      via: [`${hiddenAtLevel} more`],
    });
  if (findings.length) return { kind: 'findings', findings, counts };
  return { kind: 'clean', total: SEVERITIES.reduce((t, s) => t + counts[s], 0), counts };
}

/** Why npm could not get an answer from the audit endpoint, or null when the output is no such refusal. */
function refusalOf(parsed: unknown, stderr: string): string | null {
  if (isRecord(parsed)) {
    // An HTTP error from the endpoint: npm prints the response (statusCode, message) as the JSON body.
    if (typeof parsed.statusCode === 'number') {
      const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${parsed.statusCode}`;
      return `the registry's audit endpoint refused the request (${message})`;
    }
    const error = isRecord(parsed.error) ? parsed.error : null;
    const code = error && typeof error.code === 'string' ? error.code : null;
    if (code && (UNREACHABLE_CODES.has(code) || /^E\d{3}$/.test(code))) {
      const summary = error && typeof error.summary === 'string' && error.summary ? `: ${error.summary}` : '';
      return `the registry's audit endpoint did not answer (${code}${summary})`;
    }
  }
  // With nothing usable on stdout, npm's own words on stderr: "npm warn audit <why>", "audit endpoint returned an error".
  if (/audit endpoint returned an error/.test(stderr)) {
    const why = stderr.split('\n').find((l) => l.startsWith('npm warn audit '));
    return `npm said: ${why ? why.slice('npm warn audit '.length).trim() : 'the audit endpoint returned an error'}`;
  }
  const code = [...UNREACHABLE_CODES].find((c) => stderr.includes(c));
  if (code) return `the registry's audit endpoint could not be reached (${code})`;
  return null;
}

/** The lines to print for a verdict, and the exit code. */
export function report(
  verdict: AuditVerdict,
  level: Severity = 'high',
): { lines: string[]; exitCode: number } {
  const counts = (c: Record<Severity, number>) =>
    SEVERITIES.map((s) => `${s} ${c[s]}`)
      .reverse()
      .join(', ');
  switch (verdict.kind) {
    case 'clean':
      return {
        lines: [
          `audit: passed: no production dependency has a known vulnerability at ${level} or above (${counts(verdict.counts)}).`,
        ],
        exitCode: 0,
      };
    case 'findings':
      return {
        lines: [
          `audit: FAILED: ${verdict.findings.length} production dependencies have known vulnerabilities at ${level} or above (${counts(verdict.counts)}):`,
          ...verdict.findings.map((f) => `  ${f.severity.padEnd(8)} ${f.name}: ${f.via.join('; ')}`),
          'Run `npm audit --omit=dev` for the advisories and fixes.',
        ],
        exitCode: 1,
      };
    case 'not-run': {
      const bar = '!'.repeat(100);
      return {
        lines: [
          bar,
          `!!! DEPENDENCY AUDIT NOT RUN: ${verdict.reason}.`,
          '!!! Nothing was checked: this is NOT a pass. Run `npm audit --omit=dev --audit-level=high` where the',
          '!!! registry answers (a network with access to registry.npmjs.org) before you release.',
          bar,
        ],
        exitCode: 0,
      };
    }
    case 'unreadable':
      return {
        lines: [`audit: FAILED: could not read npm audit's output (${verdict.reason}).`],
        exitCode: 2,
      };
    default:
      return verdict satisfies never;
  }
}

/** Runs the audit and exits with its verdict. */
function main(): void {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const verdict: AuditVerdict = run.error
    ? run.error.message.includes('ETIMEDOUT')
      ? { kind: 'not-run', reason: 'npm audit got no answer within 120 s (ETIMEDOUT)' }
      : { kind: 'unreadable', reason: `could not run npm: ${run.error.message}` }
    : judgeAudit(run.stdout, run.stderr);
  const { lines, exitCode } = report(verdict);
  for (const line of lines) (exitCode === 0 && verdict.kind === 'clean' ? console.log : console.error)(line);
  process.exitCode = exitCode;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
