// A 2xx Chat Completions SSE body → canonical stream events. OpenAI has no block events: text and tool calls
// arrive as deltas on one choice, tool calls keyed by `index` with id and name only on their first delta. We
// open a canonical block when its first delta arrives and end it when another block begins or the choice
// finishes, so canonical blocks never overlap (Anthropic-style clients need that).
//
// How a stream may end (see README.md "Leniency"):
//   [DONE] seen                              → complete (a missing finish_reason reads as end_turn/tool_use)
//   finish_reason seen, then the body ends   → complete for compatible servers (many never send [DONE]);
//                                              a cut for OpenAI itself (`requireDone`), whose usage chunk
//                                              comes after the finish chunk and would be lost silently
//   neither                                  → stream_interrupted: indistinguishable from a cut
//   nothing at all                           → empty_response
import {
  RampartError,
  UpstreamError,
  mergeUsage,
  type ErrorCode,
  type StreamEvent,
  type Usage,
} from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { fromOpenAIUsage } from './convert-openai-usage.js';
import { decodeOpenAIInBandError } from './decode-openai-error.js';
import { fromOpenAIFinishReason } from './map-openai-finish-reason.js';
import { newOpenAIId } from './openai-ids.js';
import { readOpenAIErrorBody } from './read-openai-error-body.js';
import { readOpenAIHeader } from './read-openai-header.js';
import { OpenAISseOverflowError, readOpenAISse, type OpenAISseEvent } from './read-openai-sse.js';

