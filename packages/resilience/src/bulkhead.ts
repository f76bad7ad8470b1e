// A concurrency limit with a bounded queue, so one slow target cannot take every socket and all memory.
import { raceAbort, resolveContext, type ExecuteOptions, type Policy, type PolicyContext } from './policy.js';
import { BulkheadRejectedError } from './resilience-errors.js';

/** Limits of a bulkhead. */
export interface BulkheadOptions {
  maxConcurrent: number;
  /** Callers allowed to wait for a slot; beyond that they are refused at once. Default 0. */
  maxQueued?: number;
}

interface Waiter {
  grant: (release: () => void) => void;
}

/** Runs at most `maxConcurrent` calls at once; queues up to `maxQueued` more. */
export class Bulkhead implements Policy {
  readonly #max: number;
  readonly #maxQueued: number;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(options: BulkheadOptions) {
    this.#max = options.maxConcurrent;
    this.#maxQueued = options.maxQueued ?? 0;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a slot if one is free; returns its release function, or undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.#active >= this.#max) return undefined;
    this.#active += 1;
    return this.#releaser();
  }

  /** Waits for a slot (or is refused when the queue is full; rejects with the reason if `signal` aborts). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    const release = this.tryAcquire();
    if (release !== undefined) return Promise.resolve(release);
    if (this.#queue.length >= this.#maxQueued) return Promise.reject(new BulkheadRejectedError(this.#max));
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (releaseSlot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(releaseSlot);
        },
      };
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  async execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T> {
    const context = resolveContext(options);
    const release = await this.acquire(context.signal);
    let work: Promise<T>;
    try {
      work = fn(context);
    } catch (error) {
      release();
      throw error;
    }
    // The slot is freed when the work really ends, not when an aborted caller stops waiting for it.
    work.then(release, release);
    return raceAbort(work, context.signal);
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot jump the queue.
      if (next !== undefined) next.grant(this.#releaser());
      else this.#active -= 1;
    };
  }
}
