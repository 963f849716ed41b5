/** The stored shape of review decisions and of the profile's signing key. */
import type { LogEntry } from '../../workers/core/review/decision-log';
import type { DatasetId } from './ids';

/** The current decision on one row of a dataset. */
export interface DecisionRecord {
  datasetId: DatasetId;
  row: number;
  decision: 'quarantine' | 'keep';
  reasons: string[];
  note: string;
  /** Milliseconds since the epoch of the log entry that set it. */
  at: number;
}

/** One entry of a dataset's append-only decision log. */
export interface DecisionLogRecord extends LogEntry {
  datasetId: DatasetId;
}

/** The browser profile's signing key pair; the private key is a non-extractable CryptoKey (structured clone). */
export interface SigningKeyRecord {
  id: 'default';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  createdAt: number;
}
