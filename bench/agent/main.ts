// `npm run bench:agent`: 1,000 concurrent threads, each a scripted agent run (two tool steps and a streamed
// answer, 1 s of model time per step, about what an LLM call takes) through the threads API: create thread, post message, SSE to `done`.
// Prints throughput, event latency (event timestamp → client receipt) and the server's memory, and writes them to
// bench/results/. Bounded: a hard stop after 5 minutes.
//   --threads N (default 1000)  --step-ms N (default 200)  --store postgres  --redis (BullMQ on REDIS_URL)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, setGlobalDispatcher } from 'undici';
import { ChildProcessGroup } from '../lib/child-process-group.js';
import { findFreePort } from '../lib/find-free-port.js';
import { formatTable } from '../lib/format-table.js';
import { startRssSampler } from '../lib/sample-rss.js';
import { percentile, summarize } from '../lib/summarize-samples.js';
import { driveThread } from './agent-bench-client.js';

const TIME_LIMIT_MS = 5 * 60 * 1000;
const repoRoot = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '1000' },
    'step-ms': { type: 'string', default: '1000' },
    store: { type: 'string', default: 'sqlite' },
    redis: { type: 'boolean', default: false },
  },
  strict: true,
});
const threads = Number(values.threads);
const stepMs = Number(values['step-ms']);
const root = mkdtempSync(join(tmpdir(), 'rampart-bench-agent-'));
const storeUrl =
  values.store === 'postgres'
    ? `${process.env.RAMPART_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'}?schema=bench_agent_${process.pid}`
    : `sqlite:${join(root, 'rampart.db')}`;
const redisUrl = values.redis ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined;
// One connection per stream: the client must not be the bottleneck it measures.
setGlobalDispatcher(new Agent({ connections: null, pipelining: 0, keepAliveTimeout: 10_000 }));

const group = new ChildProcessGroup(root);
const guard = setTimeout(() => {
  console.error(`bench:agent exceeded ${TIME_LIMIT_MS / 60000} min; giving up`);
  group.killAllNow();
  process.exit(1);
}, TIME_LIMIT_MS).unref();

const port = await findFreePort();
const base = `http://127.0.0.1:${port}`;
const server = await group.start({
  name: 'agent-server',
  command: process.execPath,
  args: [
    '--import',
    'tsx',
    join(import.meta.dirname, 'agent-bench-server.ts'),
    '--port',
    String(port),
    '--store',
    storeUrl,
    '--step-ms',
    String(stepMs),
    ...(redisUrl === undefined ? [] : ['--redis', redisUrl]),
  ],
  readyUrl: `${base}/health`,
  readyTimeoutMs: 30_000,
});

const loadBefore = loadavg()[0] ?? 0;
const idle = startRssSampler({ server: server.pid }, 50);
await new Promise((r) => setTimeout(r, 300));
const idleRss = idle.stop().server?.peakBytes ?? 0;

const abort = AbortSignal.timeout(TIME_LIMIT_MS - 30_000);
const sampler = startRssSampler({ server: server.pid }, 100);
let inFlight = 0;
let peakInFlight = 0;
const t0 = Date.now();
const outcomes = await Promise.all(
  Array.from({ length: threads }, async (_, i) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    try {
      return await driveThread(base, `u${i}`, abort);
    } finally {
      inFlight -= 1;
    }
  }),
);
const wallMs = Date.now() - t0;
const rss = sampler.stop().server ?? { peakBytes: 0, samples: 0 };
const loadAfter = loadavg()[0] ?? 0;
await group.stopAll();
clearTimeout(guard);
rmSync(root, { recursive: true, force: true });

