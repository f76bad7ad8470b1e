// Assembles the durable-run side of the agent: queue, signals, service, the threads API routes and (unless this
// process only serves the API) a worker. Embedded by default (in-process queue and signals); with a Redis URL,
// runs are BullMQ jobs and signals travel through Redis, so API processes and worker processes can be separate
// and many.
import type { Clock } from '@rampart/resilience';
import type { Store } from '@rampart/store';
import { createThreadsRoutes, type ThreadsRoutes } from '../http/threads-routes.js';
import type { RunAgent } from '../loop/agent-run-types.js';
import { createBullmqRunQueue } from './bullmq-run-queue.js';
import { createInProcessRunQueue } from './in-process-run-queue.js';
import { createRedisRunSignals } from './redis-run-signals.js';
import type { AgentFactory, RunExecution, RunLog } from './run-executor.js';
import type { RunQueue } from './run-queue.js';
import { createRunService, type RunService } from './run-service.js';
import { createInProcessRunSignals, type RunSignals } from './run-signals.js';
import { startRunWorker, type RunWorker } from './run-worker.js';

/** Options of the agent runtime. */
export interface AgentRuntimeOptions {
  store: Store;
  /** Builds each run's model client, tools and config. */
  agents: AgentFactory;
  /** REDIS_URL: runs on BullMQ and signals over Redis pub/sub. Absent: everything in this process. */
  redisUrl?: string;
  /** BullMQ queue name and Redis channel prefix (default `rampart-runs`). */
  queueName?: string;
  /** Run a worker in this process (default true). An API-only process sets false (needs redisUrl). */
  worker?: boolean;
  /** Runs one worker executes at once (default 64). */
  concurrency?: number;
  leaseMs?: number;
  sweepEveryMs?: number;
  requeueAfterMs?: number;
  /** BullMQ lock duration and stalled-check interval (defaults 30 000 ms). */
  jobLockMs?: number;
  stalledIntervalMs?: number;
  runAgent?: RunAgent;
  workerName?: string;
  clock?: Clock;
  log?: RunLog;
  maxBodyBytes?: number;
  ssePollMs?: number;
  onExecuted?(runId: string, result: RunExecution): void;
}

/** A running agent runtime. */
export interface AgentRuntime {
  service: RunService;
  /** Mount on the gateway: `createGateway({ …, extraRoutes: [runtime.routes] })`. */
  routes: ThreadsRoutes;
  signals: RunSignals;
  queue: RunQueue;
  worker: RunWorker | undefined;
  close(): Promise<void>;
}

/** Starts the runtime (the store stays the caller's to close). */
export async function startAgentRuntime(options: AgentRuntimeOptions): Promise<AgentRuntime> {
  const name = options.queueName ?? 'rampart-runs';
  const signals =
    options.redisUrl === undefined
      ? createInProcessRunSignals()
      : await createRedisRunSignals({ url: options.redisUrl, prefix: name });
  const queue =
    options.redisUrl === undefined
      ? createInProcessRunQueue({
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        })
      : createBullmqRunQueue({
          url: options.redisUrl,
          name,
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
          ...(options.jobLockMs === undefined ? {} : { lockDurationMs: options.jobLockMs }),
          ...(options.stalledIntervalMs === undefined
            ? {}
            : { stalledIntervalMs: options.stalledIntervalMs }),
        });
  if (options.worker === false && options.redisUrl === undefined)
    throw new Error('an API-only agent runtime needs a Redis URL: nothing else would run its runs');
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const worker =
    options.worker === false
      ? undefined
      : startRunWorker({
          store: options.store,
          queue,
          signals,
          agents: options.agents,
          ...(options.runAgent === undefined ? {} : { runAgent: options.runAgent }),
          ...(options.workerName === undefined ? {} : { name: options.workerName }),
          ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          ...(options.sweepEveryMs === undefined ? {} : { sweepEveryMs: options.sweepEveryMs }),
          ...(options.requeueAfterMs === undefined ? {} : { requeueAfterMs: options.requeueAfterMs }),
          ...(options.log === undefined ? {} : { log: options.log }),
          ...(options.onExecuted === undefined ? {} : { onExecuted: options.onExecuted.bind(options) }),
          ...clock,
        });
  const service = createRunService({ store: options.store, queue, signals, ...clock });
  const routes = createThreadsRoutes({
    service,
    store: options.store,
    signals,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.ssePollMs === undefined ? {} : { ssePollMs: options.ssePollMs }),
  });
  return {
    service,
    routes,
    signals,
    queue,
    worker,
    async close() {
      if (worker !== undefined) await worker.close();
      else await queue.close();
      await signals.close();
    },
  };
}
