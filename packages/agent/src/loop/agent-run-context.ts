// What the parts of one run share: the live checkpoint, the runner's callbacks and the resolved settings.
import type { ToolDefinition } from '@rampart/spec';
import type { AgentEventBody } from '../agent-events.js';
import { DEFAULT_DUPLICATE_WINDOW_STEPS } from '../guards/agent-duplicate-guard.js';
import { DEFAULT_TOOL_BREAKER, type ToolBreakerPolicy } from '../guards/agent-tool-breaker.js';
import type { RunAgentDeps, RunAgentInput, RunCheckpoint } from './agent-run-types.js';

/**
 * The runner could not take an event or a checkpoint (store down, lease lost to another worker). The run must
 * stop at once without another word: runAgent rejects with the runner's own error.
 */
export class RunnerFailure extends Error {
  override readonly name = 'RunnerFailure';
  constructor(cause: unknown) {
    super('the runner failed to record the run', { cause });
  }
}

/** One run's shared state. The checkpoint is mutated in place and saved through `save()`. */
export interface RunContext {
  input: RunAgentInput;
  deps: RunAgentDeps;
  cp: RunCheckpoint;
  tools: ToolDefinition[];
  breaker: ToolBreakerPolicy;
  duplicateWindowSteps: number;
  emit(body: AgentEventBody): Promise<void>;
  /** Saves a copy of the checkpoint as it is now; saves are applied in call order. */
  save(): Promise<void>;
}

/** Builds the context of a run starting from (a copy of) its checkpoint. */
export function createRunContext(input: RunAgentInput, deps: RunAgentDeps): RunContext {
  const cp = structuredClone(input.checkpoint);
  let chain: Promise<void> = Promise.resolve();
  return {
    input,
    deps,
    cp,
    tools: [],
    breaker: {
      failures: deps.config.toolBreakerFailures ?? DEFAULT_TOOL_BREAKER.failures,
      blockMs: deps.config.toolBreakerBlockMs ?? DEFAULT_TOOL_BREAKER.blockMs,
    },
    duplicateWindowSteps: deps.config.duplicateWindowSteps ?? DEFAULT_DUPLICATE_WINDOW_STEPS,
    emit: (body) =>
      deps.emit(body).catch((error: unknown) => {
        throw new RunnerFailure(error);
      }),
    save() {
      // Parallel tool calls finish in any order; each save carries the state at its moment, and they land in order.
      const snapshot = structuredClone(cp);
      const saved = chain.then(() =>
        deps.saveCheckpoint(snapshot).catch((error: unknown) => {
          throw new RunnerFailure(error);
        }),
      );
      chain = saved.catch(() => undefined);
      return saved;
    },
  };
}
