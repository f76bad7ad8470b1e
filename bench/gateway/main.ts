// `npm run bench:gateway`: the simulator alone, Rampart and Portkey's gateway, each in its own process in
// front of the same simulator process, measured one scenario and one system at a time so they never compete
// for the CPU. Prints the side-by-side table and writes the figures to bench/results/.
//   --duration S         seconds per throughput run (default 8)     --warmup S  warm-up load per system (2)
//   --latency-rounds N   paired c=1 rounds (2000)                   --stream-rounds N  (500)
//   --fallback-rounds N  (500)                                       --quick     short smoke run
//   --rampart-log-level L  (default: the CLI's own, info)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildProcessGroup } from '../lib/child-process-group.js';
import { attempt, notAvailable, type Outcome } from '../lib/outcome.js';
import { checkGatewayTargets } from './check-gateway-targets.js';
import { chatCompletionProblem, chatStreamProblem } from './check-response.js';
import {
  chatRequest,
  directPrimaryRequest,
  directSecondaryRequest,
  fallbackRequest,
  PRIMARY_FAILURE_RULE,
  secondaryViaRampart,
  type SystemName,
  type SystemUrls,
} from './gateway-requests.js';
import type { GatewayBenchRun, SystemFigures } from './gateway-results.js';
import {
  portkeyServerPath,
  startPortkeyProcess,
  startRampartProcess,
  type StartedSystem,
} from './gateway-systems.js';
import { measureAddedLatency } from './measure-added-latency.js';
import { measureFallback } from './measure-fallback.js';
import {
  measureMeteredShare,
  meteredRequest,
  renderMeteredLine,
  startMeteredRampart,
  type MeteredShare,
} from './measure-metered.js';
import { measureThroughput, type ThroughputFigures } from './measure-throughput.js';
import { findFreePort } from '../lib/find-free-port.js';
import { formatRate, renderGatewayTable } from './render-gateway-table.js';
import { simControl } from '../lib/sim-control.js';
import { startSimulatorProcess } from '../lib/start-simulator-process.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'latency-rounds': { type: 'string' },
    'stream-rounds': { type: 'string' },
    'fallback-rounds': { type: 'string' },
    'rampart-log-level': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
  strict: true,
});
const number = (value: string | undefined, fallback: number, quick: number) => {
  const parsed = value === undefined ? (values.quick ? quick : fallback) : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`not a non-negative number: ${value}`);
  return parsed;
};
const settings = {
  durationSeconds: number(values.duration, 8, 2),
  warmupSeconds: number(values.warmup, 2, 1),
  connections: [10, 50],
  latencyRounds: number(values['latency-rounds'], 2000, 300),
  streamRounds: number(values['stream-rounds'], 500, 100),
  fallbackRounds: number(values['fallback-rounds'], 500, 100),
  rampartLogLevel: values['rampart-log-level'] ?? 'info (CLI default)',
};

const started = Date.now();
const log = (message: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);
const workDir = mkdtempSync(join(tmpdir(), 'rampart-bench-gateway-'));
const group = new ChildProcessGroup(workDir);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    group.killAllNow();
    process.exit(130);
  });
}

const loadAverageBefore = loadavg()[0] ?? 0;
const systems: Record<SystemName, SystemFigures> = {
  simulator: { started: notAvailable('not started'), throughput: notAvailable('not run') },
  rampart: { started: notAvailable('not started'), throughput: notAvailable('not run') },
  portkey: { started: notAvailable('not started'), throughput: notAvailable('not run') },
};
const gateways = ['rampart', 'portkey'] as const;
// The fallback rows exercise paths the throughput runs never touch (a second upstream, its protocol, the skip);
// 50 rounds left them partly unoptimized by the JIT in every system (measured: Rampart's breaker-open figure
// fell from ~0.56 to ~0.40 ms between 50 and 1,500 warm-up rounds), so they get a warm-up like the others.
const FALLBACK_WARMUP_ROUNDS = 500;
/** Rounds of the metered-vs-bare share; each system gets the throughput run's duration in all. */
const METERED_ROUNDS = 4;
const meteredRoundSeconds = Math.max(1, settings.durationSeconds / METERED_ROUNDS);
/** Rampart with virtual keys, limits and the ledger on, as a share of the bare gateway's throughput. */
let metered: Outcome<Record<string, Outcome<MeteredShare>>> = notAvailable('not run');
let reference: Outcome<ThroughputFigures> = notAvailable('not run');

