// A worker: takes runs off the queue and executes them, and sweeps the store for runs nobody is working on (a
// lease that expired because its worker died, a queued run whose queue entry was lost in a restart) to queue
// them again. Any number of workers may run against one store and queue.
import { setMaxListeners } from 'node:events';
import { systemClock, type Clock } from '@rampart/resilience';
import type { Store } from '@rampart/store';
import type { RunAgent } from '../loop/agent-run-types.js';
import { createRunExecutor, type AgentFactory, type RunExecution, type RunLog } from './run-executor.js';
import type { RunQueue } from './run-queue.js';
import type { RunSignals } from './run-signals.js';

/** Options of a worker. */
export interface RunWorkerOptions {
  store: Store;
  queue: RunQueue;
  signals: RunSignals;
  agents: AgentFactory;
  runAgent?: RunAgent;
  /** Names the worker in claim tokens and logs (default `worker-<pid>`). */
  name?: string;
  /** Lease length (default 30 000 ms). */
  leaseMs?: number;
  /** How often to sweep for orphaned runs (default half the lease). */
  sweepEveryMs?: number;
  /** A run queued longer than this without being claimed is queued again (default 10 000 ms). */
  requeueAfterMs?: number;
  clock?: Clock;
  log?: RunLog;
  /** Called after each execution (tests, metrics). */
  onExecuted?(runId: string, result: RunExecution): void;
}

/** A running worker. */
export interface RunWorker {
  /** Sweeps now (also runs on a timer); resolves to how many runs were queued again. */
  sweep(): Promise<number>;
  /** Stops taking runs, interrupts those in progress (they resume elsewhere from their checkpoint). */
  close(): Promise<void>;
}

/** Starts a worker. */
export function startRunWorker(options: RunWorkerOptions): RunWorker {
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 30_000;
  const sweepEveryMs = options.sweepEveryMs ?? leaseMs / 2;
  const requeueAfterMs = options.requeueAfterMs ?? 10_000;
  const log: RunLog = options.log ?? (() => undefined);
  const shutdown = new AbortController();
  // Every run in flight (and its lease renewal) listens to this one signal: a thousand at once is normal.
  setMaxListeners(100_000, shutdown.signal);
  const executor = createRunExecutor({
    store: options.store,
    signals: options.signals,
    agents: options.agents,
    ...(options.runAgent === undefined ? {} : { runAgent: options.runAgent }),
    workerName: options.name ?? `worker-${process.pid}`,
    leaseMs,
    clock,
    log,
  });

  options.queue.process(async (runId) => {
    try {
      const result = await executor.execute(runId, shutdown.signal);
      options.onExecuted?.(runId, result);
    } catch (error) {
      log('run_execute_failed', { runId, err: String(error) });
    }
  });

  const sweep = async (): Promise<number> => {
    const now = clock.now();
    const runs = await options.store.runs.listRecoverable(now, now - requeueAfterMs, 500);
    for (const run of runs) await options.queue.enqueue(run.id);
    if (runs.length > 0) log('runs_requeued', { count: runs.length });
    return runs.length;
  };

  const sweeping = (async () => {
    while (!shutdown.signal.aborted) {
      try {
        await sweep();
      } catch (error) {
        log('sweep_failed', { err: String(error) });
      }
      try {
        await clock.sleep(sweepEveryMs, shutdown.signal);
      } catch {
        return;
      }
    }
  })();

  return {
    sweep,
    async close() {
      shutdown.abort('shutdown');
      await sweeping;
      await options.queue.close();
    },
  };
}
