/** The manifest format (DESIGN §5): the signed record of a review, exported as `*.manifest.json`. */

/** JSON data as canonical JSON accepts it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const MANIFEST_FORMAT = 'sift-manifest/1';
export const SIGNATURE_ALG = 'ECDSA-P256-SHA256';

export type Decision = 'keep' | 'quarantine';

/** One row of the dataset in the manifest. */
export interface ManifestSample {
  id: string;
  /** 0-based data row of the stored dataset. */
  row: number;
  /** Hex SHA-256 of the row's original text (the bytes between its line breaks). */
  sha256: string;
  label: string;
  decision: Decision;
  reasons: string[];
  /** Scores by name (null where a score is not finite); empty for rows that were not scored (validation rows). */
  scores: Record<string, number | null>;
  note: string;
}

/** The public part of an EC P-256 key, as JWK (RFC 7517). */
export interface EcPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * The signature block. `value` signs the canonical JSON of the manifest without `signature`. `locator` maps each
 * leaf path outside `samples`, and each `samples[i]`, to the first 12 hex digits of the SHA-256 of its canonical
 * JSON; `locatorValue` signs the canonical JSON of `locator`. It adds no security (the main signature covers
 * everything): it lets a verifier say WHICH field changed when the main signature fails.
 */
export interface ManifestSignature {
  alg: typeof SIGNATURE_ALG;
  publicKeyJwk: EcPublicJwk;
  /** RFC 7638 thumbprint of the public key (base64url SHA-256). */
  keyId: string;
  /** Base64url of the IEEE P1363 signature (r ‖ s, 64 bytes), as WebCrypto produces it. */
  value: string;
  locator: Record<string, string>;
  locatorValue: string;
}

/**
 * What made the manifest: Sift's name and version, and the tfjs backend the scores ran on (DESIGN §5), plus tfjs's
 * version (issue 6; optional, so manifests written before it still verify).
 */
export interface ManifestTool {
  name: string;
  version: string;
  backend: string;
  tfjs?: string;
}

/** What an image dataset's manifest adds: where the labels came from and the shape the model saw. */
export interface ManifestImages {
  layout: 'class-folders' | 'labels-csv';
  height: number;
  width: number;
  channels: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** ISO 8601 UTC. */
  createdAt: string;
  tool: ManifestTool;
  /**
   * `headerSha256` (hex SHA-256 of the header row's original text) is an addition to DESIGN §5: without it a
   * verifier could not check the clean CSV's header. An image dataset has no header; it has `images` instead, and
   * its samples' ids are file paths and their `sha256` each file's (both optional, so older manifests verify).
   */
  dataset: {
    name: string;
    sha256: string;
    rows: number;
    labelColumn: string;
    idColumn: string | null;
    headerSha256?: string;
    images?: ManifestImages;
  };
  run: { id: string; model: JsonValue; seed: number; epochs: number; scoring: JsonValue } | null;
  summary: { kept: number; quarantined: number };
  samples: ManifestSample[];
  /**
   * How the suspicion was calibrated on canaries (issue 10): the canary seed, kinds, rates and draws, the fused
   * model's parameters, the estimate and the measured recalls. Absent when the suspicion was not calibrated (and in
   * manifests written before it existed).
   */
  calibration?: JsonValue;
  signature?: ManifestSignature;
}
