/** Hashing and encoding helpers of the manifest: hex and base64url, synchronous SHA-256 (@noble/hashes). */
import { sha256 } from '@noble/hashes/sha2.js';

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}

/** Hex SHA-256 of bytes, or of a string's UTF-8 bytes. */
export function sha256Hex(data: Uint8Array | string): string {
  return hex(sha256(typeof data === 'string' ? new TextEncoder().encode(data) : data));
}

/** Hex of the 32-byte digest of row `row` in a rows × 32 digest array (as ingest stores `rowSha256`). */
export function rowDigestHex(rowSha256: Uint8Array, row: number): string {
  return hex(rowSha256.subarray(row * 32, row * 32 + 32));
}

/** Base64url without padding (RFC 4648 §5), as JWK and JWS use. */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional); throws on characters outside the alphabet. */
export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url text');
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
