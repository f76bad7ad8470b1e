// The Message object and its streamed events, from a planned reply. Shared with Bedrock InvokeModel, whose
// body is the same JSON (ids there are msg_bdrk_… / toolu_bdrk_…).
import { splitJsonFragments, splitTextDeltas } from '../model/split-stream-text.js';
import type { Reply } from '../model/plan-reply.js';
import type { TurnUsage } from '../turn/turn-types.js';

/** Ids and model name for one rendered message. */
export interface AnthropicRenderIds {
  messageId: string;
  model: string;
  /** Generates a tool_use id for calls that do not bring their own. */
  toolUseId: () => string;
}

/** The content blocks with ids assigned. */
type RenderedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

function renderBlocks(reply: Reply, ids: AnthropicRenderIds): RenderedBlock[] {
  return reply.blocks.map((b) =>
    b.type === 'text'
      ? { type: 'text', text: b.text }
      : { type: 'tool_use', id: b.id ?? ids.toolUseId(), name: b.name, input: b.input },
  );
}

/** Usage as the Messages API reports it: input_tokens excludes cache reads and writes. */
export function anthropicUsage(usage: TurnUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    cache_creation_input_tokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWrite5mTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
    },
    output_tokens: usage.outputTokens,
    service_tier: 'standard',
  };
}

/** The non-streaming Message. */
export function renderAnthropicMessage(
  reply: Reply,
  usage: TurnUsage,
  ids: AnthropicRenderIds,
): Record<string, unknown> {
  return {
    id: ids.messageId,
    type: 'message',
    role: 'assistant',
    model: ids.model,
    content: renderBlocks(reply, ids),
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: anthropicUsage(usage),
  };
}

/** One streamed event: its SSE name and JSON data. */
export interface AnthropicStreamEvent {
  type: string;
  data: Record<string, unknown>;
}

/** The streamed events, message_start … message_stop; `ping` after the first block start when asked. */
export function anthropicStreamEvents(
  reply: Reply,
  usage: TurnUsage,
  ids: AnthropicRenderIds,
  withPing: boolean,
): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [];
  const push = (type: string, data: Record<string, unknown>): void =>
    void events.push({ type, data: { type, ...data } });
  const startUsage = { ...anthropicUsage(usage), output_tokens: Math.min(1, usage.outputTokens) };
  push('message_start', {
    message: {
      id: ids.messageId,
      type: 'message',
      role: 'assistant',
      model: ids.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: startUsage,
    },
  });
  renderBlocks(reply, ids).forEach((block, index) => {
    if (block.type === 'text') {
      push('content_block_start', { index, content_block: { type: 'text', text: '' } });
      if (index === 0 && withPing) push('ping', {});
      for (const text of splitTextDeltas(block.text))
        push('content_block_delta', { index, delta: { type: 'text_delta', text } });
    } else {
      push('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      if (index === 0 && withPing) push('ping', {});
      // The API opens every tool input with an empty fragment.
      for (const partial_json of ['', ...splitJsonFragments(JSON.stringify(block.input))])
        push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } });
    }
    push('content_block_stop', { index });
  });
  push('message_delta', {
    delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
    usage: {
      input_tokens: usage.inputTokens,
      cache_creation_input_tokens: usage.cacheWrite5mTokens + usage.cacheWrite1hTokens,
      cache_read_input_tokens: usage.cacheReadTokens,
      output_tokens: usage.outputTokens,
    },
  });
  push('message_stop', {});
  return events;
}

/** Encode one event as Server-Sent Events text. */
export function encodeAnthropicSse(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
