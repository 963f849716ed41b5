/** The review service: the ReviewApi computed in-process (the worker entry exposes it; tests call it directly). */
import { buildManifest } from './core/manifest/build';
import { reviewReportCsv, rowsWith, subsetCsv } from './core/manifest/csv';
import { sha256Hex } from './core/manifest/hash';
import { parseManifest } from './core/manifest/schema';
import { signManifest, verifyManifest } from './core/manifest/sign';
import { histogram, pointsInPolygon, topQuantileThreshold } from './core/review/geometry';
import { pca2d } from './core/review/pca';
import { queryRows, type ReviewColumns, type ReviewQuery } from './core/review/table';
import { unpackIds } from './ingest.api';
import type {
  ExportFiles,
  ExportRequest,
  ReviewApi,
  ReviewLoad,
  ReviewLoaded,
  VerifyOutcome,
} from './review.api';

interface Loaded {
  input: ReviewLoad;
  cols: ReviewColumns;
  pca: Float32Array;
  cartography: Float32Array;
  /** Sorted finite values per score, for percentiles. */
  sorted: Record<string, Float32Array>;
}

function perRow(
  rows: number,
  sampleRows: Int32Array,
  values: ArrayLike<number>,
  empty: number,
): Float32Array {
  const out = new Float32Array(rows).fill(empty);
  for (let j = 0; j < sampleRows.length; j++) out[sampleRows[j] as number] = values[j] as number;
  return out;
}

