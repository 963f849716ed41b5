/** A small dataset ingested by the real ingest core, and its manifest, for the manifest tests (not part of the app). */
import { ingestCsv } from '../ingest/ingest';
import { DEFAULT_LIMITS, type IngestedDataset } from '../ingest/types';
import { buildManifest, type RowDecision } from './build';
import { rowsWith, subsetCsv } from './csv';
import { sha256Hex } from './hash';
import { exportPublicJwk, generateSigningKey, signManifest } from './sign';
import type { Manifest } from './types';

/** CRLF line breaks, a quoted id with a comma and an embedded line break, and a last row without a line break. */
export const CSV_TEXT =
  'id,label,a,b\r\n' +
  'r0,cat,1,2\r\n' +
  '"r1,x",dog,3,4\r\n' +
  '"r2\nmulti",cat,5,6\r\n' +
  'r3,dog,7,8\r\n' +
  'r4,cat,9,10';

export const CSV = new TextEncoder().encode(CSV_TEXT);

/** The fixture ingested with `id` as id column and `label` as label column. */
export function ingested(bytes: Uint8Array = CSV): IngestedDataset {
  return ingestCsv(bytes, 'fixture.csv', { labelColumn: 'label', idColumn: 'id' }, DEFAULT_LIMITS);
}

/**
 * An unsigned manifest of the fixture (or of `bytes`, a CSV of the same columns with at least 4 rows) with the given
 * decisions and scores on rows 0-3.
 */
export function fixtureManifest(
  decisions = new Map<number, RowDecision>(),
  bytes: Uint8Array = CSV,
): Manifest {
  const data = ingested(bytes);
  return buildManifest({
    createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    tool: { name: 'Sift', version: '0.1.0', backend: 'cpu' },
    dataset: {
      name: 'fixture',
      sha256: sha256Hex(bytes),
      labelColumn: 'label',
      idColumn: 'id',
      headerSha256: sha256Hex(bytes.subarray(0, data.headerEnd)),
      classes: data.classes,
    },
    ids: data.ids,
    labels: data.labels,
    rowSha256: data.rowSha256,
    run: { id: 'run-1', model: { kind: 'mlp', hidden: [8] }, seed: 7, epochs: 3, scoring: { q: 0.05 } },
    scores: {
      sampleRows: Int32Array.from([3, 0, 1, 2]),
      values: {
        suspicion: Float32Array.from([0.9, 0.1, 0.8, 0.2]),
        aum: Float32Array.from([1.5, -2, NaN, 0]),
      },
    },
    decisions,
  });
}

export const QUARANTINE: ReadonlyMap<number, RowDecision> = new Map([
  [1, { decision: 'quarantine', reasons: ['label', 'free text'], note: '=cmd' }],
  [3, { decision: 'quarantine', reasons: ['embedding'], note: '' }],
]);

/** `manifest` signed with a fresh key pair. */
export async function signedManifest(manifest: Manifest): Promise<Manifest> {
  const keys = await generateSigningKey();
  return signManifest(manifest, keys.privateKey, await exportPublicJwk(keys.publicKey));
}

/** The clean CSV of `manifest` over the file `bytes` (default the fixture): the header and the kept rows. */
export function cleanCsvOf(manifest: Manifest, bytes: Uint8Array = CSV): Uint8Array {
  const data = ingested(bytes);
  const quarantined = new Set(manifest.samples.filter((s) => s.decision === 'quarantine').map((s) => s.row));
  return subsetCsv(
    bytes,
    data,
    rowsWith(data.ids.length, (r) => quarantined.has(r), 'keep'),
  );
}
