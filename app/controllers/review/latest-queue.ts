/**
 * Questions answered one at a time in a worker, where only the newest matters (influence while j/k is held down): a
 * question superseded while it waits is skipped (answers null), and the same question asked again while its answer is
 * pending or kept is answered once (the detail panel asks again when it re-renders).
 */
export class LatestQueue<V> {
  private chain: Promise<unknown> = Promise.resolve();
  private ticket = 0;
  private last: { key: string; answer: Promise<V | null> } | null = null;

  /** Asks `compute` for `key` after the questions before it; null when a newer one came first. */
  ask(key: string, compute: () => Promise<V>): Promise<V | null> {
    const last = this.last;
    if (last && last.key === key) return last.answer;
    const ticket = ++this.ticket;
    const answer = this.chain.then(() => (ticket === this.ticket ? compute() : null));
    this.chain = answer.catch(() => undefined); // the caller shows the error; the next question still runs
    const asked = { key, answer };
    this.last = asked;
    // A skipped or failed question is not kept: asking it again computes it.
    const forget = () => {
      if (this.last === asked) this.last = null;
    };
    answer.then((v) => v === null && forget(), forget);
    return answer;
  }
}
