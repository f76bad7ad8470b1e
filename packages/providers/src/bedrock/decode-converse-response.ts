// A 2xx Converse body → canonical response.
import { z } from 'zod';
import { UpstreamError } from '@rampart/spec';
import type { ChatResponse, TextPart, ToolCallPart } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { bedrockRequestId, bedrockResponseId } from './bedrock-headers.js';
import { convertConverseUsage, converseUsageSchema } from './convert-converse-usage.js';
import { FAILED_CONVERSE_STOP_REASONS, mapConverseStopReason } from './map-converse-stop-reason.js';
import { bedrockErrorMessage } from './decode-bedrock-error.js';

// Blocks Rampart does not model (reasoningContent, citations, ...) are stripped by the schema and skipped.
const converseContentBlockSchema = z.object({
  text: z.string().optional(),
  toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
});

const converseResponseSchema = z.object({
  output: z.object({ message: z.object({ content: z.array(converseContentBlockSchema) }) }),
  stopReason: z.string(),
  usage: converseUsageSchema.optional(),
});

/** The error for a Converse stop reason that means the output is unusable. */
export function failedStopReasonError(
  reason: string,
  provider: string,
  requestId: string | undefined,
): UpstreamError {
  return new UpstreamError(
    'upstream_error',
    `Bedrock Converse stopped with ${reason}: the output is unusable`,
    {
      provider,
      upstreamType: reason,
      retryable: true,
      ...(requestId === undefined ? {} : { upstreamRequestId: requestId }),
    },
  );
}

function parse(body: Uint8Array, provider: string, requestId: string | undefined): unknown {
  const text = new TextDecoder().decode(body);
  const context = { provider, ...(requestId === undefined ? {} : { upstreamRequestId: requestId }) };
  if (text.trim().length === 0) {
    throw new UpstreamError('empty_response', 'Bedrock Converse answered 200 with an empty body', context);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError('upstream_error', 'Bedrock Converse answered 200 with a body that is not JSON', {
      ...context,
      cause,
    });
  }
}

/** Decodes a Converse response body; the model is not in Converse's answer and is left empty for the caller. */
export function decodeConverseResponse(body: Uint8Array, headers: HeaderMap, provider: string): ChatResponse {
  const requestId = bedrockRequestId(headers);
  const json = parse(body, provider, requestId);
  const parsed = converseResponseSchema.safeParse(json);
  if (!parsed.success) {
    // A 200 whose body is an error ({"message": ...}) or some other shape: never pass it off as an answer.
    const detail = bedrockErrorMessage(json) ?? parsed.error.issues[0]?.message ?? 'unexpected shape';
    throw new UpstreamError(
      'upstream_error',
      `Bedrock Converse answered 200 with an unreadable body: ${detail}`,
      {
        provider,
        ...(requestId === undefined ? {} : { upstreamRequestId: requestId }),
      },
    );
  }
  const { output, stopReason, usage } = parsed.data;
  if (FAILED_CONVERSE_STOP_REASONS.has(stopReason))
    throw failedStopReasonError(stopReason, provider, requestId);
  const content: Array<TextPart | ToolCallPart> = [];
  for (const block of output.message.content) {
    if (block.text !== undefined) content.push({ type: 'text', text: block.text });
    else if (block.toolUse !== undefined) {
      const { toolUseId, name, input } = block.toolUse;
      content.push({ type: 'tool_call', id: toolUseId, name, input: input ?? {} });
    }
  }
  return {
    id: bedrockResponseId(headers),
    model: '',
    content,
    stopReason: mapConverseStopReason(stopReason),
    usage: convertConverseUsage(usage),
  };
}
