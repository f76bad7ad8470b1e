// A 2xx Chat Completions body → canonical ChatResponse. Reads defensively: compatible servers omit ids,
// usage and finish_reason, and some answer 200 with an error body, which must not pass for an answer.
import { UpstreamError, type ChatResponse, type TextPart, type ToolCallPart } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { fromOpenAIUsage } from './convert-openai-usage.js';
import { decodeOpenAIInBandError } from './decode-openai-error.js';
import { fromOpenAIFinishReason } from './map-openai-finish-reason.js';
import { newOpenAIId } from './openai-ids.js';
import { fromOpenAIToolArguments } from './openai-tool-arguments.js';
import { readOpenAIErrorBody } from './read-openai-error-body.js';
import { readOpenAIHeader } from './read-openai-header.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(provider: string, message: string, headers: HeaderMap, cause?: unknown): UpstreamError {
  const upstreamRequestId = readOpenAIHeader(headers, 'x-request-id');
  return new UpstreamError('upstream_error', message, {
    provider,
    ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

// content is a string on OpenAI; a few compatible servers send an array of text parts instead.
function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
}

/** Decodes a non-streamed Chat Completions body; `provider` names the upstream in errors. */
export function decodeOpenAIResponse(provider: string, body: Uint8Array, headers: HeaderMap): ChatResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch (cause) {
    throw malformed(provider, 'upstream answered 2xx with a body that is not JSON', headers, cause);
  }
  const errorFields = readOpenAIErrorBody(parsed);
  if (errorFields !== undefined) {
    throw decodeOpenAIInBandError(provider, errorFields, headers, {
      code: 'upstream_error',
      responseStarted: false,
    });
  }
  if (!isObject(parsed))
    throw malformed(provider, 'upstream answered 2xx with a JSON body that is not an object', headers);

  const choices = Array.isArray(parsed.choices) ? parsed.choices : [];
  const choice = choices.find((c): c is Json => isObject(c) && (c.index === 0 || c.index === undefined));
  if (choice === undefined || !isObject(choice.message)) {
    const upstreamRequestId = readOpenAIHeader(headers, 'x-request-id');
    throw new UpstreamError('empty_response', 'upstream answered without a choice', {
      provider,
      ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
    });
  }
  const message = choice.message;

  const content: Array<TextPart | ToolCallPart> = [];
  const text = messageText(message.content);
  // A refusal (structured outputs) is the model's answer; canonical has no refusal part, so it becomes text.
  const refusal = typeof message.refusal === 'string' && message.refusal !== '' ? message.refusal : undefined;
  if (text !== '') content.push({ type: 'text', text });
  if (refusal !== undefined) content.push({ type: 'text', text: refusal });

  const toolCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  for (const call of toolCalls) {
    if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== 'string') {
      throw malformed(provider, 'upstream sent a tool call without a function name', headers);
    }
    const args = call.function.arguments;
    content.push({
      type: 'tool_call',
      id: typeof call.id === 'string' && call.id !== '' ? call.id : newOpenAIId('call'),
      name: call.function.name,
      // Ollama sends arguments as an object rather than a JSON string.
      input: typeof args === 'string' ? fromOpenAIToolArguments(args) : (args ?? {}),
    });
  }

  const stopReason =
    refusal !== undefined && choice.finish_reason === 'stop'
      ? 'refusal'
      : fromOpenAIFinishReason(choice.finish_reason, toolCalls.length > 0);
  return {
    id: typeof parsed.id === 'string' && parsed.id !== '' ? parsed.id : newOpenAIId('chatcmpl'),
    model: typeof parsed.model === 'string' ? parsed.model : '',
    content,
    stopReason,
    usage: fromOpenAIUsage(parsed.usage),
  };
}
