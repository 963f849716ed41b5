/**
 * The zod schema of an imported manifest: a dropped file is untrusted input. Wrong types, oversized arrays and
 * strings, and prototype-polluting keys (`__proto__`, `constructor`, `prototype`) are refused with a message naming
 * the path, before any field is used.
 */
import { z } from 'zod';
import type { Manifest } from './types';

// Zod 4 probes for eval with `Function('')` to compile fast parsers; the page's CSP forbids eval, so the probe is
// blocked and reported as a violation (in the review worker too). Jitless parsing never calls it.
z.config({ jitless: true });

/** Most samples a manifest may list (a 2,000,000-row dataset); more is refused rather than held in memory. */
export const MAX_SAMPLES = 2_000_000;
const MAX_TEXT = 10_000;
const MAX_REASONS = 64;
const MAX_SCORES = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const text = z.string().max(MAX_TEXT);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url text');

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    text,
    z.array(jsonValue).max(10_000),
    z.record(text, jsonValue),
  ]),
);

const sample = z.strictObject({
  id: text,
  row: z.number().int().nonnegative(),
  sha256: hex64,
  label: text,
  decision: z.enum(['keep', 'quarantine']),
  reasons: z.array(text).max(MAX_REASONS),
  scores: z.record(text, z.number().nullable()).refine((s) => Object.keys(s).length <= MAX_SCORES, {
    message: `at most ${MAX_SCORES} scores per sample`,
  }),
  note: text,
});

const signature = z.strictObject({
  alg: z.literal('ECDSA-P256-SHA256'),
  publicKeyJwk: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url, y: b64url }),
  keyId: b64url,
  value: b64url,
  locator: z.record(z.string().max(200), z.string().regex(/^[0-9a-f]{12}$/)),
  locatorValue: b64url,
});

export const manifestSchema = z.strictObject({
  format: z.literal('sift-manifest/1'),
  createdAt: text,
  tool: z.strictObject({ name: text, version: text, backend: text, tfjs: text.optional() }),
  dataset: z.strictObject({
    name: text,
    sha256: hex64,
    rows: z.number().int().nonnegative(),
    labelColumn: text,
    idColumn: text.nullable(),
    headerSha256: hex64.optional(),
    images: z
      .strictObject({
        layout: z.enum(['class-folders', 'labels-csv']),
        height: z.number().int().positive().max(4096),
        width: z.number().int().positive().max(4096),
        channels: z.number().int().positive().max(4),
      })
      .optional(),
  }),
  run: z
    .strictObject({
      id: text,
      model: jsonValue,
      seed: z.number(),
      epochs: z.number().int().nonnegative(),
      scoring: jsonValue,
    })
    .nullable(),
  summary: z.strictObject({
    kept: z.number().int().nonnegative(),
    quarantined: z.number().int().nonnegative(),
  }),
  samples: z.array(sample).max(MAX_SAMPLES),
  calibration: jsonValue.optional(),
  signature: signature.optional(),
});

/** The first prototype-polluting key in parsed JSON, as a path, or null. */
function forbiddenKey(value: unknown, path: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKey(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return at;
    const found = forbiddenKey((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return null;
}

export type ParseResult = { ok: true; manifest: Manifest } | { ok: false; problems: string[] };

/** Parses manifest text: JSON, then forbidden keys, then the schema; each refusal names where. */
export function parseManifest(textIn: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(textIn);
  } catch (error) {
    return {
      ok: false,
      problems: [`manifest is not valid JSON: ${error instanceof Error ? error.message : error}`],
    };
  }
  const forbidden = forbiddenKey(raw, '');
  if (forbidden) return { ok: false, problems: [`manifest holds a forbidden key at "${forbidden}"`] };
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues
        .slice(0, 20)
        .map((issue) => `manifest field "${issue.path.map(String).join('.')}": ${issue.message}`),
    };
  }
  return { ok: true, manifest: parsed.data as Manifest };
}
