// Canonical response → the exact `chat.completion` object the official SDK parses.
import type { ChatResponse } from '@rampart/spec';
import { toOpenAIUsage } from './convert-openai-usage.js';
import type { OpenAIInboundOptions } from './decode-openai-inbound-request.js';
import { toOpenAIFinishReason } from './map-openai-finish-reason.js';
import { newOpenAIId } from './openai-ids.js';
import { toOpenAIToolArguments } from './openai-tool-arguments.js';
import type { OpenAIToolCall } from './openai-wire-types.js';

/** A chatcmpl- id for an upstream id (kept inside it for tracing), or a fresh one when there is none. */
export function toOpenAICompletionId(id: string | undefined): string {
  if (id === undefined || id === '') return newOpenAIId('chatcmpl');
  return id.startsWith('chatcmpl-') ? id : `chatcmpl-${id}`;
}

/** The chat.completion body for a canonical response; `created` is in Unix seconds. */
export function encodeOpenAIResponse(
  response: ChatResponse,
  options: OpenAIInboundOptions,
  created: number,
): unknown {
  let text = '';
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') text += part.text;
    else {
      toolCalls.push({
        id: part.id,
        type: 'function',
        function: { name: part.name, arguments: toOpenAIToolArguments(part.input) },
      });
    }
  }
  return {
    id: toOpenAICompletionId(response.id),
    object: 'chat.completion',
    created,
    // The client asked for this name (maybe an alias Rampart routed); answering with another confuses SDKs' users.
    model: options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toOpenAIFinishReason(response.stopReason),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(response.usage),
  };
}
