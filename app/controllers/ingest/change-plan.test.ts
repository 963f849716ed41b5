/**
 * Regression: choosing one-hot encoding or exclusion for a text column in the import form did not re-run the
 * preview, so the column's "not a number" error stayed and Import stayed locked. Driven through the real ingest
 * controller and the real ingest service, in-process (no worker in Node).
 */
import { describe, expect, it, vi } from 'vitest';
import type { ColumnPlan, IngestLimits } from '../../../workers/core/ingest/types';
import { createIngestService } from '../../../workers/ingest.service';
import type { DatasetStore } from '../../db/datasets';
import { createAppStore } from '../../state/store';
import { inProcessClient } from '../worker-client';
import { IngestController } from './controller';
import { withExcluded, withOneHot } from './plan';

const FILE = new File(
  ['id,age,city,job,label\nr0,30,paris,cook,yes\nr1,41,lyon,pilot,no\nr2,25,nice,cook,yes\n'],
  'people.csv',
  { type: 'text/csv' },
);

function setUp() {
  const store = createAppStore();
  const plans: Array<ColumnPlan | undefined> = [];
  const service = createIngestService();
  const api = {
    ...service,
    preview: (file: File, limits?: IngestLimits, plan?: ColumnPlan) => {
      plans.push(plan);
      return service.preview(file, limits, plan);
    },
  };
  // The form never opens the database: a store that never opens is enough.
  const datasets = new Promise<DatasetStore>(() => undefined);
  const workbench = new IngestController(store, datasets, () => inProcessClient(api), {
    limitsDebounceMs: 5,
  });
  return { store, workbench, plans };
}

const errors = (store: ReturnType<typeof createAppStore>) =>
  (store.getState().draft?.preview.problems ?? [])
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.code} ${p.column}`);

async function settled(store: ReturnType<typeof createAppStore>) {
  await vi.waitFor(() => expect(store.getState().draft?.rechecking).toBe(false));
}

describe('changing column roles in the import form', () => {
  it('re-runs the preview under the new roles, so that a text column one-hot encoded or excluded unlocks Import', async () => {
    const { store, workbench, plans } = setUp();
    await workbench.chooseFile(FILE);
    expect(errors(store)).toEqual(['non-numeric city', 'non-numeric job']);
    // The first preview proposes the roles; it is given none.
    expect(plans).toEqual([undefined]);

    const first = store.getState().draft?.plan as ColumnPlan;
    workbench.changePlan(withOneHot(first, 'city', true));
    // Shown at once, checked after.
    expect(store.getState().draft?.plan.oneHot).toEqual(['city']);
    expect(store.getState().draft?.rechecking).toBe(true);
    await settled(store);
    expect(errors(store)).toEqual(['non-numeric job']);
    expect(plans[1]?.oneHot).toEqual(['city']);

    workbench.changePlan(withExcluded(store.getState().draft?.plan as ColumnPlan, 'job', true));
    await settled(store);
    expect(errors(store)).toEqual([]);
    expect(store.getState().draft?.plan).toMatchObject({ oneHot: ['city'], excluded: ['job'] });

    // Back to the proposal: the errors come back.
    workbench.changePlan(first);
    await settled(store);
    expect(errors(store)).toEqual(['non-numeric city', 'non-numeric job']);
    expect(plans).toHaveLength(4);
    workbench.dispose();
  });

  it('does nothing without a file', () => {
    const { store, workbench, plans } = setUp();
    workbench.changePlan({ labelColumn: 'x', idColumn: null, excluded: [], oneHot: [], missing: 'drop-row' });
    expect(store.getState().draft).toBeNull();
    expect(plans).toEqual([]);
    workbench.dispose();
  });
});
