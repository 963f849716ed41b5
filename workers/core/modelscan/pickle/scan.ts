/**
 * Scans pickle bytes: every pickle in the stream (pickle.load reads them one after another), every byte string in
 * them that is itself a pickle, and a finding for each global that is not a data-only constructor.
 */
import { ByteReader } from '../bytes';
import { type ScanContext, ScanStop } from '../context';
import { isAllowedGlobal, isDangerousGlobal } from './allowlist';
import { type GlobalUse, type PickleTrace, tracePickle } from './machine';

/** A summary of what the pickles held, for the callers that check structure (PyTorch). */
export interface PickleSummary {
  pickles: number;
  globals: Set<string>;
  /** Where the last pickle read ended. */
  end: number;
}

export interface PickleOptions {
  /** The pickle is part of a TorchScript archive (it has code/). */
  torchscript?: boolean;
}

/** Whether bytes at `offset` open a protocol 2–5 pickle (PROTO n). */
export function opensPickle(bytes: Uint8Array, offset = 0): boolean {
  return bytes[offset] === 0x80 && (bytes[offset + 1] as number) >= 2 && (bytes[offset + 1] as number) <= 5;
}

/**
 * Scans `count` pickles from the start of `bytes` (all of them when `count` is omitted, as pickle.load would read
 * them in turn), reporting findings to the context; `nesting` counts the archives and pickles around these bytes.
 */
export function scanPickles(
  bytes: Uint8Array,
  ctx: ScanContext,
  where: string,
  nesting: number,
  count?: number,
  options: PickleOptions = {},
): PickleSummary {
  const r = new ByteReader(bytes, ctx, where);
  const summary: PickleSummary = { pickles: 0, globals: new Set(), end: 0 };
  let offset = 0;
  while (offset < bytes.length && (count === undefined || summary.pickles < count)) {
    let trace: PickleTrace;
    if (summary.pickles > 0 && count === undefined && !opensPickle(bytes, offset)) {
      // Bytes after a STOP that do not open a protocol 2+ pickle: a second pickle.load would still read them, so a
      // protocol 0/1 pickle there is scanned; anything else is noted as data.
      const second = traceOrNull(r, offset);
      if (!second) {
        ctx.add({
          severity: 'medium',
          kind: 'trailing-data',
          location: `${where}, byte ${offset}`,
          sentence: `${bytes.length - offset} bytes follow the pickle's STOP and are not a pickle; pickle.load ignores them, but a program that reads on could treat them as data.`,
        });
        break;
      }
      trace = second;
    } else trace = tracePickle(r, offset, true);
    report(trace, ctx, where, options);
    if (trace.arrays > 0) readByPickleLoad(r, offset, trace, ctx, where, options);
    for (const name of trace.globals.keys()) summary.globals.add(name);
    scanNested(bytes, trace, ctx, where, nesting);
    summary.pickles++;
    offset = trace.end;
  }
  summary.end = offset;
  return summary;
}

function report(trace: PickleTrace, ctx: ScanContext, where: string, options: PickleOptions): void {
  for (const use of trace.globals.values()) {
    if (isAllowedGlobal(use.name)) continue;
    // TorchScript's own unpickler maps `__torch__.*` to classes compiled from the archive's code/ (noted once by
    // torch.ts); Python's pickle never imports them from such an archive.
    if (options.torchscript && use.name.startsWith('__torch__.')) continue;
    ctx.add(globalFinding(use, where));
  }
  for (const act of trace.opaque) {
    ctx.add({
      severity: 'critical',
      kind: 'pickle-call',
      location: `${where}, byte ${act.at}`,
      sentence: act.sentence,
    });
  }
}

function offsets(list: number[]): string {
  return list.length === 1 ? `byte ${list[0]}` : `bytes ${list.join(', ')}`;
}

function globalFinding(use: GlobalUse, where: string) {
  const dangerous = isDangerousGlobal(use.name);
  const how =
    use.calledAt.length > 0
      ? ` and calls it (${offsets(use.calledAt)})`
      : use.builtAt.length > 0
        ? ` and sets state on what it makes (${offsets(use.builtAt)})`
        : '';
  const why = dangerous
    ? 'unpickling imports it and can run commands, code or file and network access through it'
    : 'it is not a data-only constructor on the allowlist, so loading imports its module and runs its code';
  return {
    severity: dangerous ? ('critical' as const) : ('high' as const),
    kind: use.calledAt.length > 0 ? ('pickle-call' as const) : ('pickle-global' as const),
    location: `${where}, byte ${use.importedAt[0]}`,
    sentence: `The pickle imports ${use.name} (${offsets(use.importedAt)})${how}; ${why}.`,
    references: [use.name],
  };
}

/**
 * A joblib file read with pickle.load instead of joblib.load: pickle.load reads an array's data as opcodes, so a file
 * can hold a second program there that joblib.load never runs. Its globals and calls that the joblib reading did not
 * have are reported as pickle.load's; array data that is no well-formed pickle (every real array's) is not.
 */
function readByPickleLoad(
  r: ByteReader,
  offset: number,
  joblib: PickleTrace,
  ctx: ScanContext,
  where: string,
  options: PickleOptions,
): void {
  const plain = traceOrNull(r, offset);
  if (!plain) return;
  const seen = new Set(joblib.opaque.map((o) => o.at));
  const extra: PickleTrace = {
    ...plain,
    globals: new Map([...plain.globals].filter(([name]) => !joblib.globals.has(name))),
    opaque: plain.opaque.filter((o) => !seen.has(o.at)),
  };
  report(extra, ctx, `${where} read with pickle.load, not joblib.load`, options);
}

/** The trace of a pickle at `offset`, or null when the bytes there are not a well-formed pickle. */
function traceOrNull(r: ByteReader, offset: number): PickleTrace | null {
  try {
    return tracePickle(r, offset);
  } catch (error) {
    if (error instanceof ScanStop && error.finding.kind === 'malformed') return null; // data, not a pickle
    throw error;
  }
}

/** Scans byte strings that are themselves pickles; one that does not parse as a pickle is data. */
function scanNested(
  bytes: Uint8Array,
  trace: PickleTrace,
  ctx: ScanContext,
  where: string,
  nesting: number,
): void {
  for (const [at, length] of trace.byteStrings) {
    if (!opensPickle(bytes, at)) continue;
    const inner = bytes.subarray(at, at + length);
    const innerWhere = `${where} › pickle inside the byte string at byte ${at}`;
    if (nesting + 1 > ctx.limits.maxNesting) {
      ctx.refuse(
        'limit',
        innerWhere,
        `Pickles nest deeper than ${ctx.limits.maxNesting} levels, the cap on nesting.`,
      );
    }
    try {
      scanPickles(inner, ctx, innerWhere, nesting + 1, 1);
    } catch (error) {
      // A byte string that only starts like a pickle (tensor data) is data; a cap that was hit still refuses.
      if (!(error instanceof ScanStop) || error.finding.kind !== 'malformed') throw error;
    }
  }
}
