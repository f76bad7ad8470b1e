// What was tried for one request, in order: the transparency users are owed (response headers, the start
// of a stream, the structured log, fallback counters).

/** One step of a request's path through its route. */
export interface RouteAttempt {
  /** The leaf's place in the routing config, e.g. `targets[1]` ('' for a single target). */
  path: string;
  provider: string;
  model: string;
  outcome: 'served' | 'failed' | 'skipped';
  /** Error code for failures; `circuit_open` for skips. */
  reason?: string;
  /** Upstream status (or the status the failure stands for). */
  status?: number;
  durationMs: number;
}

/** `provider/model=outcome[:status][:reason]@ms` per attempt, comma-separated: fits one response header. */
export function formatAttemptsHeader(attempts: readonly RouteAttempt[]): string {
  return attempts
    .map((a) => {
      const detail =
        a.outcome === 'served'
          ? ''
          : `${a.status !== undefined ? `:${a.status}` : ''}${a.reason ? `:${a.reason}` : ''}`;
      return `${a.provider}/${a.model}=${a.outcome}${detail}@${Math.round(a.durationMs)}ms`;
    })
    .join(', ');
}
