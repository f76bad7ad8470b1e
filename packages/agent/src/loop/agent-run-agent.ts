// The agent loop: model step, tool calls, model step … until the model answers without tools, a limit stops the
// run, or it is cancelled. Every completed model call and tool result is checkpointed before the loop moves on,
// so a run resumed from its last checkpoint repeats neither. Events tell the client everything, in order, and a
// run always ends with `done` or `error` (a cancelled run ends silently: whoever cancelled knows).
import type { ChatRequest, Message, ToolResultPart } from '@rampart/spec';
import { errorFacts, isBudgetExceeded } from './agent-classify-model-error.js';
import { applyPruning, planPruning, SUMMARY_INSTRUCTION, transcriptOf } from './agent-history-pruning.js';
import { runModelStep } from './agent-model-step.js';
import { createRunContext, RunnerFailure, type RunContext } from './agent-run-context.js';
import type { RunAgentDeps, RunAgentInput, RunOutcome } from './agent-run-types.js';
import { pendingToolCalls, runToolStep } from './agent-tool-step.js';
import { nanosToUsd, usdToNanos } from './agent-usd.js';

/** Runs (or resumes) an agent run until done, error or cancel. */
export async function runAgent(input: RunAgentInput, deps: RunAgentDeps): Promise<RunOutcome> {
  const ctx = createRunContext(input, deps);
  const { cp } = ctx;
  const { config } = deps;
  const maxCost = config.maxCostUsd === undefined ? undefined : usdToNanos(config.maxCostUsd);
  try {
    // A resumed run was announced by whoever started it; the runner tells the stream it resumed.
    if (input.resumed !== true && cp.steps === 0)
      await ctx.emit({ type: 'run_started', runId: input.runId, threadId: input.threadId });
    ctx.tools = await deps.tools.listTools(input.signal);
    for (;;) {
      input.signal.throwIfAborted();
      const pending = pendingToolCalls(cp.messages);
      if (pending.length > 0) {
        // Limits are judged before tools run: a step past them asked for work the run will not do.
        if (maxCost !== undefined && BigInt(cp.costNanos) >= maxCost) {
          return await fail(
            ctx,
            'max_cost',
            `This run reached its cost limit of $${config.maxCostUsd} (spent $${nanosToUsd(BigInt(cp.costNanos))}) and was stopped before running more tools.`,
          );
        }
        if (cp.steps >= config.maxSteps) {
          return await fail(
            ctx,
            'max_steps',
            `This run reached its limit of ${config.maxSteps} model steps and was stopped.`,
          );
        }
        await runToolStep(ctx, pending, cp.steps);
        continue;
      }
      const last = cp.messages[cp.messages.length - 1];
      if (last?.role === 'assistant') return await complete(ctx);
      if (maxCost !== undefined && BigInt(cp.costNanos) >= maxCost) {
        return await fail(
          ctx,
          'max_cost',
          `This run reached its cost limit of $${config.maxCostUsd} (spent $${nanosToUsd(BigInt(cp.costNanos))}) and was stopped.`,
        );
      }
      if (cp.steps >= config.maxSteps) {
        return await fail(
          ctx,
          'max_steps',
          `This run reached its limit of ${config.maxSteps} model steps and was stopped.`,
        );
      }
      const step = cp.steps + 1;
      await pruneHistory(ctx, step);
      await ctx.emit({ type: 'status', step, status: 'generating' });
      const result = await runModelStep(ctx, answerRequest(ctx), step, 'answer');
      addCost(ctx, result.costNanos);
      await ctx.emit({
        type: 'usage',
        step,
        provider: result.provider,
        model: result.model,
        usage: result.usage,
        costUsd: nanosToUsd(result.costNanos),
      });
      // Providers refuse an empty assistant turn in the history; an empty answer is still an answer.
      cp.messages.push({
        role: 'assistant',
        content:
          result.turn.content.length > 0 ? result.turn.content : [{ type: 'text', text: '(no answer)' }],
      });
      cp.steps = step;
      await ctx.save();
    }
  } catch (error) {
    if (error instanceof RunnerFailure) throw error.cause;
    if (input.signal.aborted) {
      closeDanglingCalls(cp.messages, cp.toolResults, 'the run was cancelled');
      await ctx.save().catch(() => undefined);
      return { status: 'cancelled', checkpoint: cp };
    }
    if (isBudgetExceeded(error)) {
      return await fail(
        ctx,
        'budget_exceeded',
        `Usage limit reached: ${errorFacts(error).message} The run stopped before calling the model again.`,
      );
    }
    const facts = errorFacts(error);
    return await fail(ctx, facts.code, facts.message);
  }
}

