// Walks a compiled route for one request: fallback in order, loadbalance by weight over healthy children,
// retries with jittered backoff only where no healthy alternative is left, circuit breakers consulted
// before every attempt (an open target is skipped without I/O), all inside one deadline. Rate limits are
// back-pressure, not breakage: a throttled target cools for a time every replica shares (its retry-after
// when given) and is skipped meanwhile in favour of a healthy alternative, or waited for when none is left;
// a target with a configured `capacity` is paced by a token bucket in the state store, so the retries and
// fallbacks of every client together never stampede it.
import { RampartError, UpstreamError, toRampartError, type ChatRequest } from '@rampart/spec';
import {
  BrokenCircuitError,
  AttemptTimeoutError,
  RateGuard,
  RetryPolicy,
  TargetCooldowns,
  TargetThrottledError,
  defaultCallVerdict,
  type BreakerPermit,
  type CircuitBreaker,
  type CircuitBreakerRegistry,
  type Clock,
  type Deadline,
  type Random,
} from '@rampart/resilience';
import { InProcessStateStore, type StateStore } from '@rampart/state';
import type { LeafRetry, ParamOverrides, RouteLeaf, RouteNode } from './compile-route.js';
import type { RouteAttempt } from './route-attempt.js';
import { effectiveStatus, shouldFallBack } from './should-fall-back.js';
import { weightedOrder } from './weighted-order.js';

/** Makes one attempt on one leaf; must honour `signal`. */
export type AttemptFn<T> = (leaf: RouteLeaf, request: ChatRequest, signal: AbortSignal) => Promise<T>;

/** A successful attempt: what it produced, where, and the breaker permit it ran under. */
export interface Served<T> {
  value: T;
  leaf: RouteLeaf;
  permit: BreakerPermit;
  breaker: CircuitBreaker;
}

/** State of one request's walk through its route. */
export interface RouteRun {
  deadline: Deadline;
  /** Every attempt and skip, in order; appended to as the walk goes. */
  attempts: RouteAttempt[];
  /** Leaves not to try (e.g. the one whose stream was cut, when continuing elsewhere). */
  exclude?: ReadonlySet<RouteLeaf>;
}

/** What the executor needs. */
export interface RouteExecutorDeps {
  breakers: CircuitBreakerRegistry;
  clock: Clock;
  random: Random;
  /** Where cooling times and capacity buckets are shared (Redis across replicas); in-process by default. */
  state?: StateStore;
}

/** A capacity wait longer than this is refused at once even without a deadline. */
const MAX_CAPACITY_WAIT_MS = 30_000;

