// A clock that moves only when a test says so. advance() fires due sleeps in time order and lets the promise
// chains they wake run to completion before moving on, so code under test behaves as it would in real time.
import type { Clock } from '../clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/** Fake time for tests: `now()` is frozen until `advance()`. */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Set<Timer>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const timer: Timer = {
        at: this.#now + Math.max(0, ms),
        seq: this.#seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#timers.delete(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.add(timer);
    });
  }

  /** Sleeps still waiting. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing every sleep that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      const next = [...this.#timers]
        .filter((t) => t.at <= target)
        .sort((x, y) => x.at - y.at || x.seq - y.seq)[0];
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.resolve();
    }
    this.#now = target;
    await settle();
  }

  /** Advances to each next timer until none is left (bounded, so a retry loop cannot hang a test). */
  async runAll(maxSteps = 1000): Promise<void> {
    for (let i = 0; i < maxSteps; i += 1) {
      await settle();
      const next = [...this.#timers].sort((x, y) => x.at - y.at || x.seq - y.seq)[0];
      if (next === undefined) return;
      await this.advance(next.at - this.#now);
    }
    throw new Error(`FakeClock.runAll: still ${this.#timers.size} timers after ${maxSteps} steps`);
  }
}

// setImmediate runs after every queued microtask, so promise chains woken by a timer finish first.
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
