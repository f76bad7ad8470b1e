// InvokeModelWithResponseStream frames → canonical events. Each `chunk` frame carries one Anthropic stream
// event, base64-encoded in {"bytes": ..., "p": padding}; the Anthropic event decoder does the rest. The last
// chunk (message_stop) also carries Bedrock's invocation metrics, reconciled into the finish event's usage.
import { UpstreamError } from '@rampart/spec';
import type { StreamEvent } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { createAnthropicEventDecoder } from '../anthropic/index.js';
import { bedrockRequestId } from './bedrock-headers.js';
import { readBedrockFrames } from './decode-bedrock-event-stream.js';
import type { BedrockFrame } from './decode-bedrock-event-stream.js';
import { bedrockExceptionFrameError, guardBedrockStream } from './bedrock-stream-errors.js';
import type { BedrockStreamContext } from './bedrock-stream-errors.js';
import {
  meteredUsageFromInvocationMetrics,
  reconcileBedrockInvokeUsage,
} from './convert-bedrock-invoke-usage.js';

const METRICS_KEY = 'amazon-bedrock-invocationMetrics';

/** The Anthropic event inside a `chunk` frame. */
function chunkEvent(frame: Extract<BedrockFrame, { kind: 'event' }>, context: BedrockStreamContext): unknown {
  try {
    const envelope = JSON.parse(new TextDecoder().decode(frame.payload)) as { bytes?: unknown };
    if (typeof envelope.bytes !== 'string') throw new Error('chunk has no bytes');
    return JSON.parse(Buffer.from(envelope.bytes, 'base64').toString('utf8'));
  } catch (cause) {
    throw new UpstreamError('stream_error', 'Bedrock stream chunk is not a base64 JSON event', {
      provider: context.provider,
      ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
      cause,
    });
  }
}

/** Decodes an InvokeModelWithResponseStream body into canonical events. */
export function decodeBedrockInvokeStream(
  body: AsyncIterable<Uint8Array>,
  headers: HeaderMap,
  provider: string,
): AsyncIterable<StreamEvent> {
  const context = { provider, requestId: bedrockRequestId(headers) };
  async function* events(): AsyncGenerator<StreamEvent> {
    const decoder = createAnthropicEventDecoder(provider);
    for await (const frame of readBedrockFrames(body)) {
      if (frame.kind === 'exception') throw bedrockExceptionFrameError(frame, context);
      // Other event types (none today) are future additions: tolerate them.
      if (frame.eventType !== 'chunk') continue;
      const event = chunkEvent(frame, context);
      const metrics = (event as Record<string, unknown> | null)?.[METRICS_KEY];
      for (const out of decoder.push(event)) {
        yield out.type === 'finish' && metrics !== undefined
          ? {
              ...out,
              usage: reconcileBedrockInvokeUsage(out.usage, meteredUsageFromInvocationMetrics(metrics)),
            }
          : out;
      }
    }
    decoder.end();
  }
  return guardBedrockStream(events(), context);
}