try {
  log(`logs of the child processes: ${workDir}`);
  const simulator = await startSimulatorProcess(group, repoRoot);
  const processes: Partial<Record<SystemName, StartedSystem>> = { simulator };
  systems.simulator.started = { ok: true, value: { pid: simulator.process.pid, url: simulator.url } };
  const logLevel = values['rampart-log-level'];
  const starters = {
    rampart: () => startRampartProcess(group, repoRoot, workDir, simulator.url, logLevel),
    portkey: () => startPortkeyProcess(group, repoRoot),
  };
  // A second Rampart whose breaker cannot open (0 disables each trigger), so failover with the failing
  // primary really tried is measured; the default instance's breaker opens in warm-up and skips it.
  const breakerOff = await attempt(() =>
    startRampartProcess(group, repoRoot, workDir, simulator.url, logLevel, {
      name: 'rampart-breaker-off',
      breaker: { consecutive_failures: 0, failure_rate: 0 },
    }),
  );
  for (const name of gateways) {
    const outcome = await attempt(starters[name]);
    if (outcome.ok) processes[name] = outcome.value;
    systems[name].started = outcome.ok
      ? { ok: true, value: { pid: outcome.value.process.pid, url: outcome.value.url } }
      : outcome;
    log(
      outcome.ok
        ? `${name} ready at ${outcome.value.url} (pid ${outcome.value.process.pid})`
        : `${name} did not start: ${outcome.reason}`,
    );
  }
  const urls: SystemUrls = { simulator: simulator.url };
  if (processes.rampart) urls.rampart = processes.rampart.url;
  if (processes.portkey) urls.portkey = processes.portkey.url;
  const whenRunning = async <T>(name: SystemName, measure: () => Promise<T>): Promise<Outcome<T>> => {
    const figures = systems[name].started;
    if (!figures.ok) return notAvailable(`did not start (${figures.reason})`);
    await simControl(simulator.url).reset();
    return attempt(measure);
  };

  for (const name of ['simulator', ...gateways] as const) {
    log(
      `throughput: ${name}, ${settings.connections.join(' and ')} connections × ${settings.durationSeconds} s`,
    );
    const pid = processes[name]?.process.pid ?? 0;
    systems[name].throughput = await whenRunning(name, () =>
      measureThroughput(chatRequest(name, urls)!, pid, {
        connections: settings.connections,
        durationSeconds: settings.durationSeconds,
        warmupSeconds: settings.warmupSeconds,
      }),
    );
    if (name === 'rampart') {
      log(
        `throughput: rampart with auth + limits + ledger vs bare, ${settings.connections.join(' and ')} connections, ${METERED_ROUNDS} alternating rounds × ${meteredRoundSeconds} s each`,
      );
      metered = await attempt(async () => {
        const instance = await startMeteredRampart(group, repoRoot, workDir, simulator.url, logLevel);
        await simControl(simulator.url).reset();
        const bare = chatRequest('rampart', urls)!;
        return measureMeteredShare(bare, meteredRequest(bare, instance), {
          connections: settings.connections,
          rounds: METERED_ROUNDS,
          roundSeconds: meteredRoundSeconds,
          warmupSeconds: settings.warmupSeconds,
          settleSeconds: settings.durationSeconds,
        });
      });
    }
  }
  // The ceiling for any Node proxy here (reference-proxy-main.mjs): measured like the others, reported apart.
  log(
    `throughput: reference proxy (node:http + undici, nothing else), ${settings.connections.join(' and ')} connections`,
  );
  reference = await attempt(async () => {
    const port = await findFreePort();
    const proxy = await group.start({
      name: 'reference-proxy',
      command: process.execPath,
      args: [
        join(repoRoot, 'bench/gateway/reference-proxy-main.mjs'),
        '--upstream',
        simulator.url,
        '--port',
        String(port),
      ],
      cwd: repoRoot,
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    await simControl(simulator.url).reset();
    const request = chatRequest('simulator', urls)!;
    return measureThroughput({ ...request, url: `http://127.0.0.1:${port}/v1/chat/completions` }, proxy.pid, {
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
    });
  });
  for (const name of gateways) {
    log(`added latency at 1 connection: ${name}, ${settings.latencyRounds} paired rounds`);
    systems[name].latency = await whenRunning(name, () =>
      measureAddedLatency({
        baseline: chatRequest('simulator', urls)!,
        measured: chatRequest(name, urls)!,
        figure: 'totalMs',
        problem: (timing) => chatCompletionProblem(timing),
        warmup: 200,
        rounds: settings.latencyRounds,
        maxMs: 25_000,
      }),
    );
  }
  for (const name of gateways) {
    log(`stream time to first byte: ${name}, ${settings.streamRounds} paired rounds`);
    systems[name].streamTtfb = await whenRunning(name, () =>
      measureAddedLatency({
        baseline: chatRequest('simulator', urls, true)!,
        measured: chatRequest(name, urls, true)!,
        figure: 'firstByteMs',
        problem: chatStreamProblem,
        warmup: 50,
        rounds: settings.streamRounds,
        maxMs: 15_000,
      }),
    );
  }
  log(`fallback 503 → 200: rampart with its breaker off, ${settings.fallbackRounds} rounds`);
  systems.rampart.fallbackBreakerOff = breakerOff.ok
    ? await whenRunning('rampart', async () =>
        measureFallback({
          simulatorUrl: simulator.url,
          viaSystem: fallbackRequest('rampart', { ...urls, rampart: breakerOff.value.url })!,
          directPrimary: directPrimaryRequest(urls),
          directSecondary: directSecondaryRequest(urls),
          warmup: FALLBACK_WARMUP_ROUNDS,
          rounds: settings.fallbackRounds,
          maxMs: 15_000,
        }),
      )
    : notAvailable(`the breaker-off instance did not start (${breakerOff.reason})`);
  for (const name of gateways) {
    log(`fallback 503 → 200: ${name}, ${settings.fallbackRounds} rounds`);
    systems[name].fallback = await whenRunning(name, () =>
      measureFallback({
        simulatorUrl: simulator.url,
        viaSystem: fallbackRequest(name, urls)!,
        directPrimary: directPrimaryRequest(urls),
        directSecondary: directSecondaryRequest(urls),
        warmup: FALLBACK_WARMUP_ROUNDS,
        rounds: settings.fallbackRounds,
        maxMs: 15_000,
      }),
    );
  }
  log(`breaker open: fallback vs the secondary through rampart, ${settings.fallbackRounds} paired rounds`);
  systems.rampart.breakerOpenSkip = await whenRunning('rampart', async () => {
    const sim = simControl(simulator.url);
    await sim.addFaults([PRIMARY_FAILURE_RULE]);
    try {
      return await measureAddedLatency({
        baseline: secondaryViaRampart(urls)!,
        measured: fallbackRequest('rampart', urls)!,
        figure: 'totalMs',
        problem: (timing) => chatCompletionProblem(timing),
        // The failing primary's breaker opens within the warm-up (and stays open: its probes fail too).
        warmup: FALLBACK_WARMUP_ROUNDS,
        rounds: settings.fallbackRounds,
        maxMs: 15_000,
      });
    } finally {
      await sim.reset();
    }
  });
} finally {
  await group.stopAll();
}

const run: GatewayBenchRun = {
  startedAt: new Date(started).toISOString(),
  finishedAt: new Date().toISOString(),
  wallSeconds: (Date.now() - started) / 1000,
  environment: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageBefore,
    loadAverageAfter: loadavg()[0] ?? 0,
    portkeyVersion: (
      JSON.parse(readFileSync(join(portkeyServerPath(repoRoot), '../../package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
    gitCommit: gitCommit(),
  },
  settings,
  systems,
  reference,
  targets: checkGatewayTargets(systems.rampart, systems.portkey, settings.connections),
};

const resultsDir = join(repoRoot, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const json = `${JSON.stringify({ ...run, rampartMetered: metered }, null, 2)}\n`;
const stamped = join(resultsDir, `gateway-${run.startedAt.replace(/[:.]/g, '-')}.json`);
writeFileSync(stamped, json);
writeFileSync(join(resultsDir, 'gateway-latest.json'), json);
// Child logs are kept when a system did not start: they say why.
const allStarted = Object.values(systems).every((s) => s.started.ok);
if (allStarted) rmSync(workDir, { recursive: true, force: true });

process.stdout.write(
  [
    '',
    renderGatewayTable(run),
    renderMeteredLine(metered),
    '',
    referenceLine(run),
    `${run.environment.cpus} × ${run.environment.cpuModel}, Node ${run.environment.node}; load average ${run.environment.loadAverageBefore.toFixed(2)} before, ${run.environment.loadAverageAfter.toFixed(2)} after (other work on this machine adds noise).`,
    `Wall time ${run.wallSeconds.toFixed(0)} s. Figures: ${stamped}`,
    ...(allStarted ? [] : [`Child process logs: ${workDir}`]),
    '',
  ].join('\n'),
);

/** The reference proxy's throughput next to what 10× Portkey would need. */
function referenceLine(run: GatewayBenchRun): string {
  if (!run.reference?.ok) return `Reference proxy: n/a (${run.reference?.reason ?? 'not run'}).`;
  const runs = run.reference.value.runs;
  const parts = run.settings.connections.map((c) => {
    const figure = runs[c];
    const portkey = run.systems.portkey.throughput;
    const tenX =
      portkey.ok && portkey.value.runs[c]?.ok ? 10 * portkey.value.runs[c].value.successPerSecond : undefined;
    return `c=${c} ${figure?.ok ? formatRate(figure.value.successPerSecond) : 'n/a'} req/s${tenX === undefined ? '' : ` (10× Portkey = ${formatRate(tenX)})`}`;
  });
  return `Ceiling of any Node proxy here (bench/gateway/reference-proxy-main.mjs: node:http + undici, no routing, logging or metering): ${parts.join(', ')}.`;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
