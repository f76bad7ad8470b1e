// Errors the policies raise. They are RampartErrors with existing codes so the gateway's edge can map them to
// HTTP without knowing this package; `retryable` says whether another attempt or target may still succeed.
import { RampartError } from '@rampart/spec';

/** The overall deadline passed: nothing more may be tried for this request. */
export class DeadlineExceededError extends RampartError {
  override readonly name: string = 'DeadlineExceededError';
  constructor(message = 'deadline exceeded', cause?: unknown) {
    super('upstream_timeout', message, { retryable: false, cause });
  }
}

/** One attempt ran past its own timeout; another attempt or target may still make it. */
export class AttemptTimeoutError extends RampartError {
  override readonly name: string = 'AttemptTimeoutError';
  constructor(timeoutMs: number) {
    super('upstream_timeout', `attempt timed out after ${timeoutMs} ms`, { retryable: true });
  }
}

/** No first token arrived in time; nothing reached the client, so falling back is safe. */
export class FirstTokenTimeoutError extends RampartError {
  override readonly name: string = 'FirstTokenTimeoutError';
  constructor(timeoutMs: number) {
    super('upstream_timeout', `no first token within ${timeoutMs} ms`, { retryable: true });
  }
}

/** The target's circuit is open (or another caller holds the half-open probe): skip it. */
export class BrokenCircuitError extends RampartError {
  override readonly name: string = 'BrokenCircuitError';
  readonly key: string;
  constructor(key: string, retryAfterMs: number) {
    super('upstream_unavailable', `circuit for ${key} is open`, { retryable: true, retryAfterMs });
    this.key = key;
  }
}

/** The concurrency limit and its queue are full. */
export class BulkheadRejectedError extends RampartError {
  override readonly name: string = 'BulkheadRejectedError';
  constructor(limit: number) {
    super('overloaded', `concurrency limit of ${limit} reached`, { retryable: true });
  }
}

/** The target is cooling after a rate limit, or its configured capacity is used up: try elsewhere or later. */
export class TargetThrottledError extends RampartError {
  override readonly name: string = 'TargetThrottledError';
  readonly key: string;
  /** `cooling`: the upstream said to slow down; `capacity`: this gateway's own pacing of the target. */
  readonly reason: 'cooling' | 'capacity';
  constructor(key: string, reason: 'cooling' | 'capacity', retryAfterMs: number) {
    super(
      'rate_limited',
      reason === 'cooling'
        ? `${key} is cooling down after a rate limit`
        : `${key} is at its configured capacity`,
      { retryable: true, retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) },
    );
    this.key = key;
    this.reason = reason;
  }
}
