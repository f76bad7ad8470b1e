// Canonical response → the exact Messages response body an Anthropic client parses.
import type { ChatResponse } from '@rampart/spec';
import { anthropicMessageId } from './anthropic-message-id.js';
import type { AnthropicInboundOptions } from './decode-anthropic-inbound-request.js';
import { encodeAnthropicUsage } from './encode-anthropic-usage.js';
import { toAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** Encodes a complete response as a Messages API response body. */
export function encodeAnthropicInboundResponse(
  response: ChatResponse,
  options: AnthropicInboundOptions,
): unknown {
  return {
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: response.model === '' ? options.model : response.model,
    content: response.content.map((part) =>
      part.type === 'text'
        ? { type: 'text', text: part.text }
        : { type: 'tool_use', id: part.id, name: part.name, input: part.input ?? {} },
    ),
    stop_reason: toAnthropicStopReason(response.stopReason),
    stop_sequence: response.stopSequence ?? null,
    usage: encodeAnthropicUsage(response.usage),
  };
}
