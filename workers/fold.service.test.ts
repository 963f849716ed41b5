import { describe, expect, it } from 'vitest';
import { createFoldService } from './fold.service';
import type { BackendControl, WasmPlan } from './train-backends';

describe('fold service', () => {
  it("hands the pool's size to the worker's backends as WASM's thread budget", () => {
    const plans: WasmPlan[] = [];
    const backends: BackendControl = {
      candidates: () => ['cpu'],
      activate: async () => null,
      webgpuAdapter: async () => null,
      planWasm: (plan) => plans.push(plan),
    };
    createFoldService(backends).shareCores(3);
    expect(plans).toEqual([{ workersAtOnce: 3 }]);
  });
});