const completed = outcomes.filter((o) => o.ok);
const failures = outcomes.filter((o) => !o.ok);
const latencySamples = completed.flatMap((o) => o.latenciesMs).sort((a, b) => a - b);
const latencies = summarize(latencySamples.length > 0 ? latencySamples : [0]);
const latencyP95 = latencySamples.length > 0 ? percentile(latencySamples, 95) : 0;
const durations = summarize(completed.length > 0 ? completed.map((o) => o.endedAt - o.startedAt) : [0]);
const events = completed.reduce((n, o) => n + o.events, 0);
// Runs overlapping at once, judged by the clients: the most threads between their start and their end together.
const marks = completed.flatMap((o): Array<[number, number]> => [
  [o.startedAt, 1],
  [o.endedAt, -1],
]);
marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
let open = 0;
let peakOpen = 0;
for (const [, delta] of marks) peakOpen = Math.max(peakOpen, (open += delta));

const figures = {
  threads,
  completed: completed.length,
  failed: failures.length,
  failureSamples: failures.slice(0, 5).map((f) => f.error),
  wallMs,
  runsPerSecond: completed.length / (wallMs / 1000),
  eventsPerSecond: events / (wallMs / 1000),
  eventsPerRun: completed.length > 0 ? events / completed.length : 0,
  peakConcurrentThreads: peakOpen,
  eventLatencyMs: latencies,
  threadDurationMs: durations,
  /** Client-side phases (ms after the thread's start): created, posted, stream open. */
  phasesP50Ms: {
    created: summarize(completed.map((o) => o.phasesMs.created)).p50,
    posted: summarize(completed.map((o) => o.phasesMs.posted)).p50,
    opened: summarize(completed.map((o) => o.phasesMs.opened)).p50,
  },
  serverRssIdleMb: idleRss / 2 ** 20,
  serverRssPeakMb: rss.peakBytes / 2 ** 20,
  serverRssPerThreadKb: (rss.peakBytes - idleRss) / 1024 / Math.max(1, peakOpen),
};
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
console.log(
  `\nAgent bench — ${threads} threads, ${stepMs} ms per model step, store ${values.store}${redisUrl ? ' + BullMQ' : ' + in-process queue'}, ${cpus().length} CPUs, load ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}, Node ${process.versions.node}\n`,
);
console.log(
  formatTable(
    [{ title: 'measure' }, { title: 'Rampart', align: 'right' }, { title: 'target' }, { title: 'ok' }],
    [
      [
        'threads completed',
        `${completed.length}/${threads}`,
        'all',
        completed.length === threads ? 'yes' : 'NO',
      ],
      [
        'peak concurrent threads (client view)',
        String(peakOpen),
        '1000',
        peakOpen >= Math.min(1000, threads) ? 'yes' : 'NO',
      ],
      ['wall time', `${ms(wallMs)} ms`, '', ''],
      [
        'throughput',
        `${figures.runsPerSecond.toFixed(1)} runs/s, ${figures.eventsPerSecond.toFixed(0)} events/s`,
        '',
        '',
      ],
      [
        'live event latency p50 / p95 / p99',
        `${ms(latencies.p50)} / ${ms(latencyP95)} / ${ms(latencies.p99)} ms (n=${latencySamples.length})`,
        '',
        '',
      ],
      [
        'thread duration p50 / p99',
        `${ms(durations.p50)} / ${ms(durations.p99)} ms`,
        `≥ ${3 * stepMs} ms of model time`,
        '',
      ],
      [
        'server RSS idle → peak',
        `${figures.serverRssIdleMb.toFixed(0)} → ${figures.serverRssPeakMb.toFixed(0)} MB`,
        '',
        '',
      ],
      ['server RSS per concurrent thread', `${figures.serverRssPerThreadKb.toFixed(0)} KB`, '', ''],
    ],
  ),
);
if (failures.length > 0) console.log(`\nfailures (first 5): ${JSON.stringify(figures.failureSamples)}`);

const result = {
  bench: 'agent',
  at: new Date().toISOString(),
  host: { cpus: cpus().length, loadavg1Before: loadBefore, loadavg1: loadAfter, node: process.versions.node },
  settings: { threads, stepMs, store: values.store, queue: redisUrl ? 'bullmq' : 'in-process', workers: 1 },
  figures: { ...figures, eventLatencyP95Ms: latencyP95 },
};
const dir = join(repoRoot, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `agent-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(dir, 'agent-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${file}`);
process.exit(completed.length === threads ? 0 : 1);
