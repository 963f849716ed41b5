/**
 * Canonical JSON, the bytes a manifest signature covers. Modelled on RFC 8785 (JSON Canonicalization Scheme):
 * object keys sorted by UTF-16 code units (JavaScript's default sort, as RFC 8785 §3.2.3 requires), no whitespace,
 * numbers and strings exactly as `JSON.stringify` writes them (ECMAScript number serialisation, RFC 8785 §3.2.2.3).
 * Differences from RFC 8785, on purpose: non-finite numbers, `undefined` values, bigints, functions and non-plain
 * objects (typed arrays, Dates, Maps) are refused with an error instead of being coerced, so a manifest never
 * signs a value that would read back as something else. A property whose value is `undefined` is refused too:
 * JSON.stringify would drop it silently, and the signer and verifier could then disagree on what was signed.
 */

/** Why a value cannot be written as canonical JSON, with the path to it (e.g. `samples[3].scores.aum`). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`Cannot write ${path || 'the value'} as canonical JSON: ${reason}.`);
    this.name = 'CanonicalJsonError';
  }
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, path: string, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a finite number`);
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          write(value[i], `${path}[${i}]`, out);
        }
        out.push(']');
        return;
      }
      if (!isPlainObject(value)) {
        throw new CanonicalJsonError(
          path,
          `a ${value.constructor?.name ?? 'non-plain'} object is not JSON data`,
        );
      }
      const keys = Object.keys(value).sort();
      out.push('{');
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (i > 0) out.push(',');
        out.push(JSON.stringify(key), ':');
        write(value[key], path ? `${path}.${key}` : key, out);
      }
      out.push('}');
      return;
    }
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} is not JSON data`);
  }
}

/** Canonical JSON text of `value` (sorted keys, no whitespace); throws CanonicalJsonError on non-JSON values. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}

/** UTF-8 bytes of the canonical JSON of `value`: what a signature signs. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
