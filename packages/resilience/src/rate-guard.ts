// A target's capacity as this gateway paces it: a token bucket in the state store, so every replica and
// every client share one budget (the talk's cascade: all users' fallbacks and retries landing on the backup
// at once is what knocked it over). Callers that may wait queue here in arrival order, and only the head of
// each replica's queue asks the store, so a queue of hundreds costs one store call per refill, not hundreds.
import type { StateStore } from '@rampart/state';
import { systemClock, type Clock, type Random } from './clock.js';

/** Settings of one guard. */
export interface RateGuardOptions {
  store: StateStore;
  /** The target it paces (the bucket's key is derived from it). */
  key: string;
  requestsPerSecond: number;
  /** Calls allowed at once after a quiet spell. Default 1. */
  burst?: number;
  clock?: Clock;
  random?: Random;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** Paces calls to one target across replicas. */
export class RateGuard {
  readonly key: string;
  readonly #store: StateStore;
  readonly #bucketKey: string;
  readonly #bucket: { capacity: number; refillPerSecond: number; amount: number };
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #queue: Waiter[] = [];
  #pumping = false;

  constructor(options: RateGuardOptions) {
    this.key = options.key;
    this.#store = options.store;
    this.#bucketKey = `rampart:capacity:${options.key}`;
    this.#bucket = {
      capacity: Math.max(1, options.burst ?? 1),
      refillPerSecond: options.requestsPerSecond,
      amount: 1,
    };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** Callers of this replica waiting for a turn. */
  get queued(): number {
    return this.#queue.length;
  }

  /** What a newcomer would wait at the current pace, roughly (for "does it fit the deadline?"). */
  estimatedWaitMs(): number {
    return ((this.#queue.length + 1) * 1000) / this.#bucket.refillPerSecond;
  }

  /** Takes a turn now if one is free and nobody here is waiting; otherwise answers how long to wait. */
  async tryTake(): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    if (this.#queue.length > 0) return { ok: false, retryAfterMs: this.estimatedWaitMs() };
    const result = await this.#store.tokenBucketTake(this.#bucketKey, this.#bucket);
    return result.allowed ? { ok: true } : { ok: false, retryAfterMs: result.retryAfterMs };
  }

  /** Waits for a turn in arrival order; rejects with the signal's reason if it aborts first. */
  take(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#queue.indexOf(waiter);
          if (at >= 0) this.#queue.splice(at, 1);
          reject(signal.reason as Error);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        let result;
        try {
          result = await this.#store.tokenBucketTake(this.#bucketKey, this.#bucket);
        } catch {
          // The store is unreachable: pacing locally at the configured rate beats stalling every caller.
          result = { allowed: false, retryAfterMs: 1000 / this.#bucket.refillPerSecond };
        }
        if (result.allowed) {
          const head = this.#queue.shift();
          if (head === undefined) continue; // its caller left while we asked; the turn goes to the next
          head.signal.removeEventListener('abort', head.onAbort);
          head.resolve();
          continue;
        }
        // A little jitter so replicas polling one bucket do not ask in lockstep.
        const waitMs = Math.max(1, result.retryAfterMs) * (1 + 0.2 * this.#random());
        await this.#clock.sleep(waitMs);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