function answerRequest(ctx: RunContext): Omit<ChatRequest, 'stream'> {
  const { config } = ctx.deps;
  return {
    model: config.model,
    messages: ctx.cp.messages,
    ...(config.system === undefined ? {} : { system: [{ type: 'text', text: config.system }] }),
    ...(ctx.tools.length > 0 ? { tools: ctx.tools } : {}),
    ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    user: ctx.input.userId,
  };
}

async function pruneHistory(ctx: RunContext, step: number): Promise<void> {
  const { cp } = ctx;
  const { config } = ctx.deps;
  if (config.pruning === undefined) return;
  const plan = planPruning(cp.messages, config.pruning);
  if (plan === undefined) return;
  const middle = cp.messages.slice(plan.headEnd, plan.tailStart);
  const result = await runModelStep(
    ctx,
    {
      model: config.model,
      system: [{ type: 'text', text: SUMMARY_INSTRUCTION }],
      messages: [{ role: 'user', content: [{ type: 'text', text: transcriptOf(middle) }] }],
      maxTokens: 1024,
      user: ctx.input.userId,
    },
    step,
    'summary',
  );
  addCost(ctx, result.costNanos);
  await ctx.emit({
    type: 'usage',
    step,
    provider: result.provider,
    model: result.model,
    usage: result.usage,
    costUsd: nanosToUsd(result.costNanos),
  });
  const summary = result.turn.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  cp.messages = applyPruning(cp.messages, plan, summary);
  await ctx.emit({
    type: 'notice',
    step,
    code: 'history_pruned',
    message: `Condensed ${middle.length} earlier messages into a summary to keep the conversation within limits.`,
  });
  await ctx.save();
}

function addCost(ctx: RunContext, nanos: bigint): void {
  ctx.cp.costNanos = (BigInt(ctx.cp.costNanos) + nanos).toString();
}

async function complete(ctx: RunContext): Promise<RunOutcome> {
  const { cp } = ctx;
  const last = cp.messages[cp.messages.length - 1];
  const text =
    last?.role === 'assistant' ? last.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : '';
  await ctx.emit({ type: 'done', totalCostUsd: nanosToUsd(BigInt(cp.costNanos)), steps: cp.steps });
  return { status: 'completed', checkpoint: cp, text };
}

async function fail(ctx: RunContext, code: string, message: string): Promise<RunOutcome> {
  const { cp } = ctx;
  // The thread's history must stay valid for its next run: a call without a result would be refused.
  if (closeDanglingCalls(cp.messages, cp.toolResults, `the run stopped (${code})`)) await ctx.save();
  await ctx.emit({ type: 'error', code, message });
  return { status: 'failed', checkpoint: cp, code, message };
}

/** Gives every unanswered call of the last assistant turn a result (the real one if it ran). True if it did. */
function closeDanglingCalls(
  messages: Message[],
  done: Record<string, { content: ToolResultPart['content']; isError: boolean }>,
  reason: string,
): boolean {
  const calls = pendingToolCalls(messages);
  if (calls.length === 0) return false;
  messages.push({
    role: 'user',
    content: calls.map((call): ToolResultPart => {
      const result = done[call.id];
      if (result !== undefined) {
        delete done[call.id];
        return {
          type: 'tool_result',
          toolCallId: call.id,
          content: result.content,
          ...(result.isError ? { isError: true } : {}),
        };
      }
      return {
        type: 'tool_result',
        toolCallId: call.id,
        content: [{ type: 'text', text: `Not executed: ${reason}.` }],
        isError: true,
      };
    }),
  });
  return true;
}
