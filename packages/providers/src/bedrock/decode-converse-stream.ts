// ConverseStream frames → canonical stream events. Converse ends a message in two steps: messageStop
// (stop reason) then metadata (usage). The canonical finish event must carry usage, so it is emitted
// after metadata; if the stream ends after messageStop without metadata, the answer is complete and
// finish goes out with usage absent (never zeros).
import { z } from 'zod';
import { UpstreamError } from '@rampart/spec';
import type { StopReason, StreamEvent, Usage } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { bedrockRequestId, bedrockResponseId } from './bedrock-headers.js';
import { readBedrockFrames } from './decode-bedrock-event-stream.js';
import type { BedrockFrame } from './decode-bedrock-event-stream.js';
import {
  bedrockEmptyStreamError,
  bedrockExceptionFrameError,
  bedrockStreamCutError,
  guardBedrockStream,
} from './bedrock-stream-errors.js';
import type { BedrockStreamContext } from './bedrock-stream-errors.js';
import { convertConverseUsage, converseUsageSchema } from './convert-converse-usage.js';
import { FAILED_CONVERSE_STOP_REASONS, mapConverseStopReason } from './map-converse-stop-reason.js';
import { failedStopReasonError } from './decode-converse-response.js';

const blockIndex = z.number().int().nonnegative();
const contentBlockStartSchema = z.object({
  contentBlockIndex: blockIndex,
  start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).optional() }).optional(),
});
const contentBlockDeltaSchema = z.object({
  contentBlockIndex: blockIndex,
  // Other delta kinds (reasoningContent, citation) are stripped and skipped.
  delta: z.object({ text: z.string().optional(), toolUse: z.object({ input: z.string() }).optional() }),
});
const contentBlockStopSchema = z.object({ contentBlockIndex: blockIndex });
const messageStopSchema = z.object({ stopReason: z.string() });
const metadataSchema = z.object({ usage: converseUsageSchema.optional() });

interface OpenBlock {
  index: number;
  kind: 'text' | 'tool_call';
}

/** A push-style ConverseStream decoder: frames in, canonical events out. One per response. */
export interface ConverseStreamDecoder {
  push(frame: BedrockFrame): StreamEvent[];
  /** Call once the frames are exhausted: flushes a pending finish or throws for a cut or empty stream. */
  end(): StreamEvent[];
}

