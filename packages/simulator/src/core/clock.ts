// Time source for everything time-dependent in the simulator (cache TTLs, fault schedules, token buckets, delays),
// so tests drive time by hand instead of sleeping.

/** Injectable time source: epoch milliseconds and a sleep that honours the same timeline. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))),
};

/** A clock that only moves when told to; sleepers wake as `advance` passes their deadline. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>;
  /** How many sleeps are waiting: lets a test wait until a request is parked on a delay. */
  pendingSleeps(): number;
}

interface Sleeper {
  due: number;
  wake: () => void;
}

/** Create a manual clock starting at `startMs` (epoch milliseconds). */
export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let now = startMs;
  let sleepers: Sleeper[] = [];
  return {
    now: () => now,
    sleep(ms) {
      if (ms <= 0) return Promise.resolve();
      return new Promise<void>((resolve) => sleepers.push({ due: now + ms, wake: resolve }));
    },
    async advance(ms) {
      const target = now + ms;
      // Wake in deadline order, letting each woken task run before moving time further.
      for (;;) {
        const next = sleepers.filter((s) => s.due <= target).sort((a, b) => a.due - b.due)[0];
        if (!next) break;
        sleepers = sleepers.filter((s) => s !== next);
        now = Math.max(now, next.due);
        next.wake();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      now = target;
    },
    pendingSleeps: () => sleepers.length,
  };
}
