// The one interface every shared-state backend implements. The routing engine, limits and budgets talk only to
// this; whether it is a Map in this process or Redis shared by replicas is a start-up decision.
import type { BreakerAcquireResult, BreakerRecordInput, BreakerSnapshot } from './breaker-state.js';

/** Source of "now" in epoch milliseconds; the in-process store takes one so tests can use fake time. */
export interface StateClock {
  now(): number;
}

/** Result of adding to a windowed rate counter. */
export interface RateResult {
  /** False when `limit` was given and adding `amount` would have exceeded it (nothing was added). */
  allowed: boolean;
  /** The window's count after this call (estimated for sliding windows). */
  count: number;
  /** When refused: how long until enough of the window has passed for this amount to fit (estimate). */
  retryAfterMs: number;
}

/** Options of a windowed rate counter (requests/min, tokens/min). */
export interface RateOptions {
  windowMs: number;
  /** Amount to add; 0 just reads. */
  amount: number;
  /** Refuse (add nothing) when count + amount would exceed this. */
  limit?: number;
  /** `fixed`: buckets aligned to the window; `sliding`: the previous bucket weighted by its overlap. */
  mode?: 'fixed' | 'sliding';
}

/** Result of taking from a token bucket. */
export interface TokenBucketResult {
  allowed: boolean;
  /** Tokens left after this call (fractional: refill is continuous). */
  tokens: number;
  /** When refused: how long until `amount` tokens will be there. */
  retryAfterMs: number;
}

/** Shape of a token bucket: it starts full and refills continuously. */
export interface TokenBucketOptions {
  capacity: number;
  refillPerSecond: number;
  /** Tokens to take; 0 just reads. */
  amount: number;
}

/** What to hold against a budget until the real amount is known. */
export interface ReserveOptions {
  /** Caller-chosen unique id of the reservation (e.g. the request id). */
  id: string;
  amount: number;
  limit: number;
  /** After this the reservation lapses and frees its amount, so a crashed holder cannot leak budget. */
  ttlMs: number;
  /**
   * How long the budget itself is kept after this write (a periodic budget: the rest of its period plus a
   * margin), so counters of past periods do not pile up; absent = kept until deleted.
   */
  keepMs?: number;
}

/** One counter of a rateAddMany call. */
export interface RateItem extends RateOptions {
  key: string;
}

/** One reservation of a reserveMany call. */
export interface ReserveItem extends ReserveOptions {
  key: string;
}

/** One settlement of a settleMany call. */
export interface SettleItem {
  key: string;
  id: string;
  actual: number;
  /** As ReserveOptions.keepMs. */
  keepMs?: number;
}

/** A budget's figures after an operation. */
export interface ReservationResult {
  /** Whether the operation took effect (reserve: fitted under the limit; settle/release: the id was held). */
  ok: boolean;
  /** Settled (spent) amount. */
  used: number;
  /** Amount held by live reservations. */
  reserved: number;
}

/** A message on a topic together with the topic's version after it. */
export interface TopicMessage {
  topic: string;
  message: string;
  version: number;
}

/** Shared fast state: breaker state, counters, buckets, budgets, leases, change notification. */
export interface StateStore {
  /** `in-process` or `redis`, for logs and start-up banners. */
  readonly kind: 'in-process' | 'redis';

  /** Current breaker state of `key` (closed when unknown). */
  breakerRead(key: string): Promise<BreakerSnapshot>;
  /** Records a call's outcome and applies the transition it causes, atomically. */
  breakerRecord(key: string, input: BreakerRecordInput): Promise<BreakerSnapshot>;
  /** Grants the half-open probe to `owner` if the cool-down is over and nobody holds a live probe lease. */
  breakerAcquireProbe(key: string, owner: string, leaseMs: number): Promise<BreakerAcquireResult>;
  /** Overwrites the breaker's state (restore a saved snapshot, or force open/closed by hand). */
  breakerRestore(key: string, snapshot: BreakerSnapshot): Promise<BreakerSnapshot>;
  /** Tells `listener` of every breaker transition made by any replica; returns an unsubscribe function. */
  watchBreakers(listener: (key: string, snapshot: BreakerSnapshot) => void): Promise<() => Promise<void>>;

  /** Adds `amount` to a plain counter (created with `ttlMs` when absent) and returns the new value. */
  counterAdd(key: string, amount: number, ttlMs: number): Promise<number>;
  /** Adds to a windowed rate counter, refusing without adding when a limit would be exceeded. */
  rateAdd(key: string, options: RateOptions): Promise<RateResult>;
  /** Adds to several rate counters in one call; each result is what rateAdd would have answered for its item. */
  rateAddMany(items: readonly RateItem[]): Promise<RateResult[]>;
  /** Takes tokens from a bucket, refusing without taking when there are not enough. */
  tokenBucketTake(key: string, options: TokenBucketOptions): Promise<TokenBucketResult>;

  /** Holds `amount` against a budget's limit, or refuses if used + reserved + amount would exceed it. */
  reserve(key: string, options: ReserveOptions): Promise<ReservationResult>;
  /** Holds on several budgets in one call; each result is what reserve would have answered for its item. */
  reserveMany(items: readonly ReserveItem[]): Promise<ReservationResult[]>;
  /** Replaces reservation `id` by the actual amount spent (recorded even if the reservation lapsed). */
  settle(key: string, id: string, actual: number, keepMs?: number): Promise<ReservationResult>;
  /** Settles several reservations in one call, each as settle would. */
  settleMany(items: readonly SettleItem[]): Promise<ReservationResult[]>;
  /** Drops reservation `id` without spending anything. */
  release(key: string, id: string): Promise<ReservationResult>;

  /** Takes the lease on `key` for `owner` if free (or already owner's); true when held afterwards. */
  leaseAcquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends `owner`'s lease; false when it is no longer owner's. */
  leaseRenew(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees the lease only if `owner` holds it. */
  leaseRelease(key: string, owner: string): Promise<boolean>;
  /** Reads a value set by compareAndSet or held as a lease owner. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `next` (undefined deletes) only if it currently is `expected` (undefined = absent). */
  compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean>;

  /** Bumps `topic`'s version and publishes `message` to every replica; returns the new version. */
  publish(topic: string, message: string): Promise<number>;
  /** The topic's version: poll it to catch up on messages pub/sub may have dropped. */
  topicVersion(topic: string): Promise<number>;
  /** Calls `listener` for each message published on `topic`; returns an unsubscribe function. */
  subscribe(topic: string, listener: (message: TopicMessage) => void): Promise<() => Promise<void>>;

  /** Releases connections and timers. */
  close(): Promise<void>;
}
