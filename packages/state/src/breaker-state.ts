// The circuit-breaker state machine, as plain data and pure functions. The in-process store runs these
// directly; lua/breaker-scripts.ts runs the same rules inside Redis. The shared contract test holds them equal.
//
//   closed ──(N consecutive failures, or failure rate ≥ r over ≥ m calls in the window)──▶ open
//   open ──(cool-down over: the next caller asks for the probe)──▶ half-open (probe leased to ONE owner)
//   half-open ──probe success──▶ closed      half-open ──probe failure──▶ open
//   a probe whose lease lapses (crashed prober) frees the slot for the next caller.
// Outcomes of calls that are not the probe are ignored while open/half-open: they started before the break.

/** Breaker state: a discriminated union on `kind`; times are store-clock epoch ms. */
export type BreakerState =
  | { kind: 'closed'; since: number }
  | { kind: 'open'; since: number; until: number }
  | { kind: 'half-open'; since: number; probe: { owner: string; until: number } | undefined };

/** A breaker's state plus the figures that drive it; what stores return and what can be saved/restored. */
export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** Successes and failures in the rolling window. */
  successes: number;
  failures: number;
  /** The store's clock when this snapshot was taken. */
  at: number;
}

/** When a breaker opens and for how long; sent with every record so the store stays policy-free. */
export interface BreakerThresholds {
  /** Open after this many failures in a row (0 disables). */
  consecutiveFailures: number;
  /** Open when failures / calls reaches this rate (0 disables)… */
  failureRate: number;
  /** …over at least this many calls in the window. */
  minimumCalls: number;
  /** Length of the rolling window. */
  windowMs: number;
  /** Number of buckets the window is cut into (its resolution). */
  buckets: number;
  /** Cool-down before a probe may go; the caller adds jitter so replicas do not probe in lockstep. */
  openMs: number;
}

/** A call's outcome; `release` gives back a probe that neither succeeded nor failed (caller cancelled). */
export interface BreakerRecordInput {
  outcome: 'success' | 'failure' | 'release';
  /** The probe token, when this call was the half-open probe. */
  owner?: string;
  thresholds: BreakerThresholds;
}

/** Answer to a probe request. */
export interface BreakerAcquireResult {
  granted: boolean;
  snapshot: BreakerSnapshot;
}

/** Mutable internal form used by the in-process store. */
export interface BreakerRecord {
  kind: BreakerState['kind'];
  since: number;
  until: number;
  probeOwner: string | undefined;
  probeUntil: number;
  consecutive: number;
  /** Window bucket index (floor(now / bucketMs)) → counts. */
  buckets: Map<number, { s: number; f: number }>;
  bucketMs: number;
  bucketCount: number;
}

/** A fresh closed breaker. */
export function newBreakerRecord(now: number): BreakerRecord {
  return {
    kind: 'closed',
    since: now,
    until: 0,
    probeOwner: undefined,
    probeUntil: 0,
    consecutive: 0,
    buckets: new Map(),
    bucketMs: 1,
    bucketCount: 1,
  };
}

/** Applies the time-driven transitions: open → half-open after the cool-down, a lapsed probe lease freed. */
export function advanceBreaker(record: BreakerRecord, now: number): void {
  if (record.kind === 'open' && now >= record.until) {
    record.kind = 'half-open';
    record.since = record.until;
    record.probeOwner = undefined;
  }
  if (record.kind === 'half-open' && record.probeOwner !== undefined && now >= record.probeUntil) {
    record.probeOwner = undefined;
  }
}

function windowCounts(record: BreakerRecord, now: number): { s: number; f: number } {
  const current = Math.floor(now / record.bucketMs);
  let s = 0;
  let f = 0;
  for (const [index, counts] of record.buckets) {
    if (index <= current - record.bucketCount) record.buckets.delete(index);
    else {
      s += counts.s;
      f += counts.f;
    }
  }
  return { s, f };
}

function open(record: BreakerRecord, now: number, openMs: number): void {
  record.kind = 'open';
  record.since = now;
  record.until = now + openMs;
  record.probeOwner = undefined;
  record.consecutive = 0;
  record.buckets.clear();
}

function close(record: BreakerRecord, now: number): void {
  record.kind = 'closed';
  record.since = now;
  record.probeOwner = undefined;
  record.consecutive = 0;
  record.buckets.clear();
}

