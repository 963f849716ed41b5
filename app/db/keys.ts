/**
 * The browser profile's manifest signing key: an ECDSA P-256 pair created once and kept in IndexedDB. The private
 * key is generated non-extractable, and IndexedDB stores the CryptoKey itself (structured clone keeps it
 * non-extractable), so no script can read its bytes; the public key is exported as JWK for the manifest.
 */
import { exportPublicJwk, generateSigningKey } from '../../workers/core/manifest/sign';
import type { EcPublicJwk } from '../../workers/core/manifest/types';
import type { SiftDb } from './open';

export interface SigningKey {
  privateKey: CryptoKey;
  publicKeyJwk: EcPublicJwk;
}

/** The profile's signing key, created (once) on first use; concurrent first calls agree on one key. */
export async function profileSigningKey(db: SiftDb): Promise<SigningKey> {
  let stored = await db.get('signingKeys', 'default');
  if (!stored) {
    const pair = await generateSigningKey(false);
    // add() fails if another tab stored a key meanwhile: then read and use that one.
    try {
      await db.add('signingKeys', { id: 'default', ...pair, createdAt: Date.now() });
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'ConstraintError')) throw error;
    }
    stored = await db.get('signingKeys', 'default');
    if (!stored) throw new Error('The signing key could not be stored in this browser.');
  }
  return { privateKey: stored.privateKey, publicKeyJwk: await exportPublicJwk(stored.publicKey) };
}
