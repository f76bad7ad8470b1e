// One breaker per target key, all fed by a single subscription to the store's change messages, so an open
// breaker on one replica is skipped by the others within milliseconds rather than after their next refresh.
import type { BreakerSnapshot } from '@rampart/state';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';

/** Settings shared by every breaker of a registry (the key comes from get()). */
export type CircuitBreakerDefaults = Omit<CircuitBreakerOptions, 'key'>;

/** Hands out one CircuitBreaker per key and keeps them all in step with other replicas. */
export class CircuitBreakerRegistry {
  readonly #defaults: CircuitBreakerDefaults;
  readonly #breakers = new Map<string, CircuitBreaker>();
  /**
   * Transitions other replicas announced for keys this replica has no breaker for yet. A breaker made later
   * starts from this view instead of "closed", so a target another replica broke is skipped from the first call.
   */
  readonly #announced = new Map<string, BreakerSnapshot>();
  #unwatch: (() => Promise<void>) | undefined;

  constructor(defaults: CircuitBreakerDefaults) {
    this.#defaults = defaults;
  }

  /** Subscribes to other replicas' transitions. */
  async start(): Promise<void> {
    this.#unwatch ??= await this.#defaults.store.watchBreakers((key: string, snapshot: BreakerSnapshot) => {
      const breaker = this.#breakers.get(key);
      if (breaker) breaker.observe(snapshot);
      else this.#announced.set(key, snapshot);
    });
  }

  /** The breaker for `key`, made on first use with the defaults plus `overrides`. */
  get(key: string, overrides: Partial<CircuitBreakerDefaults> = {}): CircuitBreaker {
    let breaker = this.#breakers.get(key);
    if (breaker === undefined) {
      breaker = new CircuitBreaker({ ...this.#defaults, ...overrides, key });
      this.#breakers.set(key, breaker);
      const announced = this.#announced.get(key);
      if (announced) {
        this.#announced.delete(key);
        breaker.observe(announced);
      }
    }
    return breaker;
  }

  /** Every breaker made so far. */
  all(): CircuitBreaker[] {
    return [...this.#breakers.values()];
  }

  /** Stops listening and waits for outstanding writes. */
  async close(): Promise<void> {
    await this.#unwatch?.();
    this.#unwatch = undefined;
    await Promise.all(this.all().map((breaker) => breaker.idle()));
  }
}