/** Builds the review service; one per worker (or per test). */
export function createReviewService(): ReviewApi {
  let loaded: Loaded | null = null;
  const need = (): Loaded => {
    if (!loaded) throw new Error('The review data is not loaded yet.');
    return loaded;
  };
  return {
    async load(input: ReviewLoad): Promise<ReviewLoaded> {
      const started = performance.now();
      const { rows, sampleRows } = input;
      const flagBits = new Uint8Array(rows);
      input.flags.forEach((flags, f) => {
        for (let j = 0; j < sampleRows.length; j++) {
          if (flags[j] === 1) {
            const r = sampleRows[j] as number;
            flagBits[r] = (flagBits[r] as number) | (1 << f);
          }
        }
      });
      const anomalous = new Uint8Array(rows);
      for (const r of input.anomalousRows) if (r >= 0 && r < rows) anomalous[r] = 1;
      const numeric: Record<string, Float32Array> = {};
      for (const [name, values] of Object.entries(input.scores))
        numeric[name] = perRow(rows, sampleRows, values, Number.NaN);
      const cols: ReviewColumns = {
        rows,
        ids: unpackIds(input.idText, rows),
        labels: input.labels,
        suggested: Int32Array.from(perRow(rows, sampleRows, input.suggested, -1)),
        suspicion: perRow(rows, sampleRows, input.suspicion, Number.NaN),
        flagBits,
        labelIssue: Uint8Array.from(perRow(rows, sampleRows, input.labelIssue, 0)),
        anomalous,
        numeric,
      };
      const pca = new Float32Array(rows * 2).fill(Number.NaN);
      if (input.embeddings && input.embeddingDim > 0) {
        const xy = pca2d(input.embeddings, sampleRows.length, input.embeddingDim);
        for (let j = 0; j < sampleRows.length; j++) {
          const r = sampleRows[j] as number;
          pca[2 * r] = xy[2 * j] as number;
          pca[2 * r + 1] = xy[2 * j + 1] as number;
        }
      }
      const cartography = new Float32Array(rows * 2).fill(Number.NaN);
      if (input.confidence && input.variability) {
        for (let j = 0; j < sampleRows.length; j++) {
          const r = sampleRows[j] as number;
          cartography[2 * r] = input.variability[j] as number;
          cartography[2 * r + 1] = input.confidence[j] as number;
        }
      }
      const histograms: ReviewLoaded['histograms'] = {};
      const sorted: Record<string, Float32Array> = {};
      for (const [name, values] of Object.entries({ suspicion: input.suspicion, ...input.scores })) {
        histograms[name] = { ...histogram(values, 40), threshold: topQuantileThreshold(values, input.q) };
        sorted[name] = Float32Array.from(Array.from(values).filter(Number.isFinite)).sort();
      }
      loaded = { input, cols, pca, cartography, sorted };
      // Copies: the worker transfers what it returns, and lasso() keeps using its own.
      return {
        pca: pca.slice(),
        cartography: cartography.slice(),
        histograms,
        flagBits: cols.flagBits.slice(),
        suggested: cols.suggested.slice(),
        suspicion: cols.suspicion.slice(),
        ms: performance.now() - started,
      };
    },

    async query(query: ReviewQuery, decisions: Uint8Array): Promise<Int32Array> {
      return queryRows(need().cols, decisions, query);
    },

    async lasso(space, polygon): Promise<Int32Array> {
      const l = need();
      return pointsInPolygon(space === 'pca' ? l.pca : l.cartography, polygon);
    },

    async percentiles(row: number): Promise<Record<string, number>> {
      const l = need();
      const out: Record<string, number> = {};
      for (const [name, sorted] of Object.entries(l.sorted)) {
        const v = name === 'suspicion' ? l.cols.suspicion[row] : l.cols.numeric[name]?.[row];
        if (v === undefined || !Number.isFinite(v) || sorted.length === 0) continue;
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if ((sorted[mid] as number) < v) lo = mid + 1;
          else hi = mid;
        }
        out[name] = lo / sorted.length;
      }
      return out;
    },

    async neighbours(row: number, k: number): Promise<Array<{ row: number; distance: number }>> {
      const { input } = need();
      const { embeddings, embeddingDim: d, sampleRows } = input;
      const self = sampleRows.indexOf(row);
      if (!embeddings || self < 0) return [];
      const best: Array<{ row: number; distance: number }> = [];
      for (let j = 0; j < sampleRows.length; j++) {
        if (j === self) continue;
        let s = 0;
        for (let t = 0; t < d; t++)
          s += ((embeddings[j * d + t] as number) - (embeddings[self * d + t] as number)) ** 2;
        if (best.length < k || s < (best[best.length - 1] as { distance: number }).distance) {
          best.push({ row: sampleRows[j] as number, distance: s });
          best.sort((a, b) => a.distance - b.distance);
          if (best.length > k) best.pop();
        }
      }
      return best.map((b) => ({ row: b.row, distance: Math.sqrt(b.distance) }));
    },

    async exportFiles(request: ExportRequest): Promise<ExportFiles> {
      const l = need();
      const file = new Uint8Array(await request.file.arrayBuffer());
      const decisions = new Map(request.decisions);
      const values: Record<string, Float32Array> = { suspicion: l.input.suspicion, ...l.input.scores };
      const manifest = buildManifest({
        createdAt: new Date(request.createdAt),
        tool: request.tool,
        dataset: {
          name: request.dataset.name,
          sha256: request.dataset.sha256,
          labelColumn: request.dataset.labelColumn,
          idColumn: request.dataset.idColumn,
          headerSha256: sha256Hex(file.subarray(0, request.dataset.headerEnd)),
          classes: request.dataset.classes,
        },
        ids: l.cols.ids,
        labels: l.cols.labels,
        rowSha256: request.rowSha256,
        run: request.run,
        scores: { sampleRows: l.input.sampleRows, values },
        decisions,
      });
      const signed = await signManifest(
        manifest,
        request.signingKey.privateKey,
        request.signingKey.publicKeyJwk,
      );
      const ranges = {
        headerEnd: request.dataset.headerEnd,
        rowStart: request.rowStart,
        rowEnd: request.rowEnd,
      };
      const isQuarantined = (r: number) => decisions.get(r)?.decision === 'quarantine';
      const rows = l.cols.rows;
      const scoreNames = Object.keys(l.input.scores).sort();
      const report = reviewReportCsv(
        scoreNames,
        signed.samples.map((s) => ({
          id: s.id,
          label: s.label,
          decision: s.decision,
          reasons: s.reasons,
          suspicion: s.scores.suspicion ?? null,
          scores: s.scores,
          note: s.note,
        })),
      );
      return {
        manifestText: `${JSON.stringify(signed, null, 1)}\n`,
        clean: subsetCsv(file, ranges, rowsWith(rows, isQuarantined, 'keep')),
        quarantine: subsetCsv(file, ranges, rowsWith(rows, isQuarantined, 'quarantine')),
        reportText: report,
        kept: signed.summary.kept,
        quarantined: signed.summary.quarantined,
      };
    },

    async verify(manifestText: string, cleanCsv: Uint8Array | null): Promise<VerifyOutcome> {
      const parsed = parseManifest(manifestText);
      if (!parsed.ok) return { ok: false, problems: parsed.problems, rowsChecked: 0 };
      return verifyManifest(parsed.manifest, cleanCsv ?? undefined);
    },
  };
}
