/**
 * Re-running the import form's preview when its limits change (issue 6: a file over a limit is refused with a
 * message that says how to raise it; raising it must unlock Import) or, for a CSV, its column roles (a text column
 * one-hot encoded or excluded must unlock it too). Debounced, so typing "5000" previews once,
 * and sequenced, so the answer to superseded limits is dropped. The preview itself runs where `run` sends it:
 * the ingest worker, as the first preview did.
 */

/** A debounced, superseding runner: `request(x)` runs `run(x)` after `delayMs` of quiet and applies the newest answer. */
export class DebouncedPreview<In, Out> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;

  constructor(
    private readonly delayMs: number,
    private readonly run: (input: In) => Promise<Out>,
    private readonly apply: (output: Out, input: In) => void,
    private readonly fail: (error: unknown, input: In) => void,
  ) {}

  /** Asks for a run with `input`, replacing any request not yet answered. */
  request(input: In): void {
    this.clearTimer();
    const seq = ++this.seq;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run(input).then(
        (output) => {
          if (seq === this.seq) this.apply(output, input);
        },
        (error: unknown) => {
          if (seq === this.seq) this.fail(error, input);
        },
      );
    }, this.delayMs);
  }

  /** Drops the pending request and any answer still on its way. */
  cancel(): void {
    this.clearTimer();
    this.seq++;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
