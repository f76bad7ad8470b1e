// Time-to-first-token: a stream that has not produced its first token within a short limit is abandoned while
// nothing has reached the client yet, so the request can still fall back cleanly. After the first token the
// stream runs on, bounded only by the request's deadline.
import { systemClock, type Clock } from './clock.js';
import type { Deadline } from './deadline.js';
import { FirstTokenTimeoutError } from './resilience-errors.js';

/** A signal for one streaming attempt that aborts if no first token arrives within the limit. */
export interface FirstTokenWatch {
  /** Aborts with FirstTokenTimeoutError, or with the deadline's reason. */
  readonly signal: AbortSignal;
  /** Call when the first token arrives: the time-to-first-token limit no longer applies. */
  received(): void;
  /** Clears the timer. */
  dispose(): void;
}

/** Watches for the first token within `timeoutMs`, inside `deadline`. */
export function watchFirstToken(
  deadline: Deadline,
  timeoutMs: number,
  clock: Clock = systemClock,
): FirstTokenWatch {
  const ttft = new AbortController();
  const timer = new AbortController();
  const signal = AbortSignal.any([ttft.signal, deadline.signal]);
  clock.sleep(timeoutMs, AbortSignal.any([timer.signal, signal])).then(
    () => ttft.abort(new FirstTokenTimeoutError(timeoutMs)),
    () => undefined,
  );
  return {
    signal,
    received: () => timer.abort(),
    dispose: () => timer.abort(),
  };
}
