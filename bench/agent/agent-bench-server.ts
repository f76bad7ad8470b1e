// The server side of bench:agent, in its own process so its memory is measured alone: the threads API over the
// agent runtime (SQLite file by default; PostgreSQL and BullMQ when given), every run a scripted agent.
//   --port N  --store URL  --redis URL  --step-ms N  --concurrency N
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openStore } from '@rampart/store';
import { startThreadsTestServer } from '@rampart/agent/testing';
import { BENCH_SCRIPT } from './agent-bench-script.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    store: { type: 'string' },
    redis: { type: 'string' },
    'step-ms': { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1000' },
  },
  strict: true,
});
const stepMs = Number(values['step-ms']);
const opened = await openStore({ url: values.store!, poolSize: 20 });
// Counts the stream's store reads: one per stream (catching up at open) means every live event came from memory.
let eventReads = 0;
const store = {
  ...opened,
  runEvents: {
    ...opened.runEvents,
    list: (...args: Parameters<typeof opened.runEvents.list>) => {
      eventReads += 1;
      return opened.runEvents.list(...args);
    },
  },
};
const server = await startThreadsTestServer(store, BENCH_SCRIPT, {
  concurrency: Number(values.concurrency),
  model: { delays: { 1: stepMs, 2: stepMs, 3: stepMs } },
  // In-process signals are reliable; the poll is only a safety net.
  ssePollMs: 5000,
  ...(values.redis === undefined
    ? {}
    : { redisUrl: values.redis, queueName: `rampart-bench-${process.pid}` }),
});
// The test server listens on an ephemeral port; re-listen where the bench expects it.
await new Promise<void>((resolve) => server.server.close(() => resolve()));
// A backlog of 511 (Node's default) drops SYNs when 1,000 clients connect at once, and a dropped SYN is retried
// after 1 s, 3 s, 7 s: the bench would measure the kernel's retry timer, not the server.
await new Promise<void>((resolve) =>
  server.server.listen({ port: Number(values.port), host: '127.0.0.1', backlog: 4096 }, resolve),
);
server.server.maxConnections = 10_000;
// How long the server itself takes to answer the API's POSTs (request parsed → response finished).
const postMs: number[] = [];
server.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
  if (req.method !== 'POST') return;
  const t0 = performance.now();
  res.once('finish', () => postMs.push(performance.now() - t0));
});
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
process.stdout.write(`listening ${values.port}\n`);
process.on('SIGTERM', () => {
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  // One JSON line the bench reads back from this process's log.
  process.stdout.write(
    `event-loop-delay ${JSON.stringify({ p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) })}\n`,
  );
  postMs.sort((a, b) => a - b);
  const at = (p: number) =>
    Math.round(postMs[Math.min(postMs.length - 1, Math.floor((p / 100) * postMs.length))] ?? 0);
  process.stdout.write(
    `api-post-ms ${JSON.stringify({ n: postMs.length, p50: at(50), p99: at(99), eventReads })}\n`,
  );
  void server.close().then(() => store.close().then(() => process.exit(0)));
});
