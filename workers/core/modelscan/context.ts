/**
 * The state one file's scan carries: its findings, its limits and its time budget. A refusal throws `ScanStop`, which
 * ends the scan of the file with that finding (the findings gathered before it are kept).
 */
import { type Finding, type FindingKind, REFUSAL_KINDS, type ScanLimits, type Verdict } from './types';

/** Ends a scan: the file is refused for the finding it carries. */
export class ScanStop extends Error {
  constructor(readonly finding: Finding) {
    super(finding.sentence);
    this.name = 'ScanStop';
  }
}

/** Milliseconds from some fixed point (performance.now in the worker and in Node). */
export type Clock = () => number;

export class ScanContext {
  readonly findings: Finding[] = [];
  private readonly seen = new Set<string>();
  private omitted = 0;
  private readonly deadline: number;
  private ticks = 0;
  /** Bytes inflated so far from compressed entries (all archives of the file together). */
  inflated = 0;
  /** HDF5 objects visited so far. */
  hdf5Objects = 0;

  constructor(
    readonly limits: ScanLimits,
    private readonly clock: Clock,
  ) {
    this.deadline = clock() + limits.timeBudgetMs;
  }

  /** Records a finding (an identical one is kept once; past `maxFindings` they are counted). */
  add(finding: Finding): void {
    const key = `${finding.kind}\u0000${finding.location}\u0000${finding.sentence}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.findings.length >= this.limits.maxFindings) this.omitted++;
    else this.findings.push(finding);
  }

  /** Refuses the file: throws ScanStop with a refusal finding. */
  refuse(
    kind: FindingKind & ('malformed' | 'limit' | 'unsupported'),
    location: string,
    sentence: string,
  ): never {
    throw new ScanStop({ severity: 'high', kind, location, sentence });
  }

  /** Checks the time budget every `every` calls (cheap enough for inner loops). */
  tick(location: string, every = 1024): void {
    if (++this.ticks % every !== 0) return;
    if (this.clock() > this.deadline) {
      this.refuse(
        'limit',
        location,
        `The scan ran past its time budget of ${this.limits.timeBudgetMs / 1000} s, so the rest of the file was not read.`,
      );
    }
  }

  /** Refuses a file whose archives (zip entries, compressed streams) would nest past the cap at `location`. */
  checkNesting(nesting: number, location: string): void {
    if (nesting + 1 > this.limits.maxNesting) {
      this.refuse(
        'limit',
        location,
        `Archives nest deeper than ${this.limits.maxNesting} levels, the cap on nesting.`,
      );
    }
  }

  /** Counts inflated bytes against the file's cap. */
  addInflated(bytes: number, location: string): void {
    this.inflated += bytes;
    if (this.inflated > this.limits.maxInflatedBytes) {
      this.refuse(
        'limit',
        location,
        `Inflating the archive's entries would take more than ${formatBytes(this.limits.maxInflatedBytes)}, the cap on inflated bytes.`,
      );
    }
  }

  /** The findings with a last line for the ones past the cap. */
  allFindings(): Finding[] {
    if (this.omitted === 0) return this.findings;
    return [
      ...this.findings,
      {
        severity: 'info',
        kind: 'limit',
        location: 'file',
        sentence: `${this.omitted} more findings were found and not listed (the list stops at ${this.limits.maxFindings}).`,
      },
    ];
  }
}

/** Whether a finding makes the file unsafe, refused, or is a note. */
export function effectOf(finding: Finding): 'unsafe' | 'refused' | 'note' {
  if (REFUSAL_KINDS.has(finding.kind)) return finding.severity === 'info' ? 'note' : 'refused';
  return finding.severity === 'critical' || finding.severity === 'high' ? 'unsafe' : 'note';
}

/** The verdict of a list of findings: unsafe over refused over safe. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let refused = false;
  for (const finding of findings) {
    const effect = effectOf(finding);
    if (effect === 'unsafe') return 'unsafe';
    if (effect === 'refused') refused = true;
  }
  return refused ? 'refused' : 'safe';
}

/** Bytes in the largest binary unit that keeps the figure ≥ 1 (e.g. `4.0 GiB`). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Whether a character code is a control, zero-width or bidirectional-override character (shown escaped). */
function isInvisible(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Text from a file in double quotes, shortened for a sentence, with quotes, backslashes and invisible characters
 * (controls, zero-width, bidirectional overrides) written as escapes so the sentence shows what the file holds. */
export function quote(text: string, max = 120): string {
  let out = '"';
  for (const ch of text.length > max ? text.slice(0, max) : text) {
    const code = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else out += isInvisible(code) ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
  }
  return `${out}${text.length > max ? '…' : ''}"`;
}
