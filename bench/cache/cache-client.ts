// Replays a scenario through the gateway as an Anthropic Messages client would, in one of three modes:
//   off     — `x-rampart-cache: off`, no breakpoints: the bill without caching;
//   naive   — `x-rampart-cache: off` plus the common client recipe, one breakpoint on the last block;
//   planner — the gateway's defaults: canonical tool results and planned breakpoints;
//   planner-raw — planned breakpoints on a gateway with canonicalization switched off (the talk's 23% story).
import type { ManualClock, Simulator } from '@rampart/simulator';
import type { BenchScenario, BenchToolOutput } from './cache-scenarios.js';

/** How the client and gateway treat caching in one run. */
export type CacheMode = 'off' | 'naive' | 'planner' | 'planner-raw';

/** One request's usage as the client saw it. */
export interface TurnUsage {
  input: number;
  read: number;
  write: number;
  output: number;
}

/** Where to send and how time passes between turns. */
export interface ReplayContext {
  gatewayUrl: string;
  /** A gateway with `prompt_cache.canonicalize: false`, for the planner-raw mode. */
  rawGatewayUrl: string;
  sim: Simulator;
  clock: ManualClock;
  /** Simulated think time between requests (kept under the 5-minute TTL). */
  stepMs: number;
}

type Block = Record<string, unknown>;

/** A tool output as the war story's client renders it: fresh timestamp, duration and request id on every send. */
function renderToolOutput(output: BenchToolOutput, sentAtMs: number): string {
  return JSON.stringify({
    tool: output.tool,
    timestamp: new Date(sentAtMs).toISOString(),
    execution_time_ms: 200 + ((sentAtMs / 1000 + output.callId.length * 31) % 1800),
    data: output.data,
    meta: { request_id: `req_${sentAtMs.toString(36)}_${output.callId}`, source: 'internal' },
  });
}

function messagesUpTo(
  scenario: BenchScenario,
  turn: number,
  sentAtMs: number,
): Array<{ role: string; content: Block[] }> {
  const messages: Array<{ role: string; content: Block[] }> = [];
  for (let k = 0; k <= turn; k++) {
    const step = scenario.turns[k]!;
    const user: Block[] = step.userText
      ? [{ type: 'text', text: step.userText }]
      : (step.toolOutputs ?? []).map((o) => ({
          type: 'tool_result',
          tool_use_id: o.callId,
          content: renderToolOutput(o, sentAtMs),
        }));
    messages.push({ role: 'user', content: user });
    if (k === turn) break;
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: step.reply.text },
        ...step.reply.toolCalls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.input })),
      ],
    });
  }
  return messages;
}

/** Sends every turn of `scenario` in `mode`; returns each request's usage. */
export async function replayScenario(
  scenario: BenchScenario,
  mode: CacheMode,
  ctx: ReplayContext,
): Promise<TurnUsage[]> {
  const usages: TurnUsage[] = [];
  for (let turn = 0; turn < scenario.turns.length; turn++) {
    const step = scenario.turns[turn]!;
    const messages = messagesUpTo(scenario, turn, ctx.clock.now());
    if (mode === 'naive') {
      const lastBlocks = messages.at(-1)!.content;
      lastBlocks[lastBlocks.length - 1] = { ...lastBlocks.at(-1)!, cache_control: { type: 'ephemeral' } };
    }
    ctx.sim.script.push({
      match: { provider: scenario.simProvider },
      text: step.reply.text,
      toolCalls: step.reply.toolCalls,
      stopReason: step.reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn',
    });
    const url = mode === 'planner-raw' ? ctx.rawGatewayUrl : ctx.gatewayUrl;
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-api-key': `bench-${scenario.id}`,
        ...(mode === 'off' || mode === 'naive' ? { 'x-rampart-cache': 'off' } : {}),
      },
      body: JSON.stringify({
        model: scenario.model,
        max_tokens: 1024,
        system: scenario.system,
        tools: scenario.tools,
        messages,
      }),
    });
    const body = (await response.json()) as { usage?: Record<string, number | undefined> };
    if (response.status !== 200 || !body.usage)
      throw new Error(`turn ${turn} (${mode}): ${response.status} ${JSON.stringify(body)}`);
    usages.push({
      input: body.usage.input_tokens ?? 0,
      read: body.usage.cache_read_input_tokens ?? 0,
      write: body.usage.cache_creation_input_tokens ?? 0,
      output: body.usage.output_tokens ?? 0,
    });
    await ctx.clock.advance(ctx.stepMs);
  }
  return usages;
}
