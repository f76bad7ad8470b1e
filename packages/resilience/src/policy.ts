// What every policy has in common, and wrap(), which nests them: wrap(retry, breaker, timeout) runs the
// timeout inside the breaker inside the retry, each handing the next the context (signal, deadline, attempt).
import type { Clock } from './clock.js';
import { Deadline } from './deadline.js';

/** What a policy passes to the work it runs. */
export interface PolicyContext {
  /** Abort this and the work must stop: fires on deadline, attempt timeout or the caller's cancel. */
  signal: AbortSignal;
  /** The request's deadline (or a nested, sooner one). */
  deadline: Deadline;
  /** 1 for the first attempt, counted by the nearest retry policy outside. */
  attempt: number;
}

/** How a caller starts a policy: its own signal and/or the request's deadline. */
export interface ExecuteOptions {
  signal?: AbortSignal;
  deadline?: Deadline;
  attempt?: number;
}

/** A resilience policy: runs `fn` under its rule. */
export interface Policy {
  execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T>;
}

/** Fills in a full context from what the caller gave. */
export function resolveContext(options: ExecuteOptions = {}, clock?: Clock): PolicyContext {
  const clockOption = clock === undefined ? {} : { clock };
  let deadline =
    options.deadline ??
    Deadline.none({ ...clockOption, ...(options.signal ? { signal: options.signal } : {}) });
  if (
    options.deadline !== undefined &&
    options.signal !== undefined &&
    options.signal !== options.deadline.signal
  )
    deadline = options.deadline.child({ signal: options.signal });
  return { signal: deadline.signal, deadline, attempt: options.attempt ?? 1 };
}

/** Nests policies, outermost first: `wrap(retry, breaker, timeout).execute(fn)`. */
export function wrap(...policies: Policy[]): Policy {
  return {
    execute<T>(fn: (context: PolicyContext) => Promise<T>, options?: ExecuteOptions): Promise<T> {
      const run = (index: number, context: ExecuteOptions | undefined): Promise<T> => {
        const policy = policies[index];
        if (policy === undefined) return fn(resolveContext(context));
        return policy.execute((inner) => run(index + 1, inner), context);
      };
      return run(0, options);
    },
  };
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts: the caller is never held
 * by work that ignores its signal (which it was given, so well-behaved work has stopped too). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on whatever the work threw
        reject(error);
      },
    );
  });
}
