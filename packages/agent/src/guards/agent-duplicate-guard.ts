// The infinite-loop story: the same search 400 times. A tool call identical to one that already succeeded within
// the last few steps is not run again; the model is told why and pointed at the earlier result.
import type { GuardState } from '../loop/agent-run-types.js';
import { toolCallFingerprint } from './agent-canonical-arguments.js';

/** Default window, in model steps. */
export const DEFAULT_DUPLICATE_WINDOW_STEPS = 10;

/** Whether a call repeats a recent successful one; `fingerprint` is what to remember if it runs. */
export function checkDuplicate(
  guards: GuardState,
  tool: string,
  input: unknown,
  step: number,
  windowSteps: number,
): { duplicate: boolean; fingerprint: string; previousStep?: number } {
  const fingerprint = toolCallFingerprint(tool, input);
  const previous = guards.recentCalls.find(
    (c) => c.fingerprint === fingerprint && step - c.step < windowSteps,
  );
  return previous
    ? { duplicate: true, fingerprint, previousStep: previous.step }
    : { duplicate: false, fingerprint };
}

/**
 * Remembers a call that succeeded. Failed calls are not remembered: retrying a failed call as is can be right
 * (a flaky tool), and repeated failures are the tool breaker's business.
 */
export function rememberCall(
  guards: GuardState,
  fingerprint: string,
  step: number,
  windowSteps: number,
): void {
  guards.recentCalls = guards.recentCalls.filter((c) => step - c.step < windowSteps);
  guards.recentCalls.push({ fingerprint, step });
}

/** What the model reads instead of a result when it repeats itself. */
export function duplicateExplanation(tool: string, previousStep: number | undefined): string {
  return (
    `Not executed: this exact ${tool} call (same arguments) already ran` +
    (previousStep === undefined ? '' : ` at step ${previousStep}`) +
    '. Its result is above in the conversation and would be the same. Use that result, change the arguments, ' +
    'or answer with what you have.'
  );
}
