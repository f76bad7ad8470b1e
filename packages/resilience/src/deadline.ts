// One deadline for a whole request: every retry, fallback and stream shares it, so the sum of their waits can
// never exceed what the caller allowed. It is an absolute time plus an AbortSignal that fires at that time (or
// when the caller's own signal aborts), and the signal is handed to everything doing work, so an expired
// request really stops rather than running on unobserved.
import { systemClock, type Clock } from './clock.js';
import { DeadlineExceededError } from './resilience-errors.js';

const DISPOSED = new Error('deadline disposed');

/** How to make a deadline. */
export interface DeadlineOptions {
  clock?: Clock;
  /** The caller's signal (e.g. the client disconnected): aborting it aborts the deadline's signal too. */
  signal?: AbortSignal;
  /** The error the signal aborts with when time runs out. Default DeadlineExceededError. */
  onExpire?: () => Error;
}

/** An absolute point in time shared by nested operations, with an AbortSignal that fires at it. */
export class Deadline {
  /** Epoch ms at which the deadline passes (Infinity: none). */
  readonly at: number;
  /** Aborts at the deadline, or earlier with the caller's reason if the caller's signal aborts. */
  readonly signal: AbortSignal;
  readonly #clock: Clock;
  /** Cancels the expiry timer; made only when there is a timer, since aborting is not free per request. */
  #timer: AbortController | undefined;

  /** A deadline `ms` from now. */
  static after(ms: number, options: DeadlineOptions = {}): Deadline {
    const clock = options.clock ?? systemClock;
    return new Deadline(clock.now() + ms, options);
  }

  /** No time limit, but still cancellable through `options.signal`. */
  static none(options: DeadlineOptions = {}): Deadline {
    return new Deadline(Infinity, options);
  }

  constructor(at: number, options: DeadlineOptions = {}) {
    this.at = at;
    this.#clock = options.clock ?? systemClock;
    if (at === Infinity && options.signal !== undefined) {
      // Nothing will ever expire: the caller's signal is the whole story, and AbortSignal.any is not free
      // on a per-request path.
      this.signal = options.signal;
      return;
    }
    const expired = new AbortController();
    const signals = [expired.signal];
    if (options.signal !== undefined) signals.push(options.signal);
    this.signal = signals.length === 1 ? expired.signal : AbortSignal.any(signals);
    const onExpire = options.onExpire ?? (() => new DeadlineExceededError());
    if (at === Infinity) return;
    const wait = at - this.#clock.now();
    if (wait <= 0) {
      expired.abort(onExpire());
      return;
    }
    // The timer is itself cancelled by dispose(), and is pointless once the signal has fired.
    this.#timer = new AbortController();
    const stop = AbortSignal.any([this.#timer.signal, this.signal]);
    this.#clock.sleep(wait, stop).then(
      () => expired.abort(onExpire()),
      () => undefined,
    );
  }

  /** Milliseconds left (0 once passed; Infinity without a limit). */
  remaining(): number {
    return Math.max(0, this.at - this.#clock.now());
  }

  /** Whether the deadline passed or the caller cancelled. */
  get expired(): boolean {
    return this.signal.aborted || this.remaining() === 0;
  }

  /** Throws the abort reason if the signal fired, or DeadlineExceededError if the time is up. */
  throwIfExpired(): void {
    if (this.signal.aborted) throw this.signal.reason;
    if (this.remaining() === 0) throw new DeadlineExceededError();
  }

  /**
   * A nested deadline: never later than this one, optionally sooner (`timeoutMs`), also aborted by `signal`.
   * `onExpire` names the error when the child's own, earlier limit is what fires.
   */
  child(options: { timeoutMs?: number; signal?: AbortSignal; onExpire?: () => Error } = {}): Deadline {
    const own = options.timeoutMs === undefined ? Infinity : this.#clock.now() + options.timeoutMs;
    const signals = options.signal === undefined ? [this.signal] : [this.signal, options.signal];
    const combined = signals.length === 1 ? this.signal : AbortSignal.any(signals);
    const expireWith = own < this.at ? options.onExpire : undefined;
    return new Deadline(Math.min(own, this.at), {
      clock: this.#clock,
      signal: combined,
      ...(expireWith === undefined ? {} : { onExpire: expireWith }),
    });
  }

  /** Stops the timer early (the operation finished); the signal will then only follow the caller's. */
  dispose(): void {
    // A shared reason: abort() without one builds a DOMException with a stack trace on every request.
    this.#timer?.abort(DISPOSED);
  }
}
