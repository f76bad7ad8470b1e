// `npm run bench:chaos`: (a) requests over the talk's 4-level fallback with every target failing
// independently; (b) the rate-limit cascade (primary 429 for 30 s, capacity-limited backup, a surge above
// its capacity). Simulator and gateway each run in their own process (a fresh gateway per scenario, so
// breaker state does not leak between them); this process is the load generator. Prints figures next to
// targets and writes bench/results/chaos-<timestamp>.json and chaos-latest.json.
//   --requests N (100000)  --concurrency C (64)  --max-seconds S  time limit for (a) (600)
//   --last-level-retries R (3)  --quick (5,000 requests, short cascade)  --only a|b
//   --no-backup-pace  (b) without the backup's `capacity`: cooling alone
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildProcessGroup } from '../lib/child-process-group.js';
import { formatTable } from '../lib/format-table.js';
import { summarize } from '../lib/summarize-samples.js';
import type { RateStage } from './arrival-schedule.js';
import {
  CASCADE_MODEL,
  FALLBACK_MODEL,
  cascadeRoute,
  fourLevelRoute,
  gatewayConfig,
  type BreakerSettings,
} from './chaos-configs.js';
import { startGateway } from './chaos-processes.js';
import { startSimulatorProcess } from '../lib/start-simulator-process.js';
import { simControl } from '../lib/sim-control.js';
import { cascadeFigures, fallbackFigures, type ChaosFigure, type FallbackSummary } from './chaos-verdicts.js';
import { mergeTallies } from './fallback-tally.js';
import { runCascadeScenario, type CascadeResult } from './run-cascade-scenario.js';
import { runFallbackScenario } from './run-fallback-scenario.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    requests: { type: 'string' },
    concurrency: { type: 'string' },
    'max-seconds': { type: 'string' },
    'last-level-retries': { type: 'string' },
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-backup-pace': { type: 'boolean', default: false },
  },
  strict: true,
});
const int = (value: string | undefined, fallback: number) => {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`not a non-negative integer: ${value}`);
  return parsed;
};
const requests = int(values.requests, values.quick ? 5_000 : 100_000);
const fallbackSettings = {
  requests,
  streamShare: 0.5,
  failureRate: 0.1,
  concurrency: int(values.concurrency, 64),
  // Split between the two phases; a phase that hits it reports itself truncated.
  maxSecondsPerPhase: int(values['max-seconds'], 600) / 2,
  clientTimeoutMs: 30_000,
};
const lastLevelRetries = int(values['last-level-retries'], 3);
// Gateway defaults on purpose: what a user gets without tuning (consecutive 5, rate 0.5 over ≥ 20 calls).
const fallbackBreaker: BreakerSettings = {};
// Sized for a shared 2-core box: the gateway serves ~60 two-hop req/s here, so the backup's limit must be
// what saturates, not the gateway's CPU. Ratios are the talk's: a surge well above the backup's capacity.
const cascadeStages: RateStage[] = values.quick
  ? [
      { seconds: 4, perSecond: 30 },
      { seconds: 4, perSecond: 80 },
      { seconds: 8, perSecond: 30 },
    ]
  : [
      { seconds: 10, perSecond: 30 },
      { seconds: 5, perSecond: 80 },
      { seconds: 20, perSecond: 30 },
    ];
const cascadeSettings = {
  primaryDownSeconds: values.quick ? 12 : 30,
  backupRequestsPerSecond: 50,
  backupBurst: 10,
  stages: cascadeStages,
  clientTimeoutMs: 30_000,
};
const cascadeDeadlineMs = 15_000;
const cascadeBackupRetries = 8;
const cascadeBreaker: BreakerSettings = {};
// The gateway paces the backup at its known quota; a burst of 2 keeps any clock second within quota + 2.
// --no-backup-pace leaves it out, to see what cooling alone does (no target `capacity` configured).
const cascadeBackupPace = values['no-backup-pace']
  ? undefined
  : { requests_per_second: cascadeSettings.backupRequestsPerSecond, burst: 2 };

const started = Date.now();
const log = (message: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);
const workDir = mkdtempSync(join(tmpdir(), 'rampart-bench-chaos-'));
const groups: ChildProcessGroup[] = [];
const newGroup = () => {
  const group = new ChildProcessGroup(workDir);
  groups.push(group);
  return group;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const group of groups) group.killAllNow();
    process.exit(130);
  });
}

