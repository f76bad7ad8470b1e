// Retry with exponential backoff and jitter (see backoff.ts for which jitter and why). The rules that keep a
// retry from doing harm: only errors marked retryable; never one whose response already reached the client
// (responseStarted); honour the upstream's retry-after; and never sleep past the deadline: if the wait would
// not fit in the time left, give up at once with the last error, so the caller can fall back to another
// target while there is still time. The routing engine can ask planRetry() for that verdict without sleeping.
import { RampartError } from '@rampart/spec';
import { exponentialBackoff, type Backoff } from './backoff.js';
import { systemClock, type Clock, type Random } from './clock.js';
import { Emitter } from './emitter.js';
import { raceAbort, resolveContext, type ExecuteOptions, type Policy, type PolicyContext } from './policy.js';

/** Why retrying stopped. */
export type GiveUpReason =
  | 'not-retryable'
  | 'response-started'
  | 'attempts-exhausted'
  | 'deadline'
  | 'retry-after-too-long'
  | 'aborted';

/** Verdict on one failure: wait `delayMs` and try again, or stop. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: GiveUpReason };

/** Settings of a retry policy. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** Default: exponential, 100 ms base, 10 s cap, full jitter. */
  backoff?: Backoff;
  /** Which errors may be retried. Default: RampartErrors marked retryable. */
  isRetryable?: (error: unknown) => boolean;
  /** A retry-after longer than this is not waited for: give up and let the caller fall back. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Spread added on top of a retry-after (fraction of it), so a herd told "1 s" does not return at once. Default 0.2. */
  retryAfterJitter?: number;
  clock?: Clock;
  random?: Random;
}

/** Emitted before each wait. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Emitted when the policy stops retrying and rethrows. */
export interface GiveUpEvent {
  attempt: number;
  reason: GiveUpReason;
  error: unknown;
}

/** Default retryability: what the error itself says, decided where it was created. */
export function isRetryableError(error: unknown): boolean {
  return error instanceof RampartError && error.retryable;
}

/** Retries failed attempts with jittered exponential backoff, within the deadline. */
export class RetryPolicy implements Policy {
  readonly #maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #isRetryable: (error: unknown) => boolean;
  readonly #maxRetryAfterMs: number;
  readonly #retryAfterJitter: number;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #retry = new Emitter<RetryEvent>();
  readonly #giveUp = new Emitter<GiveUpEvent>();

  /** Fires before each wait. */
  readonly onRetry = this.#retry.listen;
  /** Fires when retrying stops and the last error is rethrown. */
  readonly onGiveUp = this.#giveUp.listen;

  constructor(options: RetryOptions = {}) {
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#backoff = options.backoff ?? exponentialBackoff();
    this.#isRetryable = options.isRetryable ?? isRetryableError;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    this.#retryAfterJitter = options.retryAfterJitter ?? 0.2;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /** Decides what to do after attempt number `attempt` failed with `error`, with `remainingMs` left. */
  planRetry(error: unknown, attempt: number, remainingMs: number, previousDelayMs = 0): RetryDecision {
    if (error instanceof RampartError && error.responseStarted)
      return { retry: false, reason: 'response-started' };
    if (!this.#isRetryable(error)) return { retry: false, reason: 'not-retryable' };
    if (attempt >= this.#maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
    let delayMs: number;
    const retryAfterMs = error instanceof RampartError ? error.retryAfterMs : undefined;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      if (retryAfterMs > this.#maxRetryAfterMs) return { retry: false, reason: 'retry-after-too-long' };
      // Never earlier than asked; a little later at random so the herd told the same time spreads out.
      delayMs = retryAfterMs * (1 + this.#retryAfterJitter * this.#random());
    } else {
      delayMs = this.#backoff.delay(attempt, previousDelayMs, this.#random);
    }
    // Waiting and then having no time to try is worse than giving up now while a fallback still fits.
    if (delayMs >= remainingMs) return { retry: false, reason: 'deadline' };
    return { retry: true, delayMs };
  }

  async execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T> {
    const context = resolveContext(options, this.#clock);
    let previousDelayMs = 0;
    for (let attempt = 1; ; attempt += 1) {
      context.deadline.throwIfExpired();
      try {
        // Raced against the signal: even work that ignores it cannot hold the caller past the deadline.
        return await raceAbort(fn({ ...context, attempt }), context.signal);
      } catch (error) {
        const decision: RetryDecision = context.signal.aborted
          ? { retry: false, reason: 'aborted' }
          : this.planRetry(error, attempt, context.deadline.remaining(), previousDelayMs);
        if (!decision.retry) {
          this.#giveUp.emit({ attempt, reason: decision.reason, error });
          throw error;
        }
        this.#retry.emit({ attempt, delayMs: decision.delayMs, error });
        previousDelayMs = decision.delayMs;
        await this.#clock.sleep(decision.delayMs, context.signal);
      }
    }
  }
}