/** How strictly to read the end of a stream. */
export interface OpenAIStreamOptions {
  /** Provider name used in errors. */
  provider: string;
  /** When true, a stream must end with `data: [DONE]`; a finish_reason alone is not enough. */
  requireDone: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ToolCallState {
  /** Canonical block index, once the start event went out (it needs a name). */
  index: number | undefined;
  id: string | undefined;
  name: string | undefined;
  /** Argument fragments that arrived before the name did. */
  buffered: string;
  closed: boolean;
}

/** Decodes an OpenAI-style SSE body into canonical events; throws UpstreamError instead of ending silently. */
export async function* decodeOpenAIStream(
  body: AsyncIterable<Uint8Array>,
  headers: HeaderMap,
  options: OpenAIStreamOptions,
): AsyncGenerator<StreamEvent> {
  const { provider } = options;
  const upstreamRequestId = readOpenAIHeader(headers, 'x-request-id');
  let started = false;
  let contentYielded = false;
  let nextIndex = 0;
  let openBlock: { index: number; tool: ToolCallState | undefined } | undefined;
  const tools = new Map<string, ToolCallState>();
  let lastToolKey: string | undefined;
  let sawToolCalls = false;
  let sawRefusal = false;
  let finishReason: string | undefined;
  let sawDone = false;
  let usage: Usage = {};

  const fail = (code: ErrorCode, message: string, cause?: unknown): UpstreamError =>
    new UpstreamError(code, message, {
      provider,
      responseStarted: contentYielded,
      ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
      ...(cause === undefined ? {} : { cause }),
    });

  function* closeOpenBlock(): Generator<StreamEvent> {
    if (openBlock === undefined) return;
    if (openBlock.tool !== undefined) openBlock.tool.closed = true;
    yield { type: 'block_end', index: openBlock.index };
    openBlock = undefined;
  }

  function* text(fragment: string): Generator<StreamEvent> {
    if (openBlock === undefined || openBlock.tool !== undefined) {
      yield* closeOpenBlock();
      openBlock = { index: nextIndex++, tool: undefined };
      contentYielded = true;
      yield { type: 'text_start', index: openBlock.index };
    }
    yield { type: 'text_delta', index: openBlock.index, text: fragment };
  }

  function* toolCallDelta(call: Json): Generator<StreamEvent> {
    sawToolCalls = true;
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : undefined;
    // OpenAI always sends `index`; servers that do not send one call per delta, told apart by id.
    let key: string;
    if (typeof call.index === 'number') key = `index:${call.index}`;
    else if (id !== undefined) key = `id:${id}`;
    else key = lastToolKey ?? 'index:0';
    lastToolKey = key;

    let tool = tools.get(key);
    if (tool === undefined) {
      tool = { index: undefined, id: undefined, name: undefined, buffered: '', closed: false };
      tools.set(key, tool);
    }
    if (tool.closed) {
      throw fail('upstream_error', 'upstream interleaved the arguments of several tool calls');
    }
    const fn = isObject(call.function) ? call.function : {};
    tool.id ??= id;
    // Some servers repeat the name on every delta; the first one counts.
    if (typeof fn.name === 'string' && fn.name !== '') tool.name ??= fn.name;
    const args = fn.arguments;
    // Ollama sends whole arguments as an object instead of a JSON string fragment.
    const fragment = typeof args === 'string' ? args : isObject(args) ? JSON.stringify(args) : '';

    if (tool.index === undefined) {
      if (tool.name === undefined) {
        tool.buffered += fragment;
        return;
      }
      yield* closeOpenBlock();
      tool.index = nextIndex++;
      openBlock = { index: tool.index, tool };
      contentYielded = true;
      yield {
        type: 'tool_call_start',
        index: tool.index,
        id: tool.id ?? newOpenAIId('call'),
        name: tool.name,
      };
      const pending = tool.buffered + fragment;
      tool.buffered = '';
      if (pending !== '') yield { type: 'tool_call_delta', index: tool.index, json: pending };
      return;
    }
    if (fragment !== '') yield { type: 'tool_call_delta', index: tool.index, json: fragment };
  }

  function* chunk(data: Json): Generator<StreamEvent> {
    if (!started) {
      started = true;
      yield {
        type: 'start',
        id: typeof data.id === 'string' && data.id !== '' ? data.id : newOpenAIId('chatcmpl'),
        model: typeof data.model === 'string' ? data.model : '',
      };
    }
    // The usage chunk (choices: []) comes last with include_usage; vLLM may also send running totals.
    if (isObject(data.usage)) usage = mergeUsage(usage, fromOpenAIUsage(data.usage));
    const choices = Array.isArray(data.choices) ? data.choices : [];
    const choice = choices.find((c): c is Json => isObject(c) && (c.index === 0 || c.index === undefined));
    if (choice === undefined) return;
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string' && delta.content !== '') yield* text(delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      sawRefusal = true;
      yield* text(delta.refusal);
    }
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isObject(call)) yield* toolCallDelta(call);
    }
    if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
      finishReason = choice.finish_reason;
      yield* closeOpenBlock();
    }
  }

  // One SSE event; returns true at [DONE].
  function* event(sse: OpenAISseEvent): Generator<StreamEvent, boolean> {
    const raw = sse.data.trim();
    if (raw === '') return false;
    if (raw === '[DONE]') return true;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (cause) {
      // Half a JSON object with no blank line after it is where a cut connection leaves us.
      if (!sse.terminated) throw fail('stream_interrupted', 'upstream stream was cut inside an event', cause);
      throw fail('upstream_error', 'upstream sent a stream event that is not JSON', cause);
    }
    const errorFields =
      readOpenAIErrorBody(data) ??
      (sse.event === 'error'
        ? {
            message: typeof data === 'string' ? data : raw,
            type: undefined,
            code: undefined,
            param: undefined,
          }
        : undefined);
    if (errorFields !== undefined) {
      throw decodeOpenAIInBandError(provider, errorFields, headers, {
        code: 'stream_error',
        responseStarted: contentYielded,
      });
    }
    if (isObject(data)) yield* chunk(data);
    return false;
  }

  try {
    for await (const sse of readOpenAISse(body)) {
      if (yield* event(sse)) {
        sawDone = true;
        break;
      }
    }
  } catch (error) {
    if (error instanceof RampartError) throw error;
    if (error instanceof OpenAISseOverflowError) throw fail('upstream_error', error.message, error);
    // The body itself failed (connection reset, socket timeout): that is a cut, whatever the transport says.
    const reason = error instanceof Error ? error.message : String(error);
    throw fail('stream_interrupted', `upstream stream failed: ${reason}`, error);
  }

  if (!started) {
    throw new UpstreamError('empty_response', 'upstream stream ended without any chunk', {
      provider,
      ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
    });
  }
  const complete = sawDone || (finishReason !== undefined && !options.requireDone);
  if (!complete) {
    throw fail(
      'stream_interrupted',
      finishReason === undefined
        ? 'upstream stream ended before finish_reason and [DONE]'
        : 'upstream stream ended after finish_reason but before [DONE]; its usage is lost',
    );
  }
  for (const tool of tools.values()) {
    if (tool.index === undefined)
      throw fail('upstream_error', 'upstream streamed a tool call without a name');
  }
  yield* closeOpenBlock();
  yield {
    type: 'finish',
    stopReason:
      sawRefusal && (finishReason === 'stop' || finishReason === undefined)
        ? 'refusal'
        : fromOpenAIFinishReason(finishReason, sawToolCalls),
    usage,
  };
}
