// One model call of a run: stream (unless the run degraded), forward text as it arrives, tell the user when the
// gateway fell back, degrade to non-streaming after an overload (once per run), retry a failed call a little.
import type { ChatRequest, Usage } from '@rampart/spec';
import type { AgentEventBody } from '../agent-events.js';
import { assembleStream, type AssembledTurn } from './agent-assemble-stream.js';
import { errorFacts, isBudgetExceeded, isOverload } from './agent-classify-model-error.js';
import type { RunContext } from './agent-run-context.js';
import type { ModelAttempt, ModelCall } from './agent-run-types.js';

/** What one successful model step produced. */
export interface ModelStepResult {
  turn: AssembledTurn;
  provider: string;
  model: string;
  usage: Usage;
  costNanos: bigint;
}

/** Loop-level tries of one step. The gateway already retried and fell back inside each; this covers the rest. */
const MAX_TRIES = 3;
const RETRY_BASE_MS = 500;

/**
 * Runs model step `step`. An answer's text is emitted as `content` events (a summary's is not). Throws the last
 * error when the step cannot be completed.
 */
export async function runModelStep(
  ctx: RunContext,
  request: Omit<ChatRequest, 'stream'>,
  step: number,
  purpose: 'answer' | 'summary',
): Promise<ModelStepResult> {
  const { deps, input, cp } = ctx;
  let shown = '';
  let diverged = false;
  for (let attempt = 1; ; attempt += 1) {
    const stream = deps.config.stream !== false && !cp.streamingDegraded;
    let call: ModelCall | undefined;
    let attemptText = '';
    try {
      call = await deps.model.call(
        { ...request, stream },
        {
          stream,
          ...(input.principal ? { principal: input.principal } : {}),
          threadId: input.threadId,
          requestId: `${input.runId}:${step}:${purpose}:${attempt}`,
          signal: input.signal,
        },
      );
      await noticeFallback(ctx, step, call.attempts);
      // A retried step may replay text the user already saw: only what goes beyond it is sent.
      const onText = async (delta: string): Promise<void> => {
        if (purpose !== 'answer') return;
        attemptText += delta;
        if (!diverged && shown.startsWith(attemptText)) return;
        if (!diverged && attemptText.startsWith(shown)) {
          const rest = attemptText.slice(shown.length);
          shown = attemptText;
          await ctx.emit({ type: 'content', step, text: rest });
          return;
        }
        diverged = true;
        await ctx.emit({ type: 'content', step, text: delta });
      };
      const turn = await assembleStream(call.events, onText);
      const summary = call.summary();
      return {
        turn,
        provider: call.provider,
        model: call.model,
        usage: summary.usage,
        costNanos: BigInt(summary.costNanos),
      };
    } catch (error) {
      if (input.signal.aborted || isBudgetExceeded(error)) throw error;
      if (stream && isOverload(error)) {
        // The talk: after an overload, streaming is off for the rest of the run, and the user hears it once.
        cp.streamingDegraded = true;
        await ctx.emit({
          type: 'notice',
          step,
          code: 'streaming_degraded',
          message: 'The model provider is overloaded for streaming: continuing without streaming.',
        });
        await ctx.save();
        // Not counted as a try: it can happen once per run, as the run is non-streaming from now on.
        attempt -= 1;
        continue;
      }
      const facts = errorFacts(error);
      if (!facts.retryable || attempt >= MAX_TRIES) throw error;
      await deps.clock.sleep(facts.retryAfterMs ?? RETRY_BASE_MS * 2 ** (attempt - 1), input.signal);
    }
  }
}

async function noticeFallback(
  ctx: RunContext,
  step: number,
  attempts: readonly ModelAttempt[],
): Promise<void> {
  const served = attempts.find((a) => a.outcome === 'served');
  const passed = attempts.filter((a) => a.outcome !== 'served');
  if (served === undefined || passed.length === 0) return;
  const why = passed
    .map(
      (a) =>
        `${a.provider}/${a.model} ${a.outcome === 'skipped' ? 'skipped (circuit open)' : `failed (${[a.status, a.reason].filter((x) => x !== undefined).join(' ')})`}`,
    )
    .join(', ');
  const body: AgentEventBody = {
    type: 'notice',
    step,
    code: 'provider_fallback',
    message: `Switched to ${served.provider} (${served.model}): ${why}.`,
  };
  await ctx.emit(body);
}
