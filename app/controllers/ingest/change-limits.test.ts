/**
 * Regression: raising a limit in the import form did not re-run the preview, so a file refused under the old limit
 * stayed locked. Driven through the real ingest controller and the real ingest service, in-process (no worker in Node).
 */
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS } from '../../../workers/core/ingest/types';
import { createIngestService } from '../../../workers/ingest.service';
import type { DatasetStore } from '../../db/datasets';
import { createAppStore } from '../../state/store';
import { inProcessClient } from '../worker-client';
import { IngestController } from './controller';

function csv(rows: number): File {
  const lines = ['id,label,a,b'];
  for (let i = 0; i < rows; i++) lines.push(`r${i},${i % 2 ? 'cat' : 'dog'},${i},${i * 2}`);
  return new File([`${lines.join('\n')}\n`], 'small.csv', { type: 'text/csv' });
}

function setUp() {
  const store = createAppStore();
  let previews = 0;
  const service = createIngestService();
  const api = {
    ...service,
    preview: (file: File, limits?: typeof DEFAULT_LIMITS) => {
      previews++;
      return service.preview(file, limits);
    },
  };
  // The limits flow never opens the database: a store that never opens is enough.
  const datasets = new Promise<DatasetStore>(() => undefined);
  const workbench = new IngestController(store, datasets, () => inProcessClient(api), {
    limitsDebounceMs: 5,
  });
  return { store, workbench, previews: () => previews };
}

const errorCodes = (store: ReturnType<typeof createAppStore>) =>
  (store.getState().draft?.preview.problems ?? []).filter((p) => p.severity === 'error').map((p) => p.code);

describe('changing a limit in the import form', () => {
  it('re-runs the preview: a lower row limit refuses the file, a raised one lets it in again', async () => {
    const { store, workbench, previews } = setUp();
    await workbench.chooseFile(csv(30));
    expect(errorCodes(store)).toEqual([]);
    // The analyst's roles survive a re-preview.
    const first = store.getState().draft;
    if (!first) throw new Error('No draft after the preview.');
    expect(first.plan.idColumn).toBe('id');
    store.getState().setPlan({ ...first.plan, idColumn: null });

    workbench.changeLimits({ ...DEFAULT_LIMITS, maxRows: 10 });
    expect(store.getState().draft?.limits.maxRows).toBe(10);
    expect(store.getState().draft?.rechecking).toBe(true);
    await vi.waitFor(() => expect(store.getState().draft?.rechecking).toBe(false));
    expect(errorCodes(store)).toEqual(['too-many-rows']);
    const message = store.getState().draft?.preview.problems[0]?.message ?? '';
    expect(message).toContain('10');

    workbench.changeLimits({ ...DEFAULT_LIMITS, maxRows: 20 });
    workbench.changeLimits({ ...DEFAULT_LIMITS, maxRows: 200 });
    await vi.waitFor(() => expect(store.getState().draft?.rechecking).toBe(false));
    expect(errorCodes(store)).toEqual([]);
    expect(store.getState().draft?.limits.maxRows).toBe(200);
    expect(store.getState().draft?.plan.idColumn).toBeNull();
    // One first preview, one for 10, one for the burst 20 → 200 (debounced).
    expect(previews()).toBe(3);
    workbench.dispose();
  });

  it('does nothing without a file, and a discarded draft drops a pending re-preview', async () => {
    const { store, workbench, previews } = setUp();
    workbench.changeLimits({ ...DEFAULT_LIMITS, maxRows: 10 });
    expect(store.getState().draft).toBeNull();
    await workbench.chooseFile(csv(30));
    workbench.changeLimits({ ...DEFAULT_LIMITS, maxRows: 10 });
    workbench.discardDraft();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.getState().draft).toBeNull();
    expect(previews()).toBe(1);
    workbench.dispose();
  });
});
