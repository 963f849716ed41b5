/**
 * Thumbnails of an image dataset's samples for the review (table, grid, neighbours, influence lists): the pixels of
 * every row asked for within one turn of the event loop are fetched from the review worker in one call, and kept in
 * a bounded cache (least recently used out first), so scrolling a grid costs one round trip per screenful.
 */

/** Rows' pixels, `per` values each, in the order asked; null when the dataset has no images. */
export type PixelFetch = (rows: Int32Array) => Promise<Uint8Array | null>;

export class ThumbnailCache {
  private readonly cache = new Map<number, Uint8Array>();
  private pending = new Map<number, Array<(pixels: Uint8Array | null) => void>>();
  private scheduled = false;

  constructor(
    private readonly fetch: PixelFetch,
    /** Values per image (H × W × C). */
    private readonly per: number,
    private readonly capacity = 4096,
  ) {}

  /** The pixels of `row` (a view into one batch's buffer); null when the dataset has no images. */
  get(row: number): Promise<Uint8Array | null> {
    const hit = this.cache.get(row);
    if (hit) {
      this.cache.delete(row);
      this.cache.set(row, hit);
      return Promise.resolve(hit);
    }
    return new Promise((resolve) => {
      const waiting = this.pending.get(row);
      if (waiting) waiting.push(resolve);
      else this.pending.set(row, [resolve]);
      if (!this.scheduled) {
        this.scheduled = true;
        // After every thumbnail rendered in this turn has asked: one request for all of them.
        setTimeout(() => void this.flush(), 0);
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const rows = Int32Array.from(batch.keys());
    let pixels: Uint8Array | null = null;
    try {
      pixels = await this.fetch(rows);
    } catch {
      // A failed batch (the review closed, the worker died) leaves its thumbnails blank; nothing is cached.
      pixels = null;
    }
    rows.forEach((row, j) => {
      const mine = pixels ? pixels.subarray(j * this.per, (j + 1) * this.per) : null;
      if (mine) this.remember(row, mine);
      for (const resolve of batch.get(row) ?? []) resolve(mine);
    });
  }

  private remember(row: number, pixels: Uint8Array): void {
    this.cache.set(row, pixels);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