/** No target could be tried: every one was skipped (open circuits) or excluded. */
export class NoTargetAvailableError extends UpstreamError {
  override readonly name: string = 'NoTargetAvailableError';
  constructor(retryAfterMs: number | undefined) {
    super('upstream_unavailable', 'Every target for this request is unavailable right now (circuits open).', {
      provider: 'rampart',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}

/** Runs requests through compiled routes. One per gateway process. */
export class RouteExecutor {
  readonly #deps: RouteExecutorDeps;
  readonly #retryPolicies = new WeakMap<LeafRetry, RetryPolicy>();
  readonly #state: StateStore;
  readonly #ownsState: boolean;
  readonly #guards = new Map<string, RateGuard>();
  /** Which targets are cooling after a rate limit, shared with every replica through the state store. */
  readonly cooldowns: TargetCooldowns;

  constructor(deps: RouteExecutorDeps) {
    this.#deps = deps;
    this.#ownsState = deps.state === undefined;
    this.#state = deps.state ?? new InProcessStateStore({ clock: deps.clock });
    this.cooldowns = new TargetCooldowns({ store: this.#state, clock: deps.clock, random: deps.random });
  }

  /** Subscribes to other replicas' cooling announcements. */
  async start(): Promise<void> {
    await this.cooldowns.start();
  }

  /** Stops listening (and closes the state store it made itself). */
  async close(): Promise<void> {
    await this.cooldowns.close();
    if (this.#ownsState) await this.#state.close();
  }

  /** Serves `request` from the first target that succeeds; throws the last failure when none does. */
  run<T>(root: RouteNode, request: ChatRequest, attempt: AttemptFn<T>, run: RouteRun): Promise<Served<T>> {
    return this.#runNode(root, request, attempt, run, () => false, false);
  }

  /** True when `node` has a target whose breaker would let a call through now (no I/O). */
  isAvailable(node: RouteNode, exclude?: ReadonlySet<RouteLeaf>): boolean {
    if (node.kind === 'target') {
      if (exclude?.has(node)) return false;
      if (this.cooldowns.remainingMs(node.breakerKey) > 0) return false;
      const state = this.#deps.breakers.get(node.breakerKey).state;
      return state.kind === 'closed' || (state.kind === 'half-open' && state.probe === undefined);
    }
    return node.children.some((child) => this.isAvailable(child, exclude));
  }

  async #runNode<T>(
    node: RouteNode,
    request: ChatRequest,
    attempt: AttemptFn<T>,
    run: RouteRun,
    hasAlternative: () => boolean,
    /** Some target follows this one in the walk (healthy or not) that a 429 would move on to. */
    hasLater: boolean,
  ): Promise<Served<T>> {
    if (node.kind === 'target') return this.#runLeaf(node, request, attempt, run, hasAlternative, hasLater);
    let order = node.children;
    if (node.kind === 'loadbalance') {
      // Weigh only healthy children; if none is healthy, walk them all so each skip is recorded.
      const healthy = order.filter((child) => this.isAvailable(child, run.exclude));
      order = weightedOrder(healthy.length > 0 ? healthy : order, this.#deps.random);
    }
    let lastError: Error | undefined;
    for (let i = 0; i < order.length; i++) {
      const child = order[i]!;
      const rest = order.slice(i + 1);
      const alternative = () =>
        rest.some((other) => this.isAvailable(other, run.exclude)) || hasAlternative();
      const later = (rest.length > 0 && node.onStatusCodes.has(429)) || hasLater;
      try {
        return await this.#runNode(child, request, attempt, run, alternative, later);
      } catch (error) {
        lastError = error as Error;
        if (run.deadline.signal.aborted) throw run.deadline.signal.reason as Error;
        if (!shouldFallBack(error, node.onStatusCodes)) throw error;
      }
    }
    throw lastError ?? new NoTargetAvailableError(undefined);
  }

  async #runLeaf<T>(
    leaf: RouteLeaf,
    request: ChatRequest,
    attempt: AttemptFn<T>,
    run: RouteRun,
    hasAlternative: () => boolean,
    hasLater: boolean,
  ): Promise<Served<T>> {
    const { clock } = this.#deps;
    const { provider, upstreamModel } = leaf.candidate;
    const record = (entry: Omit<RouteAttempt, 'path' | 'provider' | 'model'>) =>
      run.attempts.push({ path: leaf.path, provider: provider.name, model: upstreamModel, ...entry });
    if (run.exclude?.has(leaf)) {
      record({ outcome: 'skipped', reason: 'excluded', durationMs: 0 });
      throw new NoTargetAvailableError(undefined);
    }
    const breaker = this.#deps.breakers.get(leaf.breakerKey);
    const retryPolicy = this.#retryPolicyFor(leaf.retry);
    const leafRequest = applyOverrides(request, leaf.overrides);
    let previousDelayMs = 0;
    for (let attemptNumber = 1; ; attemptNumber++) {
      run.deadline.throwIfExpired();
      const coolingMs = this.cooldowns.remainingMs(leaf.breakerKey);
      if (coolingMs > 0) {
        // The upstream asked everyone to slow down: go to a healthy alternative; else wait (as one retry); else
        // leave it to the targets after this one (they wait or answer for themselves). Only the very last
        // resort with no retry to spend is called anyway: its own answer is the final word (a 429 that one
        // large request earned need not refuse the small ones), and the client gets its retry-after.
        const throttled = new TargetThrottledError(leaf.breakerKey, 'cooling', coolingMs);
        const skip = () => record({ outcome: 'skipped', reason: 'cooling', status: 429, durationMs: 0 });
        if (hasAlternative()) {
          skip();
          throw throttled;
        }
        const decision = retryPolicy.planRetry(throttled, attemptNumber, run.deadline.remaining());
        if (decision.retry) {
          skip();
          const spread = coolingMs * (1 + this.cooldowns.spreadOf(leaf.breakerKey) * this.#deps.random());
          const delayMs = spread < run.deadline.remaining() ? Math.max(spread, coolingMs) : decision.delayMs;
          previousDelayMs = delayMs;
          await clock.sleep(delayMs, run.deadline.signal);
          continue;
        }
        if (hasLater) {
          skip();
          throw throttled;
        }
      }
      const admission = breaker.tryAcquire();
      const permit =
        admission.kind === 'allowed'
          ? admission.permit
          : admission.kind === 'probe'
            ? await admission.acquire()
            : undefined;
      if (permit === undefined) {
        const retryAfterMs = admission.kind === 'rejected' ? admission.retryAfterMs : undefined;
        record({ outcome: 'skipped', reason: 'circuit_open', status: 503, durationMs: 0 });
        throw new BrokenCircuitError(leaf.breakerKey, retryAfterMs ?? 0);
      }
      if (leaf.capacity !== undefined) {
        const refused = await this.#takeTurn(leaf, run, hasAlternative);
        if (refused !== undefined) {
          void breaker.release(permit);
          record({ outcome: 'skipped', reason: 'capacity', status: 429, durationMs: 0 });
          throw refused;
        }
      }
      const startedAt = clock.now();
      const attemptDeadline =
        leaf.requestTimeoutMs === undefined
          ? undefined
          : run.deadline.child({
              timeoutMs: leaf.requestTimeoutMs,
              onExpire: () => new AttemptTimeoutError(leaf.requestTimeoutMs!),
            });
      const signal = attemptDeadline?.signal ?? run.deadline.signal;
      try {
        const value = await attempt(leaf, leafRequest, signal);
        record({ outcome: 'served', durationMs: clock.now() - startedAt });
        void breaker.recordSuccess(permit);
        this.cooldowns.recordSuccess(leaf.breakerKey);
        return { value, leaf, permit, breaker };
      } catch (thrown) {
        // An aborted attempt reports why it was aborted (its own timeout, the deadline, the client leaving).
        const error = toRampartError(
          signal.aborted && signal.reason instanceof Error ? signal.reason : thrown,
        );
        const verdict = run.deadline.signal.aborted ? 'neutral' : defaultCallVerdict(error, signal);
        void (verdict === 'failure'
          ? breaker.recordFailure(permit)
          : verdict === 'success'
            ? breaker.recordSuccess(permit)
            : breaker.release(permit));
        const rateLimited = error.code === 'rate_limited' && !error.responseStarted;
        const coolMs = rateLimited ? this.cooldowns.recordThrottle(leaf.breakerKey, error.retryAfterMs) : 0;
        record({
          outcome: 'failed',
          reason: error.code,
          status: effectiveStatus(error),
          durationMs: clock.now() - startedAt,
        });
        if (run.deadline.signal.aborted) throw run.deadline.signal.reason as Error;
        // Another healthy target is a better retry than waiting on this one.
        if (permit.probe || hasAlternative()) throw error;
        const decision = retryPolicy.planRetry(
          error,
          attemptNumber,
          run.deadline.remaining(),
          previousDelayMs,
        );
        if (!decision.retry) throw error;
        // Never back before the target's shared cooling time, callers spread over it so they do not return
        // together (a whole period when the time was our estimate).
        const delayMs =
          coolMs > decision.delayMs
            ? coolMs * (1 + this.cooldowns.spreadOf(leaf.breakerKey) * this.#deps.random())
            : decision.delayMs;
        if (delayMs >= run.deadline.remaining()) throw error;
        previousDelayMs = delayMs;
        await clock.sleep(delayMs, run.deadline.signal);
      } finally {
        attemptDeadline?.dispose();
      }
    }
  }

  /**
   * A turn under the leaf's capacity: at once if the shared bucket has one; else skip (undefined is not
   * returned) when an alternative is healthy, or queue for one when the wait fits the deadline.
   */
  async #takeTurn(
    leaf: RouteLeaf,
    run: RouteRun,
    hasAlternative: () => boolean,
  ): Promise<TargetThrottledError | undefined> {
    const capacity = leaf.capacity!;
    let guard = this.#guards.get(leaf.breakerKey);
    if (guard === undefined) {
      guard = new RateGuard({
        store: this.#state,
        key: leaf.breakerKey,
        requestsPerSecond: capacity.requestsPerSecond,
        burst: capacity.burst,
        clock: this.#deps.clock,
        random: this.#deps.random,
      });
      this.#guards.set(leaf.breakerKey, guard);
    }
    const now = await guard.tryTake();
    if (now.ok) return undefined;
    const refused = new TargetThrottledError(leaf.breakerKey, 'capacity', now.retryAfterMs);
    if (hasAlternative()) return refused;
    const estimateMs = Math.max(now.retryAfterMs, guard.estimatedWaitMs());
    if (estimateMs >= Math.min(run.deadline.remaining(), MAX_CAPACITY_WAIT_MS)) return refused;
    await guard.take(run.deadline.signal);
    return undefined;
  }

  #retryPolicyFor(retry: LeafRetry): RetryPolicy {
    let policy = this.#retryPolicies.get(retry);
    if (!policy) {
      policy = new RetryPolicy({
        maxAttempts: retry.attempts + 1,
        isRetryable: (error) =>
          error instanceof RampartError && error.retryable && retry.onStatusCodes.has(effectiveStatus(error)),
        clock: this.#deps.clock,
        random: this.#deps.random,
        ...(retry.useRetryAfter ? {} : { maxRetryAfterMs: 0 }),
      });
      this.#retryPolicies.set(retry, policy);
    }
    return policy;
  }
}

function applyOverrides(request: ChatRequest, overrides: ParamOverrides): ChatRequest {
  if (
    overrides.maxTokens === undefined &&
    overrides.temperature === undefined &&
    overrides.topP === undefined &&
    overrides.topK === undefined &&
    overrides.stop === undefined
  ) {
    return request;
  }
  return { ...request, ...overrides };
}
