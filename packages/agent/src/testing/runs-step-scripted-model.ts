// A model for durable-run tests and benchmarks: the turn it plays is chosen by the step the conversation is at
// (assistant turns since the last user text), not by how many calls this instance saw, so a worker that resumes a
// run in a fresh process answers exactly as the first one would have. Turns are played by the loop's ScriptedModel.
import type { ChatRequest } from '@rampart/spec';
import type { ModelCall, ModelCallOptions, ModelClient } from '../loop/agent-run-types.js';
import { ScriptedModel, type ScriptedTurn } from '../model/agent-scripted-model.js';

/** Options of the step-scripted model. */
export interface StepScriptedModelOptions {
  /** Before answering step n (1-based), wait delays[n] ms (abortable). Used to hold a worker mid-run. */
  delays?: Record<number, number>;
  /** Called for every model call with its step. */
  onCall?(step: number): void;
}

/** The 1-based step a request is at. */
export function stepOf(request: ChatRequest): number {
  let step = 1;
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role === 'assistant') step += 1;
    else if (m.content.some((p) => p.type === 'text')) break;
  }
  return step;
}

/** Plays turns[step - 1] for each call. */
export function stepScriptedModel(
  turns: ScriptedTurn[],
  options: StepScriptedModelOptions = {},
): ModelClient {
  return {
    async call(request: ChatRequest, callOptions: ModelCallOptions): Promise<ModelCall> {
      const step = stepOf(request);
      options.onCall?.(step);
      const delay = options.delays?.[step];
      if (delay !== undefined && delay > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, delay);
          callOptions.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(callOptions.signal.reason as Error);
            },
            { once: true },
          );
        });
      }
      const turn = turns[step - 1] ?? { text: `(no scripted turn for step ${step})` };
      return new ScriptedModel([turn]).call(request, callOptions);
    },
  };
}
