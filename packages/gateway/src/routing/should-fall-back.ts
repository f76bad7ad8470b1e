// Whether a failure moves a request on to the next target. The status compared with `on_status_codes` is the
// upstream's own when it answered with one; failures that have none (in-band stream errors, cut or empty
// streams, timeouts, connection failures, open circuits) count as the status their error code stands for,
// so a user's list of statuses governs them too.
import { RampartError, UpstreamError } from '@rampart/spec';

/** The HTTP status a failure stands for when deciding on fallback and retry. */
export function effectiveStatus(error: RampartError): number {
  if (error instanceof UpstreamError && error.upstreamStatus !== undefined && error.upstreamStatus >= 400) {
    return error.upstreamStatus;
  }
  return error.status;
}

/** True when `error` may be answered by trying another target. */
export function shouldFallBack(error: unknown, onStatusCodes: ReadonlySet<number>): boolean {
  if (!(error instanceof RampartError)) return false;
  if (error.responseStarted) return false;
  return onStatusCodes.has(effectiveStatus(error));
}
