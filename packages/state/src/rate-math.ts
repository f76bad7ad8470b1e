// Arithmetic of windowed rate counters and token buckets for the in-process store. The Lua scripts in
// lua/counter-scripts.ts do the same sums inside Redis; the shared contract test keeps the two in step.
import type { RateResult, TokenBucketOptions } from './state-store.js';

/** Decides a windowed rate call from the window's counts. */
export function rateDecision(input: {
  current: number;
  previous: number;
  amount: number;
  limit: number | undefined;
  windowMs: number;
  elapsed: number;
}): RateResult {
  const { current, previous, amount, limit, windowMs, elapsed } = input;
  // Sliding estimate: the previous window counts in proportion to how much of it still overlaps.
  const estimate = previous * ((windowMs - elapsed) / windowMs) + current;
  if (limit === undefined || estimate + amount <= limit) {
    return { allowed: true, count: estimate + amount, retryAfterMs: 0 };
  }
  let retryAfterMs = windowMs - elapsed;
  if (current + amount <= limit && previous > 0) {
    // Wait until enough of the previous window has slid out.
    const neededElapsed = windowMs * (1 - (limit - current - amount) / previous);
    retryAfterMs = Math.max(1, Math.ceil(neededElapsed - elapsed));
  }
  return { allowed: false, count: estimate, retryAfterMs };
}

/** Refills the bucket to `now` and takes `amount` if it is there. */
export function tokenBucketDecision(
  stored: { tokens: number; at: number } | undefined,
  options: TokenBucketOptions,
  now: number,
): { allowed: boolean; tokens: number; retryAfterMs: number; ttlMs: number } {
  const { capacity, refillPerSecond, amount } = options;
  const refilled =
    stored === undefined
      ? capacity
      : Math.min(capacity, stored.tokens + (Math.max(0, now - stored.at) * refillPerSecond) / 1000);
  const allowed = amount <= refilled;
  const tokens = allowed ? refilled - amount : refilled;
  const retryAfterMs = allowed
    ? 0
    : amount > capacity
      ? Infinity
      : Math.ceil(((amount - refilled) * 1000) / refillPerSecond);
  // A full bucket is the same as no bucket, so the entry may vanish once it would have refilled.
  const ttlMs = Math.ceil(((capacity - tokens) * 1000) / refillPerSecond) + 1000;
  return { allowed, tokens, retryAfterMs, ttlMs };
}
