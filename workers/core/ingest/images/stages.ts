/**
 * Where an image import's time goes, stage by stage (issue 11's import target): milliseconds summed over every image,
 * so the import can be profiled through the real app (the page records them as performance measures) without one
 * mark per image. Stages that overlap (a decode runs while the next entries are inflated) are each counted as the
 * time this thread spent on, or waited for, that stage.
 */

/** The stages of an image import, in the order they first run. */
export type ImportStage =
  | 'catalog'
  | 'inflate'
  | 'header'
  | 'decode'
  | 'shape'
  | 'sha256'
  | 'archiveSha256'
  | 'records'
  | 'indexedDb';

export class StageClock {
  private readonly ms = new Map<ImportStage, number>();

  add(stage: ImportStage, ms: number): void {
    this.ms.set(stage, (this.ms.get(stage) ?? 0) + ms);
  }

  /** Runs `work`, adding its time (until it settles) to `stage`. */
  async time<T>(stage: ImportStage, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  /** Runs the synchronous `work`, adding its time to `stage`. */
  timeSync<T>(stage: ImportStage, work: () => T): T {
    const t0 = performance.now();
    try {
      return work();
    } finally {
      this.add(stage, performance.now() - t0);
    }
  }

  /** Milliseconds per stage, rounded to 0.1 ms, in the order the stages first ran. */
  totals(): Partial<Record<ImportStage, number>> {
    const out: Partial<Record<ImportStage, number>> = {};
    for (const [stage, ms] of this.ms) out[stage] = Math.round(ms * 10) / 10;
    return out;
  }
}
