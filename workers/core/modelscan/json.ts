/**
 * JSON from a model file, parsed under caps: the text's size and its nesting depth are checked before JSON.parse
 * sees it, so a crafted file can neither exhaust memory through one giant document nor overflow the parser's stack.
 */

import { errorText } from '../error-text';
import { decodeUtf8 } from './bytes';
import { formatBytes, type ScanContext } from './context';

/** The deepest nesting of `[` and `{` outside strings; stops counting past `cap` (returns cap + 1). */
export function jsonDepth(text: string, cap: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > cap) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Parses JSON bytes from `location` under the context's caps; refuses malformed or oversized text. */
export function parseJsonBytes(bytes: Uint8Array, ctx: ScanContext, location: string): unknown {
  if (bytes.length > ctx.limits.maxJsonBytes) {
    ctx.refuse(
      'limit',
      location,
      `The JSON is ${formatBytes(bytes.length)}, over the ${formatBytes(ctx.limits.maxJsonBytes)} cap on JSON text.`,
    );
  }
  const text = decodeUtf8(bytes);
  if (text === null) ctx.refuse('malformed', location, 'The JSON is not valid UTF-8 text.');
  return parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, ctx, location);
}

/** Parses JSON text under the depth cap (the size was capped by the caller). */
export function parseJsonText(text: string, ctx: ScanContext, location: string): unknown {
  const depth = jsonDepth(text, ctx.limits.maxJsonDepth);
  if (depth > ctx.limits.maxJsonDepth) {
    ctx.refuse(
      'limit',
      location,
      `The JSON nests deeper than ${ctx.limits.maxJsonDepth} levels, the cap on JSON depth.`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    ctx.refuse('malformed', location, `The JSON does not parse: ${errorText(error)}.`);
  }
}

/** A plain JSON object (not an array or null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `key` appended as a config path (`config.layers[1]`). */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  if (!plain) return `${base}[${JSON.stringify(key)}]`;
  return base ? `${base}.${key}` : key;
}