/** Creates the decoder for one ConverseStream response. */
export function createConverseStreamDecoder(
  headers: HeaderMap,
  context: BedrockStreamContext,
): ConverseStreamDecoder {
  let sawFrame = false;
  let started = false;
  let finished = false;
  let stopReason: StopReason | undefined;
  let usage: Usage | undefined;
  let nextIndex = 0;
  // Converse numbers blocks itself; canonical indexes follow the order blocks start in.
  const blocks = new Map<number, OpenBlock>();

  const fail = (detail: string): UpstreamError =>
    new UpstreamError('stream_error', `Bedrock ConverseStream sent a malformed event: ${detail}`, {
      provider: context.provider,
      ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
    });

  function parse<T>(schema: z.ZodType<T>, frame: Extract<BedrockFrame, { kind: 'event' }>): T {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(frame.payload));
    } catch {
      throw fail(`${frame.eventType} payload is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw fail(`${frame.eventType}: ${parsed.error.issues[0]?.message ?? 'unexpected shape'}`);
    return parsed.data;
  }

  function ensureStarted(out: StreamEvent[]): void {
    if (started) return;
    started = true;
    out.push({ type: 'start', id: bedrockResponseId(headers), model: '' });
  }

  function open(converseIndex: number, kind: OpenBlock['kind'], out: StreamEvent[]): OpenBlock | undefined {
    const existing = blocks.get(converseIndex);
    if (existing !== undefined) return existing.kind === kind ? existing : undefined;
    const block = { index: nextIndex++, kind };
    blocks.set(converseIndex, block);
    if (kind === 'text') out.push({ type: 'text_start', index: block.index });
    return block;
  }

  function closeAll(out: StreamEvent[]): void {
    for (const block of blocks.values()) out.push({ type: 'block_end', index: block.index });
    blocks.clear();
  }

  function finish(out: StreamEvent[]): void {
    if (stopReason === undefined || finished) return;
    finished = true;
    out.push({ type: 'finish', stopReason, usage: usage ?? {} });
  }

  function onEvent(frame: Extract<BedrockFrame, { kind: 'event' }>, out: StreamEvent[]): void {
    switch (frame.eventType) {
      case 'messageStart':
        ensureStarted(out);
        return;
      case 'contentBlockStart': {
        const { contentBlockIndex, start } = parse(contentBlockStartSchema, frame);
        ensureStarted(out);
        if (start?.toolUse === undefined) return;
        if (blocks.has(contentBlockIndex)) throw fail(`block ${contentBlockIndex} started twice`);
        const block = { index: nextIndex++, kind: 'tool_call' as const };
        blocks.set(contentBlockIndex, block);
        out.push({
          type: 'tool_call_start',
          index: block.index,
          id: start.toolUse.toolUseId,
          name: start.toolUse.name,
        });
        return;
      }
      case 'contentBlockDelta': {
        const { contentBlockIndex, delta } = parse(contentBlockDeltaSchema, frame);
        ensureStarted(out);
        if (delta.text !== undefined) {
          const block = open(contentBlockIndex, 'text', out);
          if (block === undefined) throw fail(`text delta for tool block ${contentBlockIndex}`);
          if (delta.text.length > 0) out.push({ type: 'text_delta', index: block.index, text: delta.text });
        } else if (delta.toolUse !== undefined) {
          const block = blocks.get(contentBlockIndex);
          // Without its contentBlockStart the call has no id or name: nothing usable can be made of it.
          if (block?.kind !== 'tool_call')
            throw fail(`tool input for block ${contentBlockIndex} that never started`);
          if (delta.toolUse.input.length > 0)
            out.push({ type: 'tool_call_delta', index: block.index, json: delta.toolUse.input });
        }
        return;
      }
      case 'contentBlockStop': {
        const { contentBlockIndex } = parse(contentBlockStopSchema, frame);
        const block = blocks.get(contentBlockIndex);
        // A block that carried only skipped content (e.g. reasoning) was never opened canonically.
        if (block === undefined) return;
        blocks.delete(contentBlockIndex);
        out.push({ type: 'block_end', index: block.index });
        return;
      }
      case 'messageStop': {
        const { stopReason: reason } = parse(messageStopSchema, frame);
        if (FAILED_CONVERSE_STOP_REASONS.has(reason)) {
          throw failedStopReasonError(reason, context.provider, context.requestId);
        }
        ensureStarted(out);
        closeAll(out);
        stopReason = mapConverseStopReason(reason);
        // metadata may already have come (order is not guaranteed by the protocol, only by practice).
        if (usage !== undefined) finish(out);
        return;
      }
      case 'metadata': {
        usage = convertConverseUsage(parse(metadataSchema, frame).usage);
        finish(out);
        return;
      }
      default:
        // Unknown event types are future additions: tolerate them.
        return;
    }
  }

  return {
    push(frame) {
      sawFrame = true;
      if (frame.kind === 'exception') throw bedrockExceptionFrameError(frame, context);
      if (finished) return [];
      const out: StreamEvent[] = [];
      onEvent(frame, out);
      return out;
    },
    end() {
      if (!sawFrame) throw bedrockEmptyStreamError(context);
      if (stopReason === undefined) throw bedrockStreamCutError(context, 'no messageStop');
      const out: StreamEvent[] = [];
      finish(out);
      return out;
    },
  };
}

/** Decodes a ConverseStream body into canonical events. */
export function decodeConverseStream(
  body: AsyncIterable<Uint8Array>,
  headers: HeaderMap,
  provider: string,
): AsyncIterable<StreamEvent> {
  const context = { provider, requestId: bedrockRequestId(headers) };
  async function* events(): AsyncGenerator<StreamEvent> {
    const decoder = createConverseStreamDecoder(headers, context);
    for await (const frame of readBedrockFrames(body)) yield* decoder.push(frame);
    yield* decoder.end();
  }
  return guardBedrockStream(events(), context);
}
