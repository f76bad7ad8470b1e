// A per-attempt time limit inside the request's deadline: the attempt gets a child deadline that fires at
// whichever comes first, and the caller is released the moment it fires.
import { systemClock, type Clock } from './clock.js';
import { raceAbort, resolveContext, type ExecuteOptions, type Policy, type PolicyContext } from './policy.js';
import { AttemptTimeoutError } from './resilience-errors.js';

/** Limits each run to `timeoutMs` (and never past the deadline); aborts the work's signal when it fires. */
export class TimeoutPolicy implements Policy {
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(timeoutMs: number, options: { clock?: Clock } = {}) {
    this.#timeoutMs = timeoutMs;
    this.#clock = options.clock ?? systemClock;
  }

  async execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T> {
    const context = resolveContext(options, this.#clock);
    const timeoutMs = this.#timeoutMs;
    const deadline = context.deadline.child({
      timeoutMs,
      onExpire: () => new AttemptTimeoutError(timeoutMs),
    });
    try {
      return await raceAbort(fn({ ...context, signal: deadline.signal, deadline }), deadline.signal);
    } finally {
      deadline.dispose();
    }
  }
}