/** Records an outcome and applies the transition it causes. */
export function recordBreakerOutcome(record: BreakerRecord, input: BreakerRecordInput, now: number): void {
  const { thresholds } = input;
  advanceBreaker(record, now);
  if (record.kind === 'half-open') {
    if (input.owner === undefined || input.owner !== record.probeOwner) return;
    if (input.outcome === 'success') close(record, now);
    else if (input.outcome === 'failure') open(record, now, thresholds.openMs);
    else record.probeOwner = undefined;
    return;
  }
  if (record.kind === 'open' || input.outcome === 'release') return;

  const bucketMs = Math.max(1, Math.floor(thresholds.windowMs / thresholds.buckets));
  if (bucketMs !== record.bucketMs || thresholds.buckets !== record.bucketCount) {
    // The window's shape changed (new config): old buckets no longer line up, start afresh.
    record.buckets.clear();
    record.bucketMs = bucketMs;
    record.bucketCount = thresholds.buckets;
  }
  const index = Math.floor(now / bucketMs);
  const bucket = record.buckets.get(index) ?? { s: 0, f: 0 };
  record.buckets.set(index, bucket);
  if (input.outcome === 'success') {
    bucket.s += 1;
    record.consecutive = 0;
  } else {
    bucket.f += 1;
    record.consecutive += 1;
  }
  // Always computed, so buckets that slid out of the window are pruned even when only successes arrive.
  const { s, f } = windowCounts(record, now);
  if (input.outcome === 'success') return;
  const tooManyInARow =
    thresholds.consecutiveFailures > 0 && record.consecutive >= thresholds.consecutiveFailures;
  const rateTooHigh =
    thresholds.failureRate > 0 && s + f >= thresholds.minimumCalls && f >= thresholds.failureRate * (s + f);
  if (tooManyInARow || rateTooHigh) open(record, now, thresholds.openMs);
}

/** Grants the half-open probe to `owner` when the cool-down is over and no live lease is held by another. */
export function acquireBreakerProbe(
  record: BreakerRecord,
  owner: string,
  leaseMs: number,
  now: number,
): boolean {
  advanceBreaker(record, now);
  if (record.kind !== 'half-open') return false;
  if (record.probeOwner !== undefined && record.probeOwner !== owner) return false;
  record.probeOwner = owner;
  record.probeUntil = now + leaseMs;
  return true;
}

/** The record as a snapshot, after applying time-driven transitions. */
export function breakerSnapshot(record: BreakerRecord, now: number): BreakerSnapshot {
  advanceBreaker(record, now);
  const { s: successes, f: failures } = windowCounts(record, now);
  return {
    state: breakerStateOf(record),
    consecutiveFailures: record.consecutive,
    successes,
    failures,
    at: now,
  };
}

function breakerStateOf(record: BreakerRecord): BreakerState {
  switch (record.kind) {
    case 'closed':
      return { kind: 'closed', since: record.since };
    case 'open':
      return { kind: 'open', since: record.since, until: record.until };
    case 'half-open':
      return {
        kind: 'half-open',
        since: record.since,
        probe:
          record.probeOwner === undefined
            ? undefined
            : { owner: record.probeOwner, until: record.probeUntil },
      };
  }
}

/** Rebuilds a record from a saved snapshot (window counts are not restored: they are short-lived by nature). */
export function breakerRecordFrom(snapshot: BreakerSnapshot): BreakerRecord {
  const { state } = snapshot;
  return {
    kind: state.kind,
    since: state.since,
    until: state.kind === 'open' ? state.until : 0,
    probeOwner: state.kind === 'half-open' ? state.probe?.owner : undefined,
    probeUntil: state.kind === 'half-open' ? (state.probe?.until ?? 0) : 0,
    consecutive: snapshot.consecutiveFailures,
    buckets: new Map(),
    bucketMs: 1,
    bucketCount: 1,
  };
}

/** Whether two snapshots differ in a way watchers care about (state kind, its times, the probe holder). */
export function breakerStateChanged(a: BreakerState, b: BreakerState): boolean {
  if (a.kind !== b.kind || a.since !== b.since) return true;
  if (a.kind === 'open' && b.kind === 'open') return a.until !== b.until;
  if (a.kind === 'half-open' && b.kind === 'half-open') return a.probe?.owner !== b.probe?.owner;
  return false;
}
