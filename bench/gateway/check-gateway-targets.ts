// The acceptance targets for Rampart, checked against a run. Pure: a run's figures in, verdicts out.
import type { Outcome } from '../lib/outcome.js';
import type { SystemFigures, TargetCheck } from './gateway-results.js';

const MB = 1024 * 1024;

function check(
  id: string,
  description: string,
  value: Outcome<number>,
  passes: (v: number) => boolean,
): TargetCheck {
  if (!value.ok) return { id, description, status: 'n/a', reason: value.reason };
  return { id, description, status: passes(value.value) ? 'pass' : 'fail', value: value.value };
}

function pick<T>(
  outcome: Outcome<T> | undefined,
  read: (value: T) => number | undefined,
  what: string,
): Outcome<number> {
  if (!outcome) return { ok: false, reason: `${what} was not measured` };
  if (!outcome.ok) return outcome;
  const value = read(outcome.value);
  return value === undefined ? { ok: false, reason: `${what} was not measured` } : { ok: true, value };
}

function throughputRatio(
  rampart: SystemFigures,
  portkey: SystemFigures,
  connections: number,
): Outcome<number> {
  const ours = pick(
    rampart.throughput,
    (t) => (t.runs[connections]?.ok ? t.runs[connections].value.successPerSecond : undefined),
    `Rampart c=${connections}`,
  );
  const theirs = pick(
    portkey.throughput,
    (t) => (t.runs[connections]?.ok ? t.runs[connections].value.successPerSecond : undefined),
    `Portkey c=${connections}`,
  );
  if (!ours.ok) return ours;
  if (!theirs.ok) return theirs;
  return { ok: true, value: ours.value / theirs.value };
}

/** Checks Rampart's figures against the targets, in the order the issue lists them. */
export function checkGatewayTargets(
  rampart: SystemFigures,
  portkey: SystemFigures,
  connections: readonly number[],
): TargetCheck[] {
  return [
    ...connections.map((c) =>
      check(
        `throughput-c${c}`,
        `throughput at ${c} connections ≥ 10× Portkey's (ratio)`,
        throughputRatio(rampart, portkey, c),
        (v) => v >= 10,
      ),
    ),
    check(
      'added-latency-p50',
      'added latency at 1 connection, p50 ≤ 0.3 ms',
      pick(rampart.latency, (l) => l.added.p50, 'latency'),
      (v) => v <= 0.3,
    ),
    check(
      'added-latency-p99',
      'added latency at 1 connection, p99 ≤ 1.5 ms',
      pick(rampart.latency, (l) => l.added.p99, 'latency'),
      (v) => v <= 1.5,
    ),
    check(
      'stream-ttfb-added',
      'streaming time to first byte added, p50 ≤ 1 ms',
      pick(rampart.streamTtfb, (s) => s.added.p50, 'stream TTFB'),
      (v) => v <= 1,
    ),
    check(
      'failover-added',
      "failover adds ≤ 1 ms beyond the failing upstream's own time (total − primary − secondary), p50",
      pick(
        rampart.fallbackBreakerOff ?? rampart.fallback,
        (f) => f.primaryTried?.added.p50,
        'fallback with the primary tried',
      ),
      (v) => v <= 1,
    ),
    // "Nothing once its breaker is open": the fallback request costs what the same request routed straight to the
    // secondary costs through the gateway, within the noise of paired rounds (the hop itself is the latency rows').
    check(
      'failover-breaker-open',
      'breaker open: failover adds nothing to the request served by the secondary without failover (≤ 0.1 ms), p50',
      pick(rampart.breakerOpenSkip, (f) => f.added.p50, 'breaker-open skip'),
      (v) => v <= 0.1,
    ),
    check(
      'rss-under-load',
      'peak RSS under load ≤ 100 MB',
      pick(
        rampart.throughput,
        (t) => (t.peakRssBytes === undefined ? undefined : t.peakRssBytes / MB),
        'RSS',
      ),
      (v) => v <= 100,
    ),
  ];
}
