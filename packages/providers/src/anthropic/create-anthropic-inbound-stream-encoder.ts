// Canonical stream → Anthropic SSE, event for event as the real API writes it. Stateful: it remembers the
// start's usage to report the input side, and opens the message itself if the canonical stream did not.
import type { RampartError, StreamEvent, Usage } from '@rampart/spec';
import type { InboundStreamEncoder } from '../inbound-codec.js';
import { anthropicMessageId } from './anthropic-message-id.js';
import type { AnthropicInboundOptions } from './decode-anthropic-inbound-request.js';
import { anthropicErrorBody } from './encode-anthropic-inbound-error.js';
import { encodeAnthropicDeltaUsage, encodeAnthropicUsage } from './encode-anthropic-usage.js';
import { toAnthropicStopReason } from './map-anthropic-stop-reason.js';

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Creates the encoder for one streamed Messages response. */
export function createAnthropicInboundStreamEncoder(options: AnthropicInboundOptions): InboundStreamEncoder {
  let started = false;
  let finished = false;

  function messageStart(id: string, model: string, usage: Usage): string {
    started = true;
    return sse('message_start', {
      message: {
        id: anthropicMessageId(id),
        type: 'message',
        role: 'assistant',
        model: model === '' ? options.model : model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: encodeAnthropicUsage(usage),
      },
    });
  }

  function event(e: StreamEvent): string {
    if (finished) return '';
    // The SDK drops every event before message_start; never let content arrive unannounced.
    const prefix = !started && e.type !== 'start' ? messageStart('', '', {}) : '';
    switch (e.type) {
      case 'start':
        return started ? '' : messageStart(e.id, e.model, e.usage ?? {});
      case 'text_start':
        return (
          prefix + sse('content_block_start', { index: e.index, content_block: { type: 'text', text: '' } })
        );
      case 'text_delta':
        return (
          prefix + sse('content_block_delta', { index: e.index, delta: { type: 'text_delta', text: e.text } })
        );
      case 'tool_call_start':
        return (
          prefix +
          sse('content_block_start', {
            index: e.index,
            content_block: { type: 'tool_use', id: e.id, name: e.name, input: {} },
          })
        );
      case 'tool_call_delta':
        return (
          prefix +
          sse('content_block_delta', {
            index: e.index,
            delta: { type: 'input_json_delta', partial_json: e.json },
          })
        );
      case 'block_end':
        return prefix + sse('content_block_stop', { index: e.index });
      case 'finish':
        finished = true;
        return (
          prefix +
          sse('message_delta', {
            delta: {
              stop_reason: toAnthropicStopReason(e.stopReason),
              stop_sequence: e.stopSequence ?? null,
            },
            usage: encodeAnthropicDeltaUsage(e.usage),
          }) +
          sse('message_stop', {})
        );
    }
  }

  function error(err: RampartError, requestId: string): string {
    finished = true;
    // Like the real API: an `error` event and no message_stop, which the SDK raises as an APIError.
    return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(err, requestId))}\n\n`;
  }

  return { event, error };
}
