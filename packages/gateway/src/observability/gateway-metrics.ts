// Prometheus metrics the operator alerts on: attempts and fallbacks per target, requests by route and
// status, and latency. One registry per gateway so tests and several in-process gateways do not collide.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteAttempt } from '../routing/route-attempt.js';

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #attempts = new Counter({
    name: 'rampart_upstream_attempts_total',
    help: 'Upstream attempts by provider, model and outcome (served, failed, skipped).',
    labelNames: ['provider', 'model', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #fallbacks = new Counter({
    name: 'rampart_fallbacks_total',
    help: 'Times a request moved on from a target (failed or skipped) to another.',
    labelNames: ['provider', 'model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #requests = new Counter({
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
    name: 'rampart_prompt_cache_input_tokens_total',
    help: 'Input tokens by inbound key (hashed), provider, model and class: read from cache, written, or uncached.',
    labelNames: ['key', 'provider', 'model', 'class'] as const,
    registers: [this.registry],
  });
  readonly #cacheHitRatio = new Gauge({
    name: 'rampart_prompt_cache_hit_ratio',
    help: 'Cache-read tokens / all input tokens since start, by inbound key (hashed).',
    labelNames: ['key'] as const,
    registers: [this.registry],
  });
  readonly #cacheSaved = new Gauge({
    name: 'rampart_prompt_cache_saved_usd',
    help: 'Money saved by prompt caching against no caching since start, by inbound key (hashed); negative until writes pay back.',
    labelNames: ['key'] as const,
    registers: [this.registry],
  });

  /** Counts one call's input tokens by cache class. */
  recordPromptCacheTokens(
    labels: { key: string; provider: string; model: string },
    tokens: { read: number; write: number; uncached: number },
  ): void {
    this.#cacheTokens.inc({ ...labels, class: 'read' }, tokens.read);
    this.#cacheTokens.inc({ ...labels, class: 'write' }, tokens.write);
    this.#cacheTokens.inc({ ...labels, class: 'uncached' }, tokens.uncached);
  }

  /** Sets a key's running hit ratio and savings (USD, for display; exact figures live in nano-USD). */
  setPromptCacheTotals(key: string, hitRatio: number, savedUsd: number): void {
    this.#cacheHitRatio.set({ key }, hitRatio);
    this.#cacheSaved.set({ key }, savedUsd);
  }

  /** Counts one request's attempts; every attempt before the served one was a fallback. */
  recordAttempts(attempts: readonly RouteAttempt[]): void {
    for (const attempt of attempts) {
      this.#attempts.inc({ provider: attempt.provider, model: attempt.model, outcome: attempt.outcome });
      if (attempt.outcome !== 'served') {
        this.#fallbacks.inc({
          provider: attempt.provider,
          model: attempt.model,
          reason: attempt.reason ?? 'unknown',
        });
      }
    }
  }

  /** Counts a finished request. */
  recordRequest(route: string, status: number, seconds: number): void {
    this.#requests.inc({ route, status: String(status) });
    this.#duration.observe({ route }, seconds);
  }
}
