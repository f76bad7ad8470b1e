// Canonical stream events → `chat.completion.chunk` SSE, shaped like OpenAI's own stream so the official
// SDK's accumulator (ChatCompletionStream) rebuilds the same message: role first, text as content deltas,
// each tool call as one delta with id/type/name then argument fragments under the same `index`, a finish
// chunk, the usage chunk (choices: []) when asked for, and `[DONE]`.
import type { RampartError, StreamEvent } from '@rampart/spec';
import type { InboundStreamEncoder } from '../inbound-codec.js';
import { toOpenAIUsage } from './convert-openai-usage.js';
import type { OpenAIInboundOptions } from './decode-openai-inbound-request.js';
import { toOpenAIErrorObject } from './encode-openai-error.js';
import { toOpenAICompletionId } from './encode-openai-response.js';
import { toOpenAIFinishReason } from './map-openai-finish-reason.js';

function sse(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** A stream encoder for one response; `created` is in Unix seconds. */
export function createOpenAIStreamEncoder(
  options: OpenAIInboundOptions,
  created: number,
): InboundStreamEncoder {
  let id: string | undefined;
  // Tool calls are numbered 0, 1, … on the wire regardless of the text blocks between them.
  const toolIndexByBlock = new Map<number, number>();

  function chunk(choices: unknown[], extra: Record<string, unknown> = {}): string {
    id ??= toOpenAICompletionId(undefined);
    return sse({
      id,
      object: 'chat.completion.chunk',
      created,
      model: options.model,
      choices,
      // With include_usage OpenAI puts "usage": null on every chunk but the last; clients check for it.
      ...(options.includeUsage ? { usage: null } : {}),
      ...extra,
    });
  }

  const delta = (content: Record<string, unknown>, finishReason: string | null = null): string =>
    chunk([{ index: 0, delta: content, finish_reason: finishReason, logprobs: null }]);

  let started = false;
  const start = (): string => {
    if (started) return '';
    started = true;
    return delta({ role: 'assistant', content: '', refusal: null });
  };

  return {
    event(event: StreamEvent): string {
      switch (event.type) {
        case 'start':
          id ??= toOpenAICompletionId(event.id);
          return start();
        case 'text_start':
        case 'block_end':
          return start();
        case 'text_delta':
          return start() + delta({ content: event.text });
        case 'tool_call_start': {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, index);
          return (
            start() +
            delta({
              tool_calls: [
                { index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } },
              ],
            })
          );
        }
        case 'tool_call_delta': {
          const index = toolIndexByBlock.get(event.index);
          if (index === undefined) return '';
          return delta({ tool_calls: [{ index, function: { arguments: event.json } }] });
        }
        case 'finish': {
          let out = start() + delta({}, toOpenAIFinishReason(event.stopReason));
          if (options.includeUsage) out += chunk([], { usage: toOpenAIUsage(event.usage) });
          return out + 'data: [DONE]\n\n';
        }
      }
    },

    error(error: RampartError, requestId: string): string {
      // No [DONE] after it: the SDK throws an APIError on a chunk that carries `error`.
      return sse({ error: toOpenAIErrorObject(error, requestId) });
    },
  };
}
