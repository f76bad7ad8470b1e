// Prometheus metrics the operator alerts on: attempts and fallbacks per target, requests by route and
// status, and latency. One registry per gateway so tests and several in-process gateways do not collide.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteAttempt } from '../routing/route-attempt.js';

/**
 * Increments kept in a plain map on the request path and handed to prom-client when /metrics is scraped:
 * prom-client validates and hashes a labels object on every inc(), a measurable share of a request's CPU.
 */
class PendingCounts {
  readonly #pending = new Map<string, { labels: Record<string, string>; n: number }>();

  add(id: string, labels: () => Record<string, string>, n = 1): void {
    const entry = this.#pending.get(id);
    if (entry === undefined) this.#pending.set(id, { labels: labels(), n });
    else entry.n += n;
  }

  flushInto(counter: { inc(labels: Record<string, string>, value: number): void }): void {
    for (const { labels, n } of this.#pending.values()) if (n > 0) counter.inc(labels, n);
    this.#pending.clear();
  }
}

const pendingByCounter = new WeakMap<object, PendingCounts>();
/** A collect() hook that flushes the metric's pending counts (prom-client calls it with the metric as this). */
function flushPending(this: Counter<string>): void {
  pendingByCounter.get(this)?.flushInto(this);
}
function pendingFor(counter: Counter<string>): PendingCounts {
  const pending = new PendingCounts();
  pendingByCounter.set(counter, pending);
  return pending;
}

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #attempts = new Counter({
    collect: flushPending,
    name: 'rampart_upstream_attempts_total',
    help: 'Upstream attempts by provider, model and outcome (served, failed, skipped).',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #fallbacks = new Counter({
    collect: flushPending,
    name: 'rampart_fallbacks_total',
    help: 'Times a request moved on from a target (failed or skipped) to another.',
    labelNames: ['provider', 'model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #requests = new Counter({
    collect: flushPending,
    name: 'rampart_requests_total',
    help: 'Requests by route and HTTP status.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'rampart_request_duration_seconds',
    help: 'Request duration to the last byte, by route.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly #cacheTokens = new Counter({
    collect: flushPending,
    name: 'rampart_prompt_cache_input_tokens_total',
    help: 'Input tokens by virtual key id (the hashed inbound credential when auth is off), provider, model and class: read from cache, written, or uncached.',
    labelNames: ['key', 'provider', 'model', 'class'] as const,
    registers: [this.registry],
  });
  readonly #pendingAttempts = pendingFor(this.#attempts);
  readonly #pendingFallbacks = pendingFor(this.#fallbacks);
  readonly #pendingRequests = pendingFor(this.#requests);
  readonly #pendingCacheTokens = pendingFor(this.#cacheTokens);

  readonly #cacheHitRatio = new Gauge({
    name: 'rampart_prompt_cache_hit_ratio',
    help: 'Cache-read tokens / all input tokens since start, by virtual key id (hashed credential when auth is off).',
    labelNames: ['key'] as const,
    registers: [this.registry],
  });
  readonly #cacheSaved = new Gauge({
    name: 'rampart_prompt_cache_saved_usd',
    help: 'Money saved by prompt caching against no caching since start, by virtual key id (hashed credential when auth is off); negative until writes pay back.',
    labelNames: ['key'] as const,
    registers: [this.registry],
  });

  /** Counts one call's input tokens by cache class. */
  recordPromptCacheTokens(
    labels: { key: string; provider: string; model: string },
    tokens: { read: number; write: number; uncached: number },
  ): void {
    const id = `${labels.key}\u0000${labels.provider}\u0000${labels.model}\u0000`;
    const pending = this.#pendingCacheTokens;
    pending.add(`${id}read`, () => ({ ...labels, class: 'read' }), tokens.read);
    pending.add(`${id}write`, () => ({ ...labels, class: 'write' }), tokens.write);
    pending.add(`${id}uncached`, () => ({ ...labels, class: 'uncached' }), tokens.uncached);
  }

  /** Sets a key's running hit ratio and savings (USD, for display; exact figures live in nano-USD). */
  setPromptCacheTotals(key: string, hitRatio: number, savedUsd: number): void {
    this.#cacheHitRatio.set({ key }, hitRatio);
    this.#cacheSaved.set({ key }, savedUsd);
  }

  /** Counts one request's attempts; every attempt before the served one was a fallback. */
  recordAttempts(attempts: readonly RouteAttempt[]): void {
    for (const { provider, model, outcome, reason = 'unknown' } of attempts) {
      this.#pendingAttempts.add(`${provider}\u0000${model}\u0000${outcome}`, () => ({
        provider,
        model,
        outcome,
      }));
      if (outcome !== 'served') {
        this.#pendingFallbacks.add(`${provider}\u0000${model}\u0000${reason}`, () => ({
          provider,
          model,
          reason,
        }));
      }
    }
  }

  /** Counts a finished request. */
  recordRequest(route: string, status: number, seconds: number): void {
    this.#pendingRequests.add(`${route}\u0000${status}`, () => ({ route, status: String(status) }));
    this.#duration.observe({ route }, seconds);
  }
}
