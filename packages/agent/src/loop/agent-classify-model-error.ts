// How the loop reads a failed model call: overload (degrade streaming), a user's budget or limit (stop, clearly),
// worth another try, or final.
import { RampartError, toRampartError } from '@rampart/spec';

/** The code a refusal by the gateway's limits engine carries when a budget is spent. */
export const BUDGET_EXCEEDED = 'budget_exceeded';

/** Error fields the loop looks at, whichever package threw. */
interface ErrorFacts {
  code: string;
  message: string;
  status: number | undefined;
  retryable: boolean;
  upstreamStatus: number | undefined;
  upstreamType: string | undefined;
  retryAfterMs: number | undefined;
}

/** The facts of any thrown value. Codes outside spec's table (e.g. budget_exceeded) are kept as they are. */
export function errorFacts(error: unknown): ErrorFacts {
  const rampart = error instanceof RampartError ? error : undefined;
  const loose = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const code = typeof loose.code === 'string' ? loose.code : toRampartError(error).code;
  return {
    code,
    message: error instanceof Error ? error.message : String(error),
    status: rampart?.status ?? (typeof loose.status === 'number' ? loose.status : undefined),
    retryable: rampart?.retryable ?? loose.retryable === true,
    upstreamStatus: typeof loose.upstreamStatus === 'number' ? loose.upstreamStatus : undefined,
    upstreamType: typeof loose.upstreamType === 'string' ? loose.upstreamType : undefined,
    retryAfterMs: rampart?.retryAfterMs,
  };
}

/**
 * Overload: Anthropic's 529 / overloaded_error, a 503 that says overloaded, or a stream that failed mid-way with
 * an overload error. The talk's answer is to stop streaming for the rest of the run.
 */
export function isOverload(error: unknown): boolean {
  const facts = errorFacts(error);
  if (facts.code === 'overloaded' || facts.status === 529 || facts.upstreamStatus === 529) return true;
  if (facts.upstreamType !== undefined && /overload/i.test(facts.upstreamType)) return true;
  const unavailable =
    facts.code === 'upstream_unavailable' || facts.status === 503 || facts.upstreamStatus === 503;
  return unavailable && /overload/i.test(facts.message);
}

/** The user (or key, or team) has spent their budget: stop the run and say so. */
export function isBudgetExceeded(error: unknown): boolean {
  return errorFacts(error).code === BUDGET_EXCEEDED;
}
