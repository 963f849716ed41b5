/**
 * Verification of dropped export files: a manifest (told by its content, wherever it was dropped) and the clean CSV
 * dropped with it, checked in the review worker; the verification screen shows the outcome.
 */
import type { StateCreator } from 'zustand';
import type { VerifyOutcome } from '../../workers/review.api';

export type VerifyState =
  | { kind: 'idle' }
  | { kind: 'checking'; manifestName: string; cleanName: string | null }
  | { kind: 'done'; manifestName: string; cleanName: string | null; outcome: VerifyOutcome }
  | { kind: 'failed'; manifestName: string; message: string };

export interface VerifySlice {
  verify: VerifyState;
  setVerify: (verify: VerifyState) => void;
}

/** The verification slice of the app store. */
export const createVerifySlice: StateCreator<VerifySlice, [], [], VerifySlice> = (set) => ({
  verify: { kind: 'idle' },
  setVerify: (verify) => set({ verify }),
});
