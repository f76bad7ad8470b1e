// The Converse response and the ConverseStream events, from a planned reply.
import { splitJsonFragments, splitTextDeltas } from '../model/split-stream-text.js';
import type { Reply } from '../model/plan-reply.js';
import type { TurnUsage } from '../turn/turn-types.js';

/** Usage as Converse reports it: inputTokens excludes cache reads and writes; totalTokens includes them. */
export function converseUsage(usage: TurnUsage, withCache: boolean): Record<string, number> {
  const write = usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  const out: Record<string, number> = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + write,
  };
  if (withCache || usage.cacheReadTokens > 0 || write > 0) {
    out.cacheReadInputTokens = usage.cacheReadTokens;
    out.cacheWriteInputTokens = write;
  }
  return out;
}

type ConverseContent =
  { text: string } | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } };

function content(reply: Reply, toolUseId: () => string): ConverseContent[] {
  return reply.blocks.map((b) =>
    b.type === 'text'
      ? { text: b.text }
      : { toolUse: { toolUseId: b.id ?? toolUseId(), name: b.name, input: b.input } },
  );
}

/** The non-streaming Converse response. */
export function renderConverse(
  reply: Reply,
  usage: TurnUsage,
  latencyMs: number,
  withCache: boolean,
  toolUseId: () => string,
): Record<string, unknown> {
  return {
    output: { message: { role: 'assistant', content: content(reply, toolUseId) } },
    stopReason: reply.stopReason,
    usage: converseUsage(usage, withCache),
    metrics: { latencyMs },
  };
}

/** The ConverseStream events as [event-type, payload] pairs. */
export function converseStreamEvents(
  reply: Reply,
  usage: TurnUsage,
  latencyMs: number,
  withCache: boolean,
  toolUseId: () => string,
): Array<[string, Record<string, unknown>]> {
  const events: Array<[string, Record<string, unknown>]> = [['messageStart', { role: 'assistant' }]];
  content(reply, toolUseId).forEach((block, contentBlockIndex) => {
    if ('text' in block) {
      for (const text of splitTextDeltas(block.text))
        events.push(['contentBlockDelta', { contentBlockIndex, delta: { text } }]);
    } else {
      const { toolUseId: id, name, input } = block.toolUse;
      events.push(['contentBlockStart', { contentBlockIndex, start: { toolUse: { toolUseId: id, name } } }]);
      for (const fragment of splitJsonFragments(JSON.stringify(input)))
        events.push(['contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: fragment } } }]);
    }
    events.push(['contentBlockStop', { contentBlockIndex }]);
  });
  events.push(['messageStop', { stopReason: reply.stopReason }]);
  events.push(['metadata', { usage: converseUsage(usage, withCache), metrics: { latencyMs } }]);
  return events;
}
