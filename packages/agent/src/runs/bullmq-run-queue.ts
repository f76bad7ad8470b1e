// Runs as BullMQ jobs on Redis, consumed by any number of worker processes. The job id is the run id, so
// enqueueing a run that is already waiting or active is a no-op. BullMQ's own stalled-job detection hands the job
// of a dead worker to a live one; the store's lease (not BullMQ's lock) decides who may write, so a job running
// twice after a stall cannot execute a step twice.
import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';
import type { Worker } from 'bullmq';
import type * as Ioredis from 'ioredis';
import type { Redis } from 'ioredis';
import type { RunQueue } from './run-queue.js';

// bullmq and ioredis (CommonJS: require() gives the module `import` would) load only when a Redis queue is made:
// together ~15 MB resident that an embedded runtime never uses.
const require = createRequire(import.meta.url);

/** Options of the BullMQ queue. */
export interface BullmqRunQueueOptions {
  /** REDIS_URL. */
  url: string;
  /** Queue name (default `rampart-runs`). */
  name?: string;
  /** Jobs one worker process runs at once (default 64). */
  concurrency?: number;
  /** How long a worker's job lock lasts without renewal (default 30 000 ms); a dead worker's job stalls after it. */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default 30 000 ms). */
  stalledIntervalMs?: number;
}

/** Creates a BullMQ-backed run queue (the producer connects at once, the worker on process()). */
export function createBullmqRunQueue(options: BullmqRunQueueOptions): RunQueue {
  const name = options.name ?? 'rampart-runs';
  const { Queue, Worker } = require('bullmq') as typeof BullMQ;
  const { Redis } = require('ioredis') as typeof Ioredis;
  // BullMQ's blocking commands need maxRetriesPerRequest null.
  const connect = () => new Redis(options.url, { maxRetriesPerRequest: null });
  const queueConnection = connect();
  const queue = new Queue(name, { connection: queueConnection });
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;

  return {
    async enqueue(runId) {
      await queue.add(
        'run',
        { runId },
        { jobId: runId, removeOnComplete: true, removeOnFail: { count: 1000 } },
      );
    },
    process(handler) {
      workerConnection = connect();
      worker = new Worker(
        name,
        async (job) => {
          await handler((job.data as { runId: string }).runId);
        },
        {
          connection: workerConnection,
          concurrency: options.concurrency ?? 64,
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          // A stall is a dead worker, not a poisonous job: the store's lease keeps it safe to run again.
          maxStalledCount: 1000,
        },
      );
      // Errors are reported per job through the store; keep Redis hiccups from crashing the process.
      worker.on('error', () => undefined);
    },
    async close() {
      await worker?.close();
      await queue.close();
      queueConnection.disconnect();
      workerConnection?.disconnect();
    },
  };
}
