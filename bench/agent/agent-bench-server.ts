// The server side of bench:agent, in its own process so its memory is measured alone: the threads API over the
// agent runtime (SQLite file by default; PostgreSQL and BullMQ when given), every run a scripted agent.
//   --port N  --store URL  --redis URL  --step-ms N  --concurrency N
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
const store = await openStore({ url: values.store!, poolSize: 20 });
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
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
process.stdout.write(`listening ${values.port}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(
    `event loop delay ms: p50 ${lag.percentile(50) / 1e6} p99 ${lag.percentile(99) / 1e6} max ${lag.max / 1e6}\n`,
  );
  void server.close().then(() => store.close().then(() => process.exit(0)));
});
