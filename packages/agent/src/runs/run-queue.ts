// Where runs wait for a worker. Enqueueing is idempotent per run id (a run already waiting or running is not
// queued twice), and losing a queue entry is survivable: the run's row in the store is the truth and the
// workers' recovery sweep re-enqueues runs that sit queued too long or whose lease expired.

/** A queue of run ids. */
export interface RunQueue {
  /** Queues runId unless it is already waiting or being processed. */
  enqueue(runId: string): Promise<void>;
  /** Starts handing queued run ids to handler, at most `concurrency` at once (set at creation). */
  process(handler: (runId: string) => Promise<void>): void;
  /** Stops taking work; resolves once the handlers in progress returned. */
  close(): Promise<void>;
}
