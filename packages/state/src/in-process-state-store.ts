// The embedded default: every operation on plain Maps in this process, with the same semantics the Redis
// store has across replicas. JavaScript runs one operation to completion at a time, so each method is atomic
// without locks. Time comes from the injected clock, so tests drive expiry with fake time.
import {
  acquireBreakerProbe,
  breakerRecordFrom,
  breakerSnapshot,
  breakerStateChanged,
  newBreakerRecord,
  recordBreakerOutcome,
  type BreakerAcquireResult,
  type BreakerRecord,
  type BreakerRecordInput,
  type BreakerSnapshot,
} from './breaker-state.js';
import { rateDecision, tokenBucketDecision } from './rate-math.js';
import type {
  RateItem,
  RateOptions,
  RateResult,
  ReservationResult,
  ReserveItem,
  ReserveOptions,
  SettleItem,
  StateClock,
  StateStore,
  TokenBucketOptions,
  TokenBucketResult,
  TopicMessage,
} from './state-store.js';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface Budget {
  used: number;
  /** Sum of the live holds' amounts, kept as they come and go (not summed on every call). */
  reserved: number;
  holds: Map<string, { amount: number; expiresAt: number }>;
  /** No hold lapses before this, so lapsed holds are looked for only once it has passed. */
  earliestHoldExpiry: number;
  /** When the whole budget is dropped (keepMs); Infinity = kept. */
  expiresAt: number;
}

/** Options of the in-process store. */
export interface InProcessStateStoreOptions {
  /** Defaults to the system clock (Date.now). */
  clock?: StateClock;
}

const systemClock: StateClock = { now: () => Date.now() };
// Expired entries are removed lazily on access, and swept wholesale every this many writes so keys that are
// never read again do not pile up.
const SWEEP_EVERY = 1024;

/** Shared state held in this process: exact, zero-latency, gone when the process exits. */
export class InProcessStateStore implements StateStore {
  readonly kind = 'in-process' as const;
  readonly #clock: StateClock;
  readonly #values = new Map<string, Expiring<string>>();
  readonly #counters = new Map<string, Expiring<number>>();
  readonly #buckets = new Map<string, Expiring<{ tokens: number; at: number }>>();
  readonly #rates = new Map<
    string,
    { windowMs: number; index: number; current: number; previous: number; expiresAt: number }
  >();
  readonly #budgets = new Map<string, Budget>();
  readonly #breakers = new Map<string, BreakerRecord>();
  readonly #breakerWatchers = new Set<(key: string, snapshot: BreakerSnapshot) => void>();
  readonly #topics = new Map<string, { version: number; listeners: Set<(message: TopicMessage) => void> }>();
  #writes = 0;

