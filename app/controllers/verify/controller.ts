/**
 * Verification of dropped export files. A dropped file is told by its first bytes, not its name
 * (workers/core/review/drop-kind.ts): a manifest, wherever it is dropped, opens the verification screen with the
 * clean CSV dropped beside it; anything else goes back to the caller (the CSV import on the start screen). The check
 * itself runs in the review worker (`check`).
 */

import { errorText } from '../../../workers/core/error-text';
import {
  DROP_HEAD_BYTES,
  type DropKind,
  dropKind,
  verificationPair,
} from '../../../workers/core/review/drop-kind';
import type { VerifyOutcome } from '../../../workers/review.api';
import type { AppStore } from '../../state/store';

export type CheckManifest = (manifestText: string, cleanCsv: Uint8Array | null) => Promise<VerifyOutcome>;

/** The kind of each file, read from its head. */
export async function kindsOf(files: readonly File[]): Promise<Array<{ file: File; kind: DropKind }>> {
  return Promise.all(
    files.map(async (file) => ({
      file,
      kind: dropKind(new Uint8Array(await file.slice(0, DROP_HEAD_BYTES).arrayBuffer())),
    })),
  );
}

export class VerifyController {
  constructor(
    private readonly store: AppStore,
    private readonly check: CheckManifest,
  ) {}

  /**
   * Verifies the dropped files when one is a manifest (resolves true); else resolves false and leaves them to the
   * caller.
   */
  async route(files: readonly File[]): Promise<boolean> {
    const pair = verificationPair(await kindsOf(files));
    if (!pair) return false;
    await this.verifyFiles(pair.manifest, pair.clean);
    return true;
  }

  /** Verifies a manifest (and its clean CSV when given) and shows the outcome on the verification screen. */
  async verifyFiles(manifest: File, clean: File | null): Promise<void> {
    const state = this.store.getState();
    const names = { manifestName: manifest.name, cleanName: clean?.name ?? null };
    state.setVerify({ kind: 'checking', ...names });
    state.go({ kind: 'verify' });
    state.beginWork();
    try {
      const text = await manifest.text();
      const csv = clean ? new Uint8Array(await clean.arrayBuffer()) : null;
      const outcome = await this.check(text, csv);
      this.store.getState().setVerify({ kind: 'done', ...names, outcome });
    } catch (error) {
      this.store
        .getState()
        .setVerify({ kind: 'failed', manifestName: manifest.name, message: errorText(error) });
    } finally {
      this.store.getState().endWork();
    }
  }
}