const loadAverageBefore = loadavg();
let fallback: FallbackSummary | undefined;
let cascade: CascadeResult | undefined;
const configs: Record<string, unknown> = {};
let failedToRun: string | undefined;
try {
  log(`child process logs: ${workDir}`);
  const simulator = await startSimulatorProcess(newGroup(), repoRoot);
  const sim = simControl(simulator.url);
  if (values.only !== 'b') {
    const route = fourLevelRoute(lastLevelRetries);
    configs.a = gatewayConfig(simulator.url, FALLBACK_MODEL, route, fallbackBreaker);
    const group = newGroup();
    const gateway = await startGateway(group, repoRoot, workDir, 'gateway-a', configs.a, 'warn');
    await sim.reset();
    const phases = await runFallbackScenario(gateway.url, sim, fallbackSettings, log);
    await group.stopAll();
    const total = mergeTallies(phases.map((p) => p.tally));
    const latency = total.latenciesMs.length > 0 ? summarize(total.latenciesMs) : undefined;
    const wallMs = phases.reduce((sum, p) => sum + p.run.wallMs, 0);
    const injected: FallbackSummary['injected'] = {};
    for (const phase of phases)
      for (const [label, counts] of Object.entries(phase.injected)) {
        const into = (injected[label] ??= { calls: 0, fired: 0 });
        into.calls += counts.calls;
        into.fired += counts.fired;
      }
    fallback = {
      requested: requests,
      truncated: phases.some((p) => p.run.truncated),
      total,
      plain: phases[0]!.tally,
      stream: phases[1]!.tally,
      circuitOpenSkips: total.breakerSkips,
      injected,
      p50Ms: latency?.p50 ?? 0,
      p99Ms: latency?.p99 ?? 0,
      requestsPerSecond: wallMs > 0 ? (total.requests * 1000) / wallMs : 0,
    };
  }
  if (values.only !== 'a') {
    configs.b = gatewayConfig(
      simulator.url,
      CASCADE_MODEL,
      cascadeRoute(cascadeBackupRetries, cascadeDeadlineMs, cascadeBackupPace),
      cascadeBreaker,
    );
    const group = newGroup();
    const gateway = await startGateway(group, repoRoot, workDir, 'gateway-b', configs.b, 'warn');
    cascade = await runCascadeScenario(gateway.url, sim, cascadeSettings, log);
    await group.stopAll();
  }
} catch (error) {
  failedToRun = error instanceof Error ? error.message : String(error);
  log(`benchmark failed: ${failedToRun}`);
} finally {
  for (const group of groups) await group.stopAll();
}

const figures: ChaosFigure[] = [
  ...(fallback ? fallbackFigures(fallback) : []),
  ...(cascade
    ? cascadeFigures({
        offered: cascade.offered,
        complete: cascade.tally.complete,
        backupCapacity: cascadeSettings.backupRequestsPerSecond,
        backupBurst: cascadeSettings.backupBurst,
        backupPeakPerSecond: cascade.providers.bedrock?.peakRequestsPerSecond ?? 0,
        backupCalls: cascade.providers.bedrock?.requests ?? 0,
        backupRefused: cascade.providers.bedrock?.outcomes.rate_limited ?? 0,
        primaryCalls: cascade.providers.anthropic?.requests ?? 0,
        failuresByKind: cascade.tally.failuresByKind,
      })
    : []),
];
const startedAt = new Date(started).toISOString();
const run = {
  startedAt,
  wallSeconds: (Date.now() - started) / 1000,
  environment: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageBefore,
    loadAverageAfter: loadavg(),
    gitCommit: gitCommit(),
  },
  settings: {
    fallback: { ...fallbackSettings, lastLevelRetries, breaker: fallbackBreaker },
    cascade: {
      ...cascadeSettings,
      deadlineMs: cascadeDeadlineMs,
      backupRetries: cascadeBackupRetries,
      backupPace: cascadeBackupPace,
      breaker: cascadeBreaker,
    },
  },
  gatewayConfigs: configs,
  ...(failedToRun ? { failedToRun } : {}),
  figures,
  fallback: fallback && {
    ...fallback,
    total: { ...fallback.total, latenciesMs: undefined },
    plain: { ...fallback.plain, latenciesMs: undefined },
    stream: { ...fallback.stream, latenciesMs: undefined },
  },
  cascade: cascade && { ...cascade, tally: { ...cascade.tally, latenciesMs: undefined } },
};
const resultsDir = join(repoRoot, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const json = `${JSON.stringify(run, null, 2)}\n`;
const stamped = join(resultsDir, `chaos-${startedAt.replace(/[:.]/g, '-')}.json`);
writeFileSync(stamped, json);
writeFileSync(join(resultsDir, 'chaos-latest.json'), json);
if (!failedToRun) rmSync(workDir, { recursive: true, force: true });

const verdict = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'pass' : 'FAIL');
const samples = [...(fallback?.total.failureSamples ?? []), ...(cascade?.tally.failureSamples ?? [])].slice(
  0,
  6,
);
process.stdout.write(
  [
    '',
    formatTable(
      [{ title: 'figure' }, { title: 'value', align: 'right' }, { title: 'target' }, { title: '' }],
      figures.map((f) => [f.figure, f.value, f.target, verdict(f.pass)]),
    ),
    '',
    ...(samples.length > 0
      ? [
          'First failures (what the client saw; the attempts header as sent):',
          ...samples.map((s) => `  #${s.index} ${JSON.stringify(s.verdict)} ${s.attempts}`),
          '',
        ]
      : []),
    `${run.environment.cpus} × ${run.environment.cpuModel}, Node ${run.environment.node}; load average ${loadAverageBefore.map((l) => l.toFixed(2)).join(' ')} before, ${run.environment.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')} after (a shared machine: other work adds noise).`,
    `Wall time ${run.wallSeconds.toFixed(0)} s. Figures: ${stamped}`,
    ...(failedToRun ? [`Did not finish: ${failedToRun}. Child process logs: ${workDir}`] : []),
    '',
  ].join('\n'),
);

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
