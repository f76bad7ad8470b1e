// A circuit breaker per target key. The state machine and its atomic transitions live in the StateStore
// (@rampart/state: in-process or Redis Lua), so all replicas share one breaker and one half-open probe. This
// class is the fast local face of it: tryAcquire() answers synchronously from a cached view, so skipping an
// open target costs no I/O. The view is kept fresh by (1) the replies to this replica's own records, (2) change
// messages from other replicas (CircuitBreakerRegistry subscribes once for all keys), (3) a background re-read
// when it is older than refreshMs, in case a message was lost. Only the half-open probe needs a round trip.
import { RampartError } from '@rampart/spec';
import type { BreakerSnapshot, BreakerState, BreakerThresholds, StateStore } from '@rampart/state';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type Random } from './clock.js';
import { Emitter } from './emitter.js';
import { resolveContext, type ExecuteOptions, type Policy, type PolicyContext } from './policy.js';
import { BrokenCircuitError, DeadlineExceededError } from './resilience-errors.js';

/** How a finished call counts: against the target, for it, or not at all (the caller cancelled). */
export type CallVerdict = 'failure' | 'success' | 'neutral';

/** Settings of one breaker. */
export interface CircuitBreakerOptions {
  store: StateStore;
  /** The target this breaker guards, e.g. `anthropic:claude-4`. */
  key: string;
  clock?: Clock;
  random?: Random;
  /** Open after this many failures in a row (0 disables). Default 5. */
  consecutiveFailures?: number;
  /** Open when this share of calls in the window failed (0 disables). Default 0.5… */
  failureRate?: number;
  /** …over at least this many calls. Default 20. */
  minimumCalls?: number;
  /** Rolling window length. Default 30 s. */
  windowMs?: number;
  /** Window resolution. Default 10 buckets. */
  buckets?: number;
  /** Cool-down before the probe. Default 30 s. */
  openMs?: number;
  /** Up to this fraction is added to each cool-down at random, so replicas do not probe in lockstep. Default 0.2. */
  openJitter?: number;
  /** The probe holds the half-open slot this long at most (a crashed prober frees it then). Default 30 s. */
  probeLeaseMs?: number;
  /** A cached view older than this is re-read in the background. Default 1 s. */
  refreshMs?: number;
  /** How an error counts. Default: see defaultCallVerdict. */
  classify?: (error: unknown, signal: AbortSignal) => CallVerdict;
  /** Names this replica in probe tokens (logs). Default a random id. */
  replicaId?: string;
}

/** Leave to make one call; report its outcome with recordSuccess/recordFailure/release. */
export interface BreakerPermit {
  readonly key: string;
  /** True when this call is the half-open probe. */
  readonly probe: boolean;
  readonly token: string | undefined;
}

/** tryAcquire()'s answer. */
export type BreakerAdmission =
  | { kind: 'allowed'; permit: BreakerPermit }
  | { kind: 'rejected'; state: BreakerState; retryAfterMs: number }
  | { kind: 'probe'; acquire(): Promise<BreakerPermit | undefined> };

/**
 * Default verdict: a retryable RampartError (5xx, timeouts, cut streams) or an unknown error counts against
 * the target; a non-retryable RampartError (4xx: the request was wrong) shows the target answering; a rate
 * limit (429) is back-pressure, not breakage: opening the breaker on it would shut the target for everyone
 * for a whole cool-down (TargetCooldowns paces it instead); the request's own deadline or the caller's
 * cancel says nothing about the target.
 */
export function defaultCallVerdict(error: unknown, signal: AbortSignal): CallVerdict {
  if (error instanceof DeadlineExceededError) return 'neutral';
  if (error instanceof RampartError && error.code === 'rate_limited') return 'neutral';
  if (error instanceof RampartError) return error.retryable ? 'failure' : 'success';
  if (signal.aborted) return 'neutral';
  return 'failure';
}

/** A circuit breaker for one target, sharing its state with every replica through the store. */
export class CircuitBreaker implements Policy {
  readonly key: string;
  readonly #store: StateStore;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #thresholds: Omit<BreakerThresholds, 'openMs'>;
  readonly #openMs: number;
  readonly #openJitter: number;
  readonly #probeLeaseMs: number;
  readonly #refreshMs: number;
  readonly #classify: (error: unknown, signal: AbortSignal) => CallVerdict;
  readonly #replicaId: string;
  #snapshot: BreakerSnapshot;
  /** Store clock minus local clock, learned from each reply, so time-driven transitions are judged locally. */
  #offset = 0;
  #fetchedAt = -Infinity;
  #refreshing = false;
  /** While a probe is asked for or running here, other local callers are refused without a round trip. */
  #probingUntil = 0;
  #probeCount = 0;
  #emittedKind: BreakerState['kind'] = 'closed';
  #emittedSince: number;
  /** The closed-state answer is always the same, so it is made once: the hot path allocates nothing. */
  readonly #allowed: BreakerAdmission;
  readonly #pending = new Set<Promise<void>>();

