// A token bucket on the injected clock: the provider capacity model that makes 429s emerge from load.
import type { Clock } from '../core/clock.js';

const NEVER_MS = 86_400_000;

/** Sustained rate and burst size of one provider. */
export interface CapacityLimit {
  requestsPerSecond: number;
  burst: number;
}

/** Result of asking for one request's worth of capacity. */
export interface TakeResult {
  ok: boolean;
  /** Tokens left after this request (0 when refused). */
  remaining: number;
  /** When refused: how long until one token is available. */
  retryAfterMs: number;
  /** Time until the bucket is full again. */
  resetMs: number;
}

/** A refilling bucket, starting full. */
export class TokenBucket {
  readonly limit: CapacityLimit;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(limit: CapacityLimit, clock: Clock) {
    this.limit = limit;
    this.#clock = clock;
    this.#tokens = limit.burst;
    this.#updatedAt = clock.now();
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.limit.burst, this.#tokens + (elapsed * this.limit.requestsPerSecond) / 1000);
    this.#updatedAt = now;
  }

  /** Take one token if available. */
  take(): TakeResult {
    this.#refill();
    const { requestsPerSecond: rate, burst } = this.limit;
    // A zero rate never refills; report a day so headers stay finite.
    const msFor = (tokens: number): number =>
      rate > 0 ? Math.min(NEVER_MS, Math.ceil((tokens * 1000) / rate)) : NEVER_MS;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return {
        ok: true,
        remaining: Math.floor(this.#tokens),
        retryAfterMs: 0,
        resetMs: msFor(burst - this.#tokens),
      };
    }
    return {
      ok: false,
      remaining: 0,
      retryAfterMs: msFor(1 - this.#tokens),
      resetMs: msFor(burst - this.#tokens),
    };
  }
}
