// Group commit across the runs of one worker: every write asked for while a transaction is in flight (or in the same
// event-loop turn) goes out in the next single transaction. With a thousand runs streaming at once this is one
// commit per turn instead of one per event or checkpoint, which is what keeps a synchronous SQLite store from
// stalling the event loop (PostgreSQL saves the round trips). Each item keeps its own fence and its own answer.

/** Batches items of one kind of write; one instance per kind per worker. */
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  private running = false;

  /**
   * @param many writes items in one transaction and answers each in order (all or nothing).
   * @param one writes one item alone: used when `many` failed, so only the bad item fails.
   */
  constructor(
    private readonly many: (items: T[]) => Promise<R[]>,
    private readonly one: (item: T) => Promise<R>,
  ) {}

  /** Resolves with the item's answer once its transaction committed. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the rest of this turn's writes join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      let results: R[] | undefined;
      try {
        results = await this.many(batch.map((b) => b.item));
      } catch {
        await Promise.all(batch.map((b) => this.one(b.item).then(b.resolve, b.reject)));
      }
      if (results !== undefined) batch.forEach((b, i) => b.resolve(results[i]!));
    }
    this.running = false;
  }
}
