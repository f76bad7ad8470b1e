// The side-by-side table of a run: one row per figure, one column per system, Rampart/Portkey ratio, and
// the target with its verdict. n/a cells are explained in notes under the table.
import { formatTable } from '../lib/format-table.js';
import type { Outcome } from '../lib/outcome.js';
import type { GatewayBenchRun, SystemFigures, TargetCheck } from './gateway-results.js';

type SystemKey = 'simulator' | 'rampart' | 'portkey';
/** Reads one figure of one system; undefined when the row does not apply to that system. */
type Read = (figures: SystemFigures, system: SystemKey) => Outcome<number> | undefined;

interface Row {
  label: string;
  read: Read;
  format: (value: number) => string;
  targetId?: string;
  target?: string;
}

const MB = 1024 * 1024;
const na = (reason: string): Outcome<number> => ({ ok: false, reason });

/** Milliseconds with enough digits for sub-millisecond differences. */
export function formatMs(value: number): string {
  return Math.abs(value) < 10 ? value.toFixed(3) : value.toFixed(1);
}

/** Requests per second, whole, with thousands separators. */
export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A Rampart/Portkey ratio. */
export function formatRatio(ours: number, theirs: number): string {
  if (theirs === 0 || !Number.isFinite(ours / theirs)) return '—';
  const ratio = ours / theirs;
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}×`;
}

function scenario<T>(
  outcome: Outcome<T> | undefined,
  read: (value: T) => number | undefined,
  missing = 'not measured',
): Outcome<number> | undefined {
  if (!outcome) return undefined;
  if (!outcome.ok) return na(outcome.reason);
  const value = read(outcome.value);
  return value === undefined ? na(missing) : { ok: true, value };
}

function throughputRow(connections: number): Row {
  return {
    label: `throughput c=${connections} (req/s)`,
    read: (f) =>
      scenario(f.throughput, (t) => {
        const run = t.runs[connections];
        return run?.ok ? run.value.successPerSecond : undefined;
      }) ?? na('not measured'),
    format: formatRate,
    targetId: `throughput-c${connections}`,
    target: '≥ 10× Portkey',
  };
}

/** The simulator column of a paired figure shows the baseline the gateways were compared against. */
function baselineOf(key: 'latency' | 'streamTtfb', stat: 'p50' | 'p99'): Read {
  return (f, system) => {
    if (system === 'simulator') return undefined;
    return scenario(f[key], (l) => l.system[stat]);
  };
}

/**
 * Where failover with the primary tried is measured: Rampart's instance whose breaker cannot open (on the
 * default one the breaker opens in warm-up and every round skips the primary); Portkey has no breaker.
 */
function tried(f: SystemFigures): SystemFigures['fallback'] {
  return f.fallbackBreakerOff ?? f.fallback;
}

function rows(connections: readonly number[]): Row[] {
  return [
    ...connections.map(throughputRow),
    { label: 'latency c=1 p50 (ms)', read: baselineOf('latency', 'p50'), format: formatMs },
    { label: 'latency c=1 p99 (ms)', read: baselineOf('latency', 'p99'), format: formatMs },
    {
      label: 'added latency c=1 p50 (ms)',
      read: (f) => scenario(f.latency, (l) => l.added.p50),
      format: formatMs,
      targetId: 'added-latency-p50',
      target: '≤ 0.3 ms',
    },
    {
      label: 'added latency c=1 p99 (ms)',
      read: (f) => scenario(f.latency, (l) => l.added.p99),
      format: formatMs,
      targetId: 'added-latency-p99',
      target: '≤ 1.5 ms',
    },
    { label: 'stream TTFB p50 (ms)', read: baselineOf('streamTtfb', 'p50'), format: formatMs },
    {
      label: 'stream TTFB added p50 (ms)',
      read: (f) => scenario(f.streamTtfb, (s) => s.added.p50),
      format: formatMs,
      targetId: 'stream-ttfb-added',
      target: '≤ 1 ms',
    },
    {
      label: 'stream TTFB added p99 (ms)',
      read: (f) => scenario(f.streamTtfb, (s) => s.added.p99),
      format: formatMs,
    },
    {
      label: 'fallback: primary tried (% of rounds)',
      read: (f) => scenario(f.fallback, (x) => (100 * (x.primaryTried?.rounds ?? 0)) / x.rounds),
      format: (v) => v.toFixed(0),
    },
    {
      label: 'fallback 503→200 total p50 (ms)',
      read: (f) => scenario(tried(f), (x) => x.primaryTried?.total.p50, 'never tried the failing primary'),
      format: formatMs,
    },
    {
      label: 'fallback added p50 (ms) [primary tried]',
      read: (f) => scenario(tried(f), (x) => x.primaryTried?.added.p50, 'never tried the failing primary'),
      format: formatMs,
      targetId: 'failover-added',
      target: '≤ 1 ms',
    },
    {
      label: 'fallback added p99 (ms) [primary tried]',
      read: (f) => scenario(tried(f), (x) => x.primaryTried?.added.p99, 'never tried the failing primary'),
      format: formatMs,
    },
    {
      label: 'breaker open: total p50 (ms)',
      read: (f) =>
        scenario(
          f.fallback,
          (x) => x.primarySkipped?.total.p50,
          'never skipped the failing primary (no open breaker)',
        ),
      format: formatMs,
    },
    {
      label: 'breaker open: added p50 (ms) [vs secondary direct]',
      read: (f) =>
        scenario(
          f.fallback,
          (x) => x.primarySkipped?.added.p50,
          'never skipped the failing primary (no open breaker)',
        ),
      format: formatMs,
    },
    {
      label: 'breaker open: skip cost p50 (ms) [vs secondary via gateway]',
      read: (f) => scenario(f.breakerOpenSkip, (x) => x.added.p50),
      format: formatMs,
      targetId: 'failover-breaker-open',
      target: '≤ 0.1 ms',
    },
    {
      label: 'idle RSS (MB)',
      read: (f) =>
        scenario(f.throughput, (t) => (t.idleRssBytes === undefined ? undefined : t.idleRssBytes / MB)),
      format: (v) => v.toFixed(0),
    },
    {
      label: 'peak RSS under load (MB)',
      read: (f) =>
        scenario(f.throughput, (t) => (t.peakRssBytes === undefined ? undefined : t.peakRssBytes / MB)),
      format: (v) => v.toFixed(0),
      targetId: 'rss-under-load',
      target: '≤ 100 MB',
    },
  ];
}

/** Fills the simulator column of paired rows with the baseline measured alongside Rampart (else Portkey). */
function simulatorCell(row: Row, run: GatewayBenchRun): Outcome<number> | undefined {
  const own = row.read(run.systems.simulator, 'simulator');
  if (own) return own;
  if (row.label.startsWith('latency c=1')) {
    const stat = row.label.includes('p50') ? 'p50' : 'p99';
    return firstBaseline(run, (f) => scenario(f.latency, (l) => l.baseline[stat]));
  }
  if (row.label === 'stream TTFB p50 (ms)')
    return firstBaseline(run, (f) => scenario(f.streamTtfb, (s) => s.baseline.p50));
  return undefined;
}

function firstBaseline(
  run: GatewayBenchRun,
  read: (f: SystemFigures) => Outcome<number> | undefined,
): Outcome<number> | undefined {
  const rampart = read(run.systems.rampart);
  return rampart?.ok ? rampart : read(run.systems.portkey);
}

/** Renders the table and the notes explaining every n/a. */
export function renderGatewayTable(run: GatewayBenchRun): string {
  const notes = new Map<string, string>();
  const cell = (value: Outcome<number> | undefined, format: (v: number) => string, system: string) => {
    if (!value) return '—';
    if (value.ok) return format(value.value);
    const key = `${system}: ${value.reason}`;
    if (!notes.has(key)) notes.set(key, `[${notes.size + 1}] ${system}: ${value.reason}`);
    return `n/a [${[...notes.keys()].indexOf(key) + 1}]`;
  };
  const verdicts = new Map<string, TargetCheck>(run.targets.map((t) => [t.id, t]));
  const body = rows(run.settings.connections).map((row) => {
    const sim = simulatorCell(row, run);
    const ours = row.read(run.systems.rampart, 'rampart');
    const theirs = row.read(run.systems.portkey, 'portkey');
    const ratio = ours?.ok && theirs?.ok ? formatRatio(ours.value, theirs.value) : '—';
    const verdict = row.targetId ? verdicts.get(row.targetId) : undefined;
    return [
      row.label,
      cell(sim, row.format, 'simulator'),
      cell(ours, row.format, 'rampart'),
      cell(theirs, row.format, 'portkey'),
      ratio,
      row.target ?? '',
      verdict ? verdict.status.toUpperCase() : '',
    ];
  });
  const table = formatTable(
    [
      { title: 'figure' },
      { title: 'Simulator alone', align: 'right' },
      { title: 'Rampart', align: 'right' },
      { title: 'Portkey 1.15.2', align: 'right' },
      { title: 'Rampart/Portkey', align: 'right' },
      { title: 'target (Rampart)' },
      { title: 'result' },
    ],
    body,
  );
  // A loop cut short by its time budget still reports percentiles, over fewer samples: say so.
  const truncated: string[] = [];
  for (const system of ['rampart', 'portkey'] as const) {
    const f = run.systems[system];
    for (const [name, outcome, planned] of [
      ['latency c=1', f.latency, run.settings.latencyRounds],
      ['stream TTFB', f.streamTtfb, run.settings.streamRounds],
      ['fallback', f.fallback, run.settings.fallbackRounds],
    ] as const) {
      if (outcome?.ok && outcome.value.truncated) {
        truncated.push(
          `${system} ${name}: ${outcome.value.rounds} of ${planned} rounds (time budget reached)`,
        );
      }
    }
  }
  const extra = [...notes.values(), ...truncated];
  return extra.length === 0 ? table : `${table}\n\n${extra.join('\n')}`;
}
