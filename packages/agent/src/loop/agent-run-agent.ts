// The agent loop. (Seam stub: the implementation lands in the next commits.)
import type { RunAgentDeps, RunAgentInput, RunOutcome } from './agent-run-types.js';

/** Runs (or resumes) an agent run until done, error or cancel. */
export function runAgent(input: RunAgentInput, deps: RunAgentDeps): Promise<RunOutcome> {
  void input;
  void deps;
  return Promise.reject(new Error('runAgent: not implemented yet'));
}
