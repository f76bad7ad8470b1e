// `npm run bench:agent`: 1,000 concurrent threads, each a scripted agent run (two tool steps and a streamed
// answer, 1 s of model time per step, about what an LLM call takes) through the threads API: create thread, post message, SSE to `done`.
// Prints throughput, event latency (event timestamp → client receipt) and the server's memory, and writes them to
// bench/results/. Bounded: a hard stop after 5 minutes.
//   --threads N (default 1000)  --step-ms N (default 200)  --store postgres  --redis (BullMQ on REDIS_URL)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
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
    // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
    ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
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
// Every thread listens on this one signal (fetch and the SSE reader each add a listener).
setMaxListeners(4 * threads + 100, abort);
const sampler = startRssSampler({ server: server.pid }, 100);
// The client's own event loop: if it stalls, it delays what it measures.
const clientLag = monitorEventLoopDelay({ resolution: 10 });
clientLag.enable();
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
clientLag.disable();
const clientEventLoopDelayMs = {
  p50: clientLag.percentile(50) / 1e6,
  p99: clientLag.percentile(99) / 1e6,
  max: clientLag.max / 1e6,
};
const rss = sampler.stop().server ?? { peakBytes: 0, samples: 0 };
const loadAfter = loadavg()[0] ?? 0;
await group.stopAll();
clearTimeout(guard);
// The server's event-loop delay over the whole run (it prints it when stopped).
const loopLine = /event-loop-delay (\{.*\})/.exec(readFileSync(server.logPath, 'utf8'))?.[1];
const serverEventLoopDelayMs =
  loopLine === undefined ? null : (JSON.parse(loopLine) as Record<string, number>);
const postLine = /api-post-ms (\{.*\})/.exec(readFileSync(server.logPath, 'utf8'))?.[1];
const serverPostMs = postLine === undefined ? null : (JSON.parse(postLine) as Record<string, number>);
rmSync(root, { recursive: true, force: true });

const completed = outcomes.filter((o) => o.ok);
const failures = outcomes.filter((o) => !o.ok);
const latencySamples = completed.flatMap((o) => o.latenciesMs).sort((a, b) => a - b);
const latencies = summarize(latencySamples.length > 0 ? latencySamples : [0]);
const latencyP95 = latencySamples.length > 0 ? percentile(latencySamples, 95) : 0;
// By event type: where the tail comes from (run_started waits for the API; content waits for nothing but the loop).
const byType = new Map<string, number[]>();
for (const o of completed)
  o.eventTypes.forEach((type, i) => {
    const list = byType.get(type) ?? [];
    list.push(o.latenciesMs[i]!);
    byType.set(type, list);
  });
const latencyByType = Object.fromEntries(
  [...byType].map(([type, list]) => {
    list.sort((a, b) => a - b);
    return [type, { n: list.length, p50: percentile(list, 50), p95: percentile(list, 95) }];
  }),
);
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
  /** Every event of every completed run: its `at` (emitted) → received by the client. */
  eventLatencyMs: latencies,
  eventLatencySamples: latencySamples.length,
  eventLatencyByTypeMs: latencyByType,
  threadDurationMs: durations,
  /** Client-side phases (ms after the thread's start): created, posted, stream open. */
  phasesP50Ms: {
    created: summarize(completed.map((o) => o.phasesMs.created)).p50,
    posted: summarize(completed.map((o) => o.phasesMs.posted)).p50,
    opened: summarize(completed.map((o) => o.phasesMs.opened)).p50,
  },
  serverEventLoopDelayMs,
  clientEventLoopDelayMs,
  /** The server's own time to answer POSTs (create thread, post message): request parsed → response finished. */
  serverPostMs,
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
        'event latency (at → received, every event) p50 / p95 / p99',
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
      [
        'server event-loop delay p50 / p99 / max',
        serverEventLoopDelayMs === null
          ? 'n/a'
          : `${serverEventLoopDelayMs.p50} / ${serverEventLoopDelayMs.p99} / ${serverEventLoopDelayMs.max} ms`,
        '',
        '',
      ],
      ['server RSS per concurrent thread', `${figures.serverRssPerThreadKb.toFixed(0)} KB`, '', ''],
    ],
  ),
);
console.log(
  `\nclient event-loop delay p50 / p99 / max: ${clientEventLoopDelayMs.p50.toFixed(1)} / ${clientEventLoopDelayMs.p99.toFixed(1)} / ${clientEventLoopDelayMs.max.toFixed(1)} ms`,
);
console.log(`server time per POST (p50 / p99): ${serverPostMs?.p50} / ${serverPostMs?.p99} ms`);
console.log(
  `\nevent latency by type (p50 / p95 ms): ${Object.entries(latencyByType)
    .map(([type, l]) => `${type} ${l.p50}/${l.p95}`)
    .join(', ')}`,
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
