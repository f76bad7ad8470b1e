// The embedded default: a FIFO of run ids in this process with a concurrency cap. Nothing here survives a
// restart, and nothing needs to: the recovery sweep finds the runs the store still has queued or leased.
import type { RunQueue } from './run-queue.js';

/** Options of the in-process queue. */
export interface InProcessRunQueueOptions {
  /** Runs processed at once (default 64). */
  concurrency?: number;
}

/** Creates an in-process run queue. */
export function createInProcessRunQueue(options: InProcessRunQueueOptions = {}): RunQueue {
  const concurrency = options.concurrency ?? 64;
  const waiting: string[] = [];
  const known = new Set<string>();
  const active = new Set<Promise<void>>();
  let handler: ((runId: string) => Promise<void>) | undefined;
  let closed = false;

  const pump = () => {
    while (handler !== undefined && !closed && active.size < concurrency && waiting.length > 0) {
      const runId = waiting.shift()!;
      const task: Promise<void> = handler(runId)
        .catch(() => undefined)
        .finally(() => {
          active.delete(task);
          known.delete(runId);
          pump();
        });
      active.add(task);
    }
  };

  return {
    async enqueue(runId) {
      if (closed || known.has(runId)) return;
      known.add(runId);
      waiting.push(runId);
      pump();
    },
    process(h) {
      handler = h;
      pump();
    },
    async close() {
      closed = true;
      waiting.length = 0;
      await Promise.all([...active]);
    },
  };
}
