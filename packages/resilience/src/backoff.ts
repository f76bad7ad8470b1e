// Exponential backoff with jitter. The talk's outage (slide 29) came from every client retrying on the same
// schedule: a herd that hit the backup provider in lockstep. Its fix, ±25% around 2^n, still keeps clients
// bunched in a narrow band. We default to FULL jitter, a uniform draw in [0, min(cap, base·2^n)]: it spreads
// retries over the whole interval, which minimises contention and total work for a herd (AWS Architecture Blog,
// "Exponential Backoff and Jitter"). DECORRELATED jitter (min(cap, U(base, 3·previous))) is offered for callers
// that want each wait to grow from the previous one rather than from the attempt number.
import type { Random } from './clock.js';

/** How long to wait before retry number `attempt` (1 = the first retry). */
export interface Backoff {
  delay(attempt: number, previousDelayMs: number, random: Random): number;
}

/** Shape of an exponential backoff. */
export interface ExponentialBackoffOptions {
  /** Base delay: the ceiling of the first retry's wait. Default 100 ms. */
  initialMs?: number;
  /** Cap on any single wait. Default 10 s. */
  maxMs?: number;
  /** Growth factor per attempt. Default 2. */
  factor?: number;
  /** `full` (default), `decorrelated`, or `none` (deterministic: for tests and tools only). */
  jitter?: 'full' | 'decorrelated' | 'none';
}

/** Exponential backoff with full (default) or decorrelated jitter. */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 100;
  const maxMs = options.maxMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 'full';
  return {
    delay(attempt, previousDelayMs, random) {
      const ceiling = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt - 1));
      switch (jitter) {
        case 'full':
          return random() * ceiling;
        case 'decorrelated': {
          const previous = Math.max(initialMs, previousDelayMs);
          return Math.min(maxMs, initialMs + random() * (previous * 3 - initialMs));
        }
        case 'none':
          return ceiling;
      }
    },
  };
}
