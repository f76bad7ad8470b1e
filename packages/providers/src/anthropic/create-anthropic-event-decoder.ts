// The Anthropic stream as a state machine over parsed event objects, independent of framing: the direct
// adapter feeds it from SSE, Bedrock InvokeModel from event-stream frames. It enforces the contract that a
// stream never ends silently: an in-band error throws, and end() throws unless message_stop was seen.
import { UpstreamError, mergeUsage } from '@rampart/spec';
import type { StopReason, StreamEvent, Usage } from '@rampart/spec';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { readAnthropicErrorFields } from './decode-anthropic-error.js';
import { codeForAnthropicErrorType } from './map-anthropic-error-type.js';
import { fromAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** Feeds parsed Anthropic stream events in; canonical events come out. One per stream. */
export interface AnthropicEventDecoder {
  /** Decodes one event; throws UpstreamError on an in-band error or a broken event sequence. */
  push(event: unknown): StreamEvent[];
  /** Declares the byte stream over; throws when it ended before message_stop or carried nothing. */
  end(): void;
}

type Phase = 'waiting' | 'open' | 'done';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Creates a decoder for one Anthropic stream; `provider` names the upstream in errors. */
export function createAnthropicEventDecoder(provider: string): AnthropicEventDecoder {
  let phase: Phase = 'waiting';
  let received = false;
  let responseStarted = false;
  let usage: Usage = {};
  let stopReason: StopReason | undefined;
  let stopSequence: string | undefined;
  // Upstream block index → canonical index, or null for a block type we skip (thinking, server tools).
  // Canonical indexes count only the blocks we emit, in start order.
  const blocks = new Map<number, { index: number; kind: 'text' | 'tool' } | null>();
  let nextIndex = 0;

  const broken = (what: string): UpstreamError =>
    new UpstreamError('stream_error', `${provider} stream out of order: ${what}`, {
      provider,
      responseStarted,
    });

  function blockFor(event: Record<string, unknown>, what: string) {
    const upstreamIndex = event['index'];
    if (typeof upstreamIndex !== 'number' || !blocks.has(upstreamIndex))
      throw broken(`${what} for unknown block`);
    return blocks.get(upstreamIndex) ?? null;
  }

  function push(event: unknown): StreamEvent[] {
    if (!isObject(event)) throw broken('event is not an object');
    received = true;
    const type = event['type'];
    if (type === 'error') {
      const fields = readAnthropicErrorFields(event);
      throw new UpstreamError(
        codeForAnthropicErrorType(fields?.type) ?? 'stream_error',
        fields?.message ?? `${provider} reported an error mid-stream`,
        {
          provider,
          responseStarted,
          ...(fields?.type === undefined ? {} : { upstreamType: fields.type }),
          ...(fields?.requestId === undefined ? {} : { upstreamRequestId: fields.requestId }),
        },
      );
    }
    // Anything after message_stop is noise; ping and unknown event types are tolerated anywhere.
    if (phase === 'done' || type === 'ping') return [];

    switch (type) {
      case 'message_start': {
        if (phase !== 'waiting') throw broken('second message_start');
        phase = 'open';
        const message = isObject(event['message']) ? event['message'] : {};
        usage = convertAnthropicUsage(message['usage']);
        const start: StreamEvent = {
          type: 'start',
          id: typeof message['id'] === 'string' ? message['id'] : '',
          model: typeof message['model'] === 'string' ? message['model'] : '',
        };
        if (Object.keys(usage).length > 0) start.usage = usage;
        return [start];
      }
      case 'content_block_start': {
        if (phase !== 'open') throw broken('content_block_start before message_start');
        const upstreamIndex = event['index'];
        const block = isObject(event['content_block']) ? event['content_block'] : {};
        if (typeof upstreamIndex !== 'number' || blocks.has(upstreamIndex))
          throw broken('bad content_block_start index');
        if (block['type'] === 'text') {
          const index = nextIndex++;
          blocks.set(upstreamIndex, { index, kind: 'text' });
          responseStarted = true;
          const out: StreamEvent[] = [{ type: 'text_start', index }];
          if (typeof block['text'] === 'string' && block['text'] !== '') {
            out.push({ type: 'text_delta', index, text: block['text'] });
          }
          return out;
        }
        if (block['type'] === 'tool_use') {
          if (typeof block['id'] !== 'string' || typeof block['name'] !== 'string') {
            throw broken('tool_use block without id or name');
          }
          const index = nextIndex++;
          blocks.set(upstreamIndex, { index, kind: 'tool' });
          responseStarted = true;
          const out: StreamEvent[] = [
            { type: 'tool_call_start', index, id: block['id'], name: block['name'] },
          ];
          // The input normally arrives as input_json_delta fragments after an empty {}; if a start ever
          // carries the whole input, pass it on as one fragment so nothing is lost.
          const input = block['input'];
          if (isObject(input) && Object.keys(input).length > 0) {
            out.push({ type: 'tool_call_delta', index, json: JSON.stringify(input) });
          }
          return out;
        }
        blocks.set(upstreamIndex, null);
        return [];
      }
      case 'content_block_delta': {
        if (phase !== 'open') throw broken('content_block_delta before message_start');
        const target = blockFor(event, 'content_block_delta');
        if (target === null) return [];
        const delta = isObject(event['delta']) ? event['delta'] : {};
        if (target.kind === 'text' && delta['type'] === 'text_delta' && typeof delta['text'] === 'string') {
          return delta['text'] === ''
            ? []
            : [{ type: 'text_delta', index: target.index, text: delta['text'] }];
        }
        if (
          target.kind === 'tool' &&
          delta['type'] === 'input_json_delta' &&
          typeof delta['partial_json'] === 'string'
        ) {
          return delta['partial_json'] === ''
            ? []
            : [{ type: 'tool_call_delta', index: target.index, json: delta['partial_json'] }];
        }
        // citations_delta, signature_delta and future delta kinds carry nothing the canonical model holds.
        return [];
      }
      case 'content_block_stop': {
        if (phase !== 'open') throw broken('content_block_stop before message_start');
        const target = blockFor(event, 'content_block_stop');
        return target === null ? [] : [{ type: 'block_end', index: target.index }];
      }
      case 'message_delta': {
        if (phase !== 'open') throw broken('message_delta before message_start');
        const delta = isObject(event['delta']) ? event['delta'] : {};
        if (delta['stop_reason'] !== undefined && delta['stop_reason'] !== null) {
          stopReason = fromAnthropicStopReason(delta['stop_reason']);
        }
        if (typeof delta['stop_sequence'] === 'string') stopSequence = delta['stop_sequence'];
        // message_delta usage is cumulative: a later value replaces, never adds to, the earlier one.
        usage = mergeUsage(usage, convertAnthropicUsage(event['usage']));
        return [];
      }
      case 'message_stop': {
        if (phase !== 'open') throw broken('message_stop before message_start');
        phase = 'done';
        const finish: StreamEvent = { type: 'finish', stopReason: stopReason ?? 'end_turn', usage };
        if (stopSequence !== undefined) finish.stopSequence = stopSequence;
        return [finish];
      }
      default:
        return [];
    }
  }

  function end(): void {
    if (phase === 'done') return;
    if (!received || phase === 'waiting') {
      throw new UpstreamError('empty_response', `${provider} stream ended without a message`, { provider });
    }
    throw new UpstreamError('stream_interrupted', `${provider} stream ended before message_stop`, {
      provider,
      responseStarted,
    });
  }

  return { push, end };
}
