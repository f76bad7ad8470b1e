// Group commit for the ledger: pending rows and finished records queue up and go to the store together, one
// transaction every few milliseconds (or as soon as the previous one ends), so a busy gateway writes hundreds of
// requests per transaction instead of one each. Callers that need durability (the pending row, before the first
// upstream call, when the store keeps it as a pending_usage row: PostgreSQL, in-memory SQLite) await their item; records are not awaited on the request path. A failed commit is retried with
// its items; pending rows fail their waiters so the request is refused rather than run unrecorded.
import type { LedgerBatch, LedgerEntry, PendingUsageRow } from '@rampart/store';

/** Where batches go (Store.usageRecords.commit). */
export type LedgerCommit = (batch: LedgerBatch) => Promise<string[]>;

/** Tuning of the group commit. */
export interface LedgerWriterOptions {
  /**
   * Longest an item waits for company before its batch is written. Default 0: an idle writer commits on the
   * next event-loop turn (a fixed wait is added to every request that awaits its pending row: 5 ms made
   * bench:gateway's added latency 5.9 ms p50); under load items still batch behind the commit in flight.
   */
  flushMs?: number;
  /**
   * How long records gather before they are written (default 25 ms). Records are not awaited on the request path,
   * so they go in a transaction of their own every so often, and pending-row commits, which requests wait for, stay
   * small: on SQLite a commit's cost is the pages it writes to the WAL, and records touch seven B-trees (the row and
   * six indexes) where pending rows touch three. Riding along with every pending-row commit they made each of those
   * write ~11 pages (bench:gateway c=10: ~570 commits/s of ~3.4 requests each); gathered, a page of each index takes
   * many records.
   */
  recordDelayMs?: number;
  /** Items per transaction at most (default 1000). */
  maxBatch?: number;
  /** Told of commit failures (the writer retries records itself). */
  onError?: (error: unknown) => void;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Batches ledger writes. One per gateway process. */
export class LedgerWriter {
  readonly #commit: LedgerCommit;
  readonly #flushMs: number;
  readonly #recordDelayMs: number;
  readonly #maxBatch: number;
  readonly #onError: (error: unknown) => void;
  #pending: Array<{ row: PendingUsageRow; waiter: Waiter<void> }> = [];
  #entries: Array<{ entry: LedgerEntry; waiter: Waiter<boolean> }> = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #inFlight: Promise<void> | undefined;
  #failures = 0;
  /** When the oldest queued record was queued (performance.now()). */
  #entriesSince = 0;

  constructor(commit: LedgerCommit, options: LedgerWriterOptions = {}) {
    this.#commit = commit;
    this.#flushMs = options.flushMs ?? 0;
    this.#recordDelayMs = options.recordDelayMs ?? 25;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#onError = options.onError ?? (() => undefined);
  }

  /** Resolves once the pending row is committed. */
  addPending(row: PendingUsageRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ row, waiter: { resolve, reject } });
      this.#schedule();
    });
  }

  /** Resolves once the record is committed: true if it was new, false if the request was already recorded. */
  addRecord(entry: LedgerEntry): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.#entries.length === 0) this.#entriesSince = performance.now();
      this.#entries.push({ entry, waiter: { resolve, reject } });
      this.#schedule(false);
    });
  }

  /** Items waiting or being written. */
  get backlog(): number {
    return this.#pending.length + this.#entries.length;
  }

  /** Writes everything queued now; resolves when the queue is empty (or after repeated failures). */
  async drain(): Promise<void> {
    for (let tries = 0; tries < 20; tries++) {
      if (this.#timer) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      await this.#inFlight;
      if (this.backlog === 0) return;
      await this.#flush(true);
    }
  }

  /** Plans the next commit: soon for pending rows (`urgent`), recordDelayMs after the oldest queued record. */
  #schedule(urgent = true): void {
    if (this.#inFlight || this.#immediate) return;
    const run = () => {
      this.#timer = undefined;
      void this.#flush(this.#failures > 0);
    };
    if (this.#failures > 0) {
      this.#timer ??= setTimeout(run, Math.min(5_000, 50 * 2 ** this.#failures));
      return;
    }
    if (urgent) {
      // A records timer is re-armed for what is left once this commit ends.
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#flushMs === 0) {
        // Idle writer: commit on the next turn of the event loop; items arriving while a commit is in flight
        // wait for it and go together in the next one (group commit without a fixed wait on every request).
        this.#immediate = setImmediate(() => {
          this.#immediate = undefined;
          void this.#flush();
        });
      } else {
        this.#timer = setTimeout(run, this.#flushMs);
      }
      return;
    }
    const due = this.#entriesSince + this.#recordDelayMs - performance.now();
    this.#timer ??= setTimeout(run, Math.max(this.#flushMs, due, 0));
  }

  /** Commits the queued pending rows, and the records too when `all`, when they are due or when there are many. */
  #flush(all = false): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const pending = this.#pending.splice(0, this.#maxBatch);
    const recordsToo =
      all ||
      pending.length === 0 ||
      this.#entries.length >= this.#maxBatch ||
      performance.now() - this.#entriesSince >= this.#recordDelayMs;
    const entries = recordsToo ? this.#entries.splice(0, Math.max(0, this.#maxBatch - pending.length)) : [];
    if (entries.length > 0 && this.#entries.length > 0) this.#entriesSince = performance.now();
    if (pending.length === 0 && entries.length === 0) return Promise.resolve();
    this.#inFlight = this.#commit({
      pending: pending.map((p) => p.row),
      entries: entries.map((e) => e.entry),
    })
      .then(
        (inserted) => {
          this.#failures = 0;
          const fresh = new Set(inserted);
          for (const p of pending) p.waiter.resolve();
          for (const e of entries) e.waiter.resolve(fresh.has(e.entry.record.requestId));
        },
        (error: unknown) => {
          this.#failures++;
          this.#onError(error);
          for (const p of pending) p.waiter.reject(error);
          // Records go back to the front of the queue: their pending rows stay until they are written.
          if (this.#entries.length === 0) this.#entriesSince = performance.now();
          this.#entries.unshift(...entries);
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        // What queued during the commit is its own batch already: write it now, unless the store is failing.
        if (this.#pending.length > 0 && this.#failures === 0) void this.#flush();
        else if (this.backlog > 0) this.#schedule(this.#pending.length > 0);
      });
    return this.#inFlight;
  }
}