  constructor(options: InProcessStateStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async breakerRead(key: string): Promise<BreakerSnapshot> {
    const record = this.#breakers.get(key);
    const now = this.#clock.now();
    return record === undefined ? breakerSnapshot(newBreakerRecord(now), now) : breakerSnapshot(record, now);
  }

  async breakerRecord(key: string, input: BreakerRecordInput): Promise<BreakerSnapshot> {
    return this.#mutateBreaker(key, (record, now) => recordBreakerOutcome(record, input, now));
  }

  async breakerAcquireProbe(key: string, owner: string, leaseMs: number): Promise<BreakerAcquireResult> {
    let granted = false;
    const snapshot = this.#mutateBreaker(key, (record, now) => {
      granted = acquireBreakerProbe(record, owner, leaseMs, now);
    });
    return { granted, snapshot };
  }

  async breakerRestore(key: string, snapshot: BreakerSnapshot): Promise<BreakerSnapshot> {
    const now = this.#clock.now();
    const before = this.#breakers.get(key);
    const beforeState = before === undefined ? undefined : breakerSnapshot(before, now).state;
    const record = breakerRecordFrom(snapshot);
    this.#breakers.set(key, record);
    const after = breakerSnapshot(record, now);
    if (beforeState === undefined || breakerStateChanged(beforeState, after.state))
      this.#notifyBreaker(key, after);
    return after;
  }

  async watchBreakers(
    listener: (key: string, snapshot: BreakerSnapshot) => void,
  ): Promise<() => Promise<void>> {
    this.#breakerWatchers.add(listener);
    return async () => void this.#breakerWatchers.delete(listener);
  }

  #mutateBreaker(key: string, mutate: (record: BreakerRecord, now: number) => void): BreakerSnapshot {
    const now = this.#clock.now();
    let record = this.#breakers.get(key);
    if (record === undefined) {
      record = newBreakerRecord(now);
      this.#breakers.set(key, record);
    }
    const before = breakerSnapshot(record, now).state;
    mutate(record, now);
    const after = breakerSnapshot(record, now);
    if (breakerStateChanged(before, after.state)) this.#notifyBreaker(key, after);
    return after;
  }

  #notifyBreaker(key: string, snapshot: BreakerSnapshot): void {
    // Delivered asynchronously, as Redis pub/sub is, so listeners never run inside a store operation.
    for (const listener of this.#breakerWatchers) queueMicrotask(() => listener(key, snapshot));
  }

  async counterAdd(key: string, amount: number, ttlMs: number): Promise<number> {
    return this.#add(key, amount, ttlMs);
  }

  #live<T>(map: Map<string, Expiring<T>>, key: string, now: number): Expiring<T> | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  #add(key: string, amount: number, ttlMs: number): number {
    this.#wrote();
    const now = this.#clock.now();
    const entry = this.#live(this.#counters, key, now);
    if (entry === undefined) {
      this.#counters.set(key, { value: amount, expiresAt: now + ttlMs });
      return amount;
    }
    entry.value += amount;
    return entry.value;
  }

  async rateAdd(key: string, options: RateOptions): Promise<RateResult> {
    return this.#rateAdd(key, options, this.#clock.now());
  }

  async rateAddMany(items: readonly RateItem[]): Promise<RateResult[]> {
    const now = this.#clock.now();
    return items.map((item) => this.#rateAdd(item.key, item, now));
  }

  #rateAdd(key: string, options: RateOptions, now: number): RateResult {
    const { windowMs, amount, limit } = options;
    const index = Math.floor(now / windowMs);
    const elapsed = now - index * windowMs;
    // One entry per counter holding its current and previous window: one lookup by the caller's key, where
    // counters per `key:window` cost three lookups of freshly built strings (the limiter makes nine calls a request).
    let rate = this.#rates.get(key);
    if (
      rate === undefined ||
      rate.windowMs !== windowMs ||
      (rate.index !== index && rate.index !== index - 1)
    ) {
      rate = { windowMs, index, current: 0, previous: 0, expiresAt: (index + 2) * windowMs };
      this.#rates.set(key, rate);
    } else if (rate.index === index - 1) {
      rate.previous = rate.current;
      rate.current = 0;
      rate.index = index;
      rate.expiresAt = (index + 2) * windowMs;
    }
    const previous = options.mode === 'sliding' ? rate.previous : 0;
    const decision = rateDecision({ current: rate.current, previous, amount, limit, windowMs, elapsed });
    if (decision.allowed && amount !== 0) {
      this.#wrote();
      rate.current += amount;
    }
    return decision;
  }

  async tokenBucketTake(key: string, options: TokenBucketOptions): Promise<TokenBucketResult> {
    this.#wrote();
    const now = this.#clock.now();
    const stored = this.#live(this.#buckets, key, now)?.value;
    const result = tokenBucketDecision(stored, options, now);
    this.#buckets.set(key, { value: { tokens: result.tokens, at: now }, expiresAt: now + result.ttlMs });
    return { allowed: result.allowed, tokens: result.tokens, retryAfterMs: result.retryAfterMs };
  }

  #budget(key: string, now: number): Budget {
    let budget = this.#budgets.get(key);
    if (budget === undefined || budget.expiresAt <= now) {
      budget = { used: 0, reserved: 0, holds: new Map(), earliestHoldExpiry: Infinity, expiresAt: Infinity };
      this.#budgets.set(key, budget);
    }
    if (budget.earliestHoldExpiry <= now) {
      let earliest = Infinity;
      for (const [id, hold] of budget.holds) {
        if (hold.expiresAt <= now) {
          budget.holds.delete(id);
          budget.reserved -= hold.amount;
        } else if (hold.expiresAt < earliest) earliest = hold.expiresAt;
      }
      budget.earliestHoldExpiry = earliest;
    }
    return budget;
  }

  #keep(budget: Budget, now: number, keepMs: number | undefined): void {
    if (keepMs !== undefined) budget.expiresAt = now + keepMs;
  }

  #reserve(key: string, options: ReserveOptions, now: number): ReservationResult {
    const budget = this.#budget(key, now);
    // A retried reserve with the same id must not hold twice.
    if (budget.holds.has(options.id)) return { ok: true, used: budget.used, reserved: budget.reserved };
    if (budget.used + budget.reserved + options.amount > options.limit)
      return { ok: false, used: budget.used, reserved: budget.reserved };
    const expiresAt = now + options.ttlMs;
    budget.holds.set(options.id, { amount: options.amount, expiresAt });
    budget.reserved += options.amount;
    if (expiresAt < budget.earliestHoldExpiry) budget.earliestHoldExpiry = expiresAt;
    this.#keep(budget, now, options.keepMs);
    return { ok: true, used: budget.used, reserved: budget.reserved };
  }

  #drop(budget: Budget, id: string): boolean {
    const hold = budget.holds.get(id);
    if (hold === undefined) return false;
    budget.holds.delete(id);
    budget.reserved -= hold.amount;
    return true;
  }

  #settle(
    key: string,
    id: string,
    actual: number,
    keepMs: number | undefined,
    now: number,
  ): ReservationResult {
    const budget = this.#budget(key, now);
    const held = this.#drop(budget, id);
    // The spend happened whether or not the hold lapsed meanwhile, so it is always recorded.
    budget.used += actual;
    this.#keep(budget, now, keepMs);
    return { ok: held, used: budget.used, reserved: budget.reserved };
  }

  async reserve(key: string, options: ReserveOptions): Promise<ReservationResult> {
    this.#wrote();
    return this.#reserve(key, options, this.#clock.now());
  }

  async reserveMany(items: readonly ReserveItem[]): Promise<ReservationResult[]> {
    this.#wrote();
    const now = this.#clock.now();
    return items.map((item) => this.#reserve(item.key, item, now));
  }

  async settle(key: string, id: string, actual: number, keepMs?: number): Promise<ReservationResult> {
    return this.#settle(key, id, actual, keepMs, this.#clock.now());
  }

  async settleMany(items: readonly SettleItem[]): Promise<ReservationResult[]> {
    const now = this.#clock.now();
    return items.map((item) => this.#settle(item.key, item.id, item.actual, item.keepMs, now));
  }

  async release(key: string, id: string): Promise<ReservationResult> {
    const budget = this.#budget(key, this.#clock.now());
    const held = this.#drop(budget, id);
    return { ok: held, used: budget.used, reserved: budget.reserved };
  }

  async leaseAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.#wrote();
    const now = this.#clock.now();
    const current = this.#live(this.#values, key, now);
    if (current !== undefined && current.value !== owner) return false;
    this.#values.set(key, { value: owner, expiresAt: now + ttlMs });
    return true;
  }

  async leaseRenew(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.#clock.now();
    const current = this.#live(this.#values, key, now);
    if (current?.value !== owner) return false;
    current.expiresAt = now + ttlMs;
    return true;
  }

  async leaseRelease(key: string, owner: string): Promise<boolean> {
    const current = this.#live(this.#values, key, this.#clock.now());
    if (current?.value !== owner) return false;
    this.#values.delete(key);
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#live(this.#values, key, this.#clock.now())?.value;
  }

  async compareAndSet(
    key: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean> {
    this.#wrote();
    const now = this.#clock.now();
    if (this.#live(this.#values, key, now)?.value !== expected) return false;
    if (next === undefined) this.#values.delete(key);
    else this.#values.set(key, { value: next, expiresAt: ttlMs === undefined ? Infinity : now + ttlMs });
    return true;
  }

  #topic(topic: string): { version: number; listeners: Set<(message: TopicMessage) => void> } {
    let entry = this.#topics.get(topic);
    if (entry === undefined) {
      entry = { version: 0, listeners: new Set() };
      this.#topics.set(topic, entry);
    }
    return entry;
  }

  async publish(topic: string, message: string): Promise<number> {
    const entry = this.#topic(topic);
    entry.version += 1;
    const event: TopicMessage = { topic, message, version: entry.version };
    for (const listener of entry.listeners) queueMicrotask(() => listener(event));
    return entry.version;
  }

  async topicVersion(topic: string): Promise<number> {
    return this.#topics.get(topic)?.version ?? 0;
  }

  async subscribe(topic: string, listener: (message: TopicMessage) => void): Promise<() => Promise<void>> {
    const entry = this.#topic(topic);
    entry.listeners.add(listener);
    return async () => void entry.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#breakerWatchers.clear();
    for (const entry of this.#topics.values()) entry.listeners.clear();
  }

  #wrote(): void {
    this.#writes += 1;
    if (this.#writes % SWEEP_EVERY !== 0) return;
    const now = this.#clock.now();
    for (const map of [this.#values, this.#counters, this.#buckets, this.#budgets, this.#rates] as Map<
      string,
      { expiresAt: number }
    >[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }
}
