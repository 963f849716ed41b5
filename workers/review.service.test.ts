import { describe, expect, it } from 'vitest';
import { rowsWith, subsetCsv } from './core/manifest/csv';
import { sha256Hex } from './core/manifest/hash';
import { exportPublicJwk, generateSigningKey } from './core/manifest/sign';
import { CSV, ingested } from './core/manifest/test-fixture';
import { DEFAULT_QUERY } from './core/review/table';
import { packIds } from './ingest.api';
import type { ReviewLoad } from './review.api';
import { createReviewService } from './review.service';

function loadInput(): ReviewLoad {
  const data = ingested();
  return {
    rows: 5,
    idText: packIds(data.ids),
    labels: data.labels,
    sampleRows: Int32Array.from([0, 1, 2, 3]),
    suggested: Int32Array.from([-1, 0, -1, -1]),
    suspicion: Float32Array.from([0.1, 0.9, 0.3, 0.7]),
    flags: [Uint8Array.from([0, 1, 0, 0]), Uint8Array.from([0, 0, 0, 1])],
    labelIssue: Uint8Array.from([0, 1, 0, 0]),
    anomalousRows: Int32Array.from([2]),
    scores: { aum: Float32Array.from([1, 2, 3, 4]) },
    embeddings: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3.5]),
    embeddingDim: 2,
    confidence: Float32Array.from([0.9, 0.2, 0.8, 0.5]),
    variability: Float32Array.from([0.1, 0.3, 0.1, 0.2]),
    q: 0.25,
  };
}

describe('review service (in-process)', () => {
  it('loads, queries, lassos and gives percentiles per dataset row', async () => {
    const service = createReviewService();
    const loaded = await service.load(loadInput());
    expect([...loaded.flagBits]).toEqual([0, 1, 0, 2, 0]);
    expect([...loaded.suggested]).toEqual([-1, 0, -1, -1, -1]);
    expect(Number.isNaN(loaded.pca[8] as number)).toBe(true); // row 4 was not scored: no point
    expect(Number.isFinite(loaded.pca[0] as number)).toBe(true);
    expect(loaded.histograms.suspicion?.threshold).toBeCloseTo(0.7, 5);
    expect([...(await service.query(DEFAULT_QUERY, new Uint8Array(5)))]).toEqual([1, 3, 2, 0, 4]);
    expect([...(await service.query({ ...DEFAULT_QUERY, familyMask: 2 }, new Uint8Array(5)))]).toEqual([3]);
    expect([...(await service.query({ ...DEFAULT_QUERY, anomalousOnly: true }, new Uint8Array(5)))]).toEqual([
      2,
    ]);
    // Cartography points: (variability, confidence); a box around the low-confidence ones.
    expect([
      ...(await service.lasso('cartography', Float32Array.from([0.15, 0, 0.4, 0, 0.4, 0.6, 0.15, 0.6]))),
    ]).toEqual([1, 3]);
    expect(await service.percentiles(3)).toEqual({ suspicion: 0.5, aum: 0.75 });
    expect((await service.neighbours(1, 2)).map((n) => n.row)).toEqual([0, 2]);
    expect((await service.neighbours(1, 2))[0]?.distance).toBeCloseTo(Math.SQRT2, 5);
    expect(await service.neighbours(4, 2)).toEqual([]);
  });
  it('exports a signed manifest, byte-exact clean and quarantine CSVs, and a report, which verify', async () => {
    const service = createReviewService();
    await service.load(loadInput());
    const keys = await generateSigningKey();
    const data = ingested();
    const files = await service.exportFiles({
      file: new Blob([CSV]),
      createdAt: 0,
      tool: { name: 'Sift', version: '0.1.0', backend: 'cpu' },
      dataset: {
        name: 'f',
        sha256: sha256Hex(CSV),
        labelColumn: 'label',
        idColumn: 'id',
        headerEnd: data.headerEnd,
        classes: data.classes,
      },
      rowStart: data.rowStart,
      rowEnd: data.rowEnd,
      rowSha256: data.rowSha256,
      run: null,
      decisions: [[1, { decision: 'quarantine', reasons: ['label'], note: '+1' }]],
      signingKey: { privateKey: keys.privateKey, publicKeyJwk: await exportPublicJwk(keys.publicKey) },
    });
    expect([files.kept, files.quarantined]).toEqual([4, 1]);
    expect(files.clean).toEqual(
      subsetCsv(
        CSV,
        data,
        rowsWith(5, (r) => r === 1, 'keep'),
      ),
    );
    expect(new TextDecoder().decode(files.quarantine)).toBe('id,label,a,b\r\n"r1,x",dog,3,4\r\n');
    expect(files.reportText.split('\r\n')[2]).toBe('"r1,x",dog,quarantine,label,0.9,2,\'+1');
    const ok = await service.verify(files.manifestText, files.clean);
    expect(ok.problems).toEqual([]);
    const bad = await service.verify(files.manifestText.replace('"kept": 4', '"kept": 3'), files.clean);
    expect(bad.problems).toContain('manifest field "summary.kept" changed: signature does not verify');
  });
});
