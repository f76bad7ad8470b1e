// The tool calls of one assistant turn: guarded (breaker, duplicates), run in parallel, results kept in call order,
// each framed by status events and checkpointed the moment it completes, so a resumed run never runs it again.
import type { ImagePart, Message, TextPart, ToolCallPart, ToolResultPart } from '@rampart/spec';
import { checkDuplicate, duplicateExplanation, rememberCall } from '../guards/agent-duplicate-guard.js';
import { blockedExplanation, recordToolOutcome, toolAdmission } from '../guards/agent-tool-breaker.js';
import type { RunContext } from './agent-run-context.js';
import type { CompletedToolCall, ToolCallOutput } from './agent-run-types.js';

/** Tool calls of the last assistant turn that have no results in the conversation yet. */
export function pendingToolCalls(messages: readonly Message[]): ToolCallPart[] {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant') return [];
  return last.content.filter((p): p is ToolCallPart => p.type === 'tool_call');
}

/** Runs (or, after a crash, finishes) the pending tool calls of step `step` and appends their results. */
export async function runToolStep(
  ctx: RunContext,
  calls: readonly ToolCallPart[],
  step: number,
): Promise<void> {
  const { cp } = ctx;
  // Guards are decided in call order before anything runs, so two identical calls in one turn run once.
  const thisTurn = new Set<string>();
  const plans = calls.map((call) => planCall(ctx, call, step, thisTurn));
  await Promise.all(
    plans.map(async (plan) => {
      if (plan.kind === 'done') return;
      const { call } = plan;
      await ctx.emit({ type: 'status', step, status: 'calling_tool', tool: call.name, toolCallId: call.id });
      await ctx.emit({ type: 'tool_call', step, toolCallId: call.id, tool: call.name, input: call.input });
      let result: CompletedToolCall;
      if (plan.kind === 'refuse') {
        await ctx.emit({ type: 'notice', step, code: plan.code, message: plan.notice });
        result = { tool: call.name, content: [{ type: 'text', text: plan.explanation }], isError: true };
      } else {
        const output = await callTool(ctx, call);
        for (const notice of output.notices) await ctx.emit({ type: 'notice', step, ...notice });
        result = { tool: call.name, content: output.content, isError: output.isError };
        const blocked = recordToolOutcome(
          cp.guards,
          call.name,
          output.isError,
          ctx.deps.clock.now(),
          ctx.breaker,
        );
        if (!output.isError) rememberCall(cp.guards, plan.fingerprint, step, ctx.duplicateWindowSteps);
        if (blocked) {
          await ctx.emit({
            type: 'notice',
            step,
            code: 'tool_blocked',
            message: `${call.name} failed ${ctx.breaker.failures} times in a row: blocked for ${Math.round(ctx.breaker.blockMs / 1000)} s.`,
          });
        }
      }
      cp.toolResults[call.id] = result;
      await ctx.emit({
        type: 'tool_result',
        step,
        toolCallId: call.id,
        tool: call.name,
        output: textOf(result.content),
        isError: result.isError,
      });
      await ctx.save();
    }),
  );
  ctx.input.signal.throwIfAborted();
  const results: ToolResultPart[] = calls.map((call) => {
    const done = cp.toolResults[call.id];
    if (done === undefined) throw new Error(`tool call ${call.id} has no result`);
    return {
      type: 'tool_result',
      toolCallId: call.id,
      content: done.content,
      ...(done.isError ? { isError: true } : {}),
    };
  });
  cp.messages.push({ role: 'user', content: results });
  for (const call of calls) delete cp.toolResults[call.id];
  await ctx.save();
}

type CallPlan =
  | { kind: 'done' }
  | { kind: 'run'; call: ToolCallPart; fingerprint: string }
  | {
      kind: 'refuse';
      call: ToolCallPart;
      code: 'duplicate_tool_call' | 'tool_blocked';
      notice: string;
      explanation: string;
    };

function planCall(ctx: RunContext, call: ToolCallPart, step: number, thisTurn: Set<string>): CallPlan {
  const { cp } = ctx;
  if (cp.toolResults[call.id] !== undefined) return { kind: 'done' };
  const admission = toolAdmission(cp.guards, call.name, ctx.deps.clock.now());
  if (!admission.allowed) {
    return {
      kind: 'refuse',
      call,
      code: 'tool_blocked',
      notice: `${call.name} is blocked after repeated failures; the model was told to continue without it.`,
      explanation: blockedExplanation(call.name, admission.retryAfterMs, ctx.breaker),
    };
  }
  const duplicate = checkDuplicate(cp.guards, call.name, call.input, step, ctx.duplicateWindowSteps);
  if (duplicate.duplicate || thisTurn.has(duplicate.fingerprint)) {
    return {
      kind: 'refuse',
      call,
      code: 'duplicate_tool_call',
      notice: `Skipped a repeated ${call.name} call with the same arguments; the model was asked to use the earlier result.`,
      explanation: duplicateExplanation(call.name, duplicate.previousStep),
    };
  }
  // An identical call later in this same turn is refused rather than run in parallel with this one.
  thisTurn.add(duplicate.fingerprint);
  return { kind: 'run', call, fingerprint: duplicate.fingerprint };
}

async function callTool(ctx: RunContext, call: ToolCallPart): Promise<ToolCallOutput> {
  if (typeof call.input !== 'object' || call.input === null || Array.isArray(call.input)) {
    return {
      content: [
        {
          type: 'text',
          text: `The arguments of ${call.name} must be a JSON object; got: ${String(JSON.stringify(call.input))}`,
        },
      ],
      isError: true,
      notices: [],
    };
  }
  if (!ctx.tools.some((t) => t.name === call.name)) {
    return {
      content: [
        {
          type: 'text',
          text: `There is no tool named ${call.name}. Available: ${ctx.tools.map((t) => t.name).join(', ') || 'none'}.`,
        },
      ],
      isError: true,
      notices: [],
    };
  }
  try {
    return await ctx.deps.tools.callTool(call.name, call.input, ctx.input.signal);
  } catch (error) {
    if (ctx.input.signal.aborted) throw error;
    return {
      content: [
        { type: 'text', text: `The tool ${call.name} could not be called: ${(error as Error).message}` },
      ],
      isError: true,
      notices: [],
    };
  }
}

function textOf(content: ReadonlyArray<TextPart | ImagePart>): string {
  return content
    .map((c) =>
      c.type === 'text' ? c.text : `[image ${c.source.kind === 'base64' ? c.source.mediaType : 'url'}]`,
    )
    .join('\n');
}
