// A circuit breaker per tool, per run: after N failures in a row the tool is blocked for a while and the model is
// told so instead of burning steps on it. Its state is plain JSON inside the run's checkpoint, so it survives a
// crash with the run. (The store-backed CircuitBreaker of @rampart/resilience guards shared upstreams across
// replicas; a tool breaker belongs to one run, so it lives where the run's state lives.)
import type { GuardState } from '../loop/agent-run-types.js';

/** Defaults from the talk: 3 failures → blocked 300 s. */
export const DEFAULT_TOOL_BREAKER = { failures: 3, blockMs: 300_000 } as const;

/** Thresholds of the tool breaker. */
export interface ToolBreakerPolicy {
  failures: number;
  blockMs: number;
}

/** Whether the tool may be called now; when blocked, for how much longer. */
export function toolAdmission(
  guards: GuardState,
  tool: string,
  now: number,
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const state = guards.toolBreakers[tool];
  if (state?.openUntil === undefined || now >= state.openUntil) return { allowed: true };
  return { allowed: false, retryAfterMs: state.openUntil - now };
}

/** Records a finished call. Returns true when this failure just blocked the tool. */
export function recordToolOutcome(
  guards: GuardState,
  tool: string,
  failed: boolean,
  now: number,
  policy: ToolBreakerPolicy,
): boolean {
  if (!failed) {
    // A success (a half-open probe included) closes the breaker.
    delete guards.toolBreakers[tool];
    return false;
  }
  const state = guards.toolBreakers[tool] ?? { consecutiveFailures: 0 };
  state.consecutiveFailures += 1;
  const wasOpen = state.openUntil !== undefined;
  // A failed probe after the block reopens at once; otherwise the threshold decides.
  const opens = wasOpen || state.consecutiveFailures >= policy.failures;
  if (opens) state.openUntil = now + policy.blockMs;
  guards.toolBreakers[tool] = state;
  return opens;
}

/** What the model reads when it calls a blocked tool. */
export function blockedExplanation(tool: string, retryAfterMs: number, policy: ToolBreakerPolicy): string {
  return (
    `Not executed: the tool ${tool} failed ${policy.failures} times in a row and is blocked for ` +
    `${Math.ceil(retryAfterMs / 1000)} more seconds. Do not call it again now: continue without it, or ` +
    'tell the user what could not be done.'
  );
}