  readonly #stateChange = new Emitter<BreakerState>();
  readonly #break = new Emitter<BreakerState & { kind: 'open' }>();
  readonly #reset = new Emitter<void>();
  readonly #halfOpen = new Emitter<void>();
  readonly #error = new Emitter<unknown>();
  /** Every state change this replica observes (its own transitions and other replicas'). */
  readonly onStateChange = this.#stateChange.listen;
  /** The breaker opened. */
  readonly onBreak = this.#break.listen;
  /** The breaker closed again. */
  readonly onReset = this.#reset.listen;
  /** The cool-down ended: the next caller may probe. */
  readonly onHalfOpen = this.#halfOpen.listen;
  /** The store failed; the breaker keeps answering from its last view. */
  readonly onError = this.#error.listen;

  constructor(options: CircuitBreakerOptions) {
    this.key = options.key;
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#thresholds = {
      consecutiveFailures: options.consecutiveFailures ?? 5,
      failureRate: options.failureRate ?? 0.5,
      minimumCalls: options.minimumCalls ?? 20,
      windowMs: options.windowMs ?? 30_000,
      buckets: options.buckets ?? 10,
    };
    this.#openMs = options.openMs ?? 30_000;
    this.#openJitter = options.openJitter ?? 0.2;
    this.#probeLeaseMs = options.probeLeaseMs ?? 30_000;
    this.#refreshMs = options.refreshMs ?? 1000;
    this.#classify = options.classify ?? defaultCallVerdict;
    this.#replicaId = options.replicaId ?? randomUUID();
    const now = this.#clock.now();
    this.#snapshot = {
      state: { kind: 'closed', since: now },
      consecutiveFailures: 0,
      successes: 0,
      failures: 0,
      // Older than anything the store says: the first real snapshot (a reply or another replica's
      // announcement) always replaces this assumed one.
      at: -Infinity,
    };
    this.#emittedSince = now;
    this.#allowed = Object.freeze({
      kind: 'allowed' as const,
      permit: Object.freeze({ key: this.key, probe: false, token: undefined }),
    });
  }

  /** The state as this replica sees it now (no I/O). */
  get state(): BreakerState {
    return this.#view(this.#storeNow());
  }

  /** The last snapshot seen, for saving; restore() puts one back. */
  snapshot(): BreakerSnapshot {
    return { ...this.#snapshot, state: this.state };
  }

  /**
   * May a call go? Synchronous and I/O-free: closed → allowed; open, or half-open with the probe taken →
   * rejected (skip this target at no cost); half-open and free → `probe`, whose acquire() asks the store
   * for the one probe slot across all replicas.
   */
  tryAcquire(): BreakerAdmission {
    const now = this.#storeNow();
    this.#maybeRefresh();
    const state = this.#view(now);
    this.#emitIfChanged(state);
    switch (state.kind) {
      case 'closed':
        return this.#allowed;
      case 'open':
        return { kind: 'rejected', state, retryAfterMs: state.until - now };
      case 'half-open':
        if (state.probe !== undefined)
          return { kind: 'rejected', state, retryAfterMs: state.probe.until - now };
        if (this.#probingUntil > this.#clock.now())
          return { kind: 'rejected', state, retryAfterMs: this.#probeLeaseMs };
        return { kind: 'probe', acquire: () => this.#acquireProbe() };
    }
  }

  /** Reports a successful call (a probe's success closes the breaker). */
  recordSuccess(permit: BreakerPermit): Promise<void> {
    return this.#record(permit, 'success');
  }

  /** Reports a failed call (may open the breaker; a probe's failure reopens it). */
  recordFailure(permit: BreakerPermit): Promise<void> {
    return this.#record(permit, 'failure');
  }

  /** Gives a permit back without a verdict (the caller cancelled); a probe slot is freed for the next caller. */
  release(permit: BreakerPermit): Promise<void> {
    if (!permit.probe) return Promise.resolve();
    return this.#record(permit, 'release');
  }

  /** Runs `fn` if the breaker lets it, recording its outcome; throws BrokenCircuitError otherwise. */
  async execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T> {
    const context = resolveContext(options, this.#clock);
    const admission = this.tryAcquire();
    let permit: BreakerPermit | undefined;
    if (admission.kind === 'allowed') permit = admission.permit;
    else if (admission.kind === 'probe') permit = await admission.acquire();
    if (permit === undefined) {
      const retryAfterMs = admission.kind === 'rejected' ? admission.retryAfterMs : this.#probeLeaseMs;
      throw new BrokenCircuitError(this.key, Math.max(0, retryAfterMs));
    }
    try {
      const result = await fn(context);
      // Not awaited: the answer should not wait for bookkeeping (idle() waits for it when needed).
      void this.recordSuccess(permit);
      return result;
    } catch (error) {
      const verdict = this.#classify(error, context.signal);
      if (verdict === 'failure') void this.recordFailure(permit);
      else if (verdict === 'success') void this.recordSuccess(permit);
      else void this.release(permit);
      throw error;
    }
  }

  /** Writes a saved snapshot back to the store (shared by all replicas). */
  async restore(snapshot: BreakerSnapshot): Promise<void> {
    this.#observe(await this.#store.breakerRestore(this.key, snapshot), true);
  }

  /** Re-reads the store now. */
  async refresh(): Promise<BreakerState> {
    this.#observe(await this.#store.breakerRead(this.key), true);
    return this.state;
  }

  /** Takes in a snapshot learned elsewhere (another replica's transition, via the registry). */
  observe(snapshot: BreakerSnapshot): void {
    this.#observe(snapshot, false);
  }

  /** Resolves when every outcome reported so far has reached the store. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #storeNow(): number {
    return this.#clock.now() + this.#offset;
  }

  // Time-driven transitions (cool-down over, probe lease lapsed) are applied locally, on the store's clock.
  #view(now: number): BreakerState {
    const state = this.#snapshot.state;
    if (state.kind === 'open' && now >= state.until)
      return { kind: 'half-open', since: state.until, probe: undefined };
    if (state.kind === 'half-open' && state.probe !== undefined && now >= state.probe.until) {
      return { kind: 'half-open', since: state.since, probe: undefined };
    }
    return state;
  }

  #track(promise: Promise<void>): Promise<void> {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
    return promise;
  }

  #maybeRefresh(): void {
    if (this.#refreshing || this.#clock.now() - this.#fetchedAt < this.#refreshMs) return;
    this.#refreshing = true;
    void this.#track(
      this.#store.breakerRead(this.key).then(
        (snapshot) => {
          this.#refreshing = false;
          this.#observe(snapshot, true);
        },
        (error: unknown) => {
          this.#refreshing = false;
          // Do not hammer a store that is down: wait a full refresh period before trying again.
          this.#fetchedAt = this.#clock.now();
          this.#error.emit(error);
        },
      ),
    );
  }

  async #acquireProbe(): Promise<BreakerPermit | undefined> {
    if (this.#probingUntil > this.#clock.now()) return undefined;
    this.#probingUntil = this.#clock.now() + this.#probeLeaseMs;
    this.#probeCount += 1;
    const token = `${this.#replicaId}:${this.#probeCount}`;
    try {
      const { granted, snapshot } = await this.#store.breakerAcquireProbe(
        this.key,
        token,
        this.#probeLeaseMs,
      );
      this.#observe(snapshot, true);
      if (granted) return { key: this.key, probe: true, token };
      this.#probingUntil = 0;
      // Someone closed it meanwhile: go as a normal call.
      if (snapshot.state.kind === 'closed') return { key: this.key, probe: false, token: undefined };
      return undefined;
    } catch (error) {
      this.#probingUntil = 0;
      this.#error.emit(error);
      return undefined;
    }
  }

  #record(permit: BreakerPermit, outcome: 'success' | 'failure' | 'release'): Promise<void> {
    if (permit.probe) this.#probingUntil = 0;
    const openMs = this.#openMs * (1 + this.#openJitter * this.#random());
    return this.#track(
      this.#store
        .breakerRecord(this.key, {
          outcome,
          ...(permit.probe && permit.token !== undefined ? { owner: permit.token } : {}),
          thresholds: { ...this.#thresholds, openMs },
        })
        .then(
          (snapshot) => this.#observe(snapshot, true),
          (error: unknown) => this.#error.emit(error),
        ),
    );
  }

  #observe(snapshot: BreakerSnapshot, direct: boolean): void {
    const local = this.#clock.now();
    if (direct) {
      this.#offset = snapshot.at - local;
      this.#fetchedAt = local;
    }
    // Replies and messages can arrive out of order; the store's clock tells which is newer.
    if (snapshot.at < this.#snapshot.at) return;
    this.#snapshot = snapshot;
    this.#emitIfChanged(this.#view(this.#storeNow()));
  }

  #emitIfChanged(state: BreakerState): void {
    if (state.kind === this.#emittedKind && state.since === this.#emittedSince) return;
    this.#emittedKind = state.kind;
    this.#emittedSince = state.since;
    this.#stateChange.emit(state);
    if (state.kind === 'open') this.#break.emit(state);
    else if (state.kind === 'closed') this.#reset.emit();
    else this.#halfOpen.emit();
  }
}
