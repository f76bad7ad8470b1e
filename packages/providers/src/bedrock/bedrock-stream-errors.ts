// Failures inside a Bedrock event stream that began with HTTP 200: exception frames, cut or corrupt bytes.
// Whether content already reached the caller is decided in one place (guardBedrockStream), so every error
// thrown mid-stream carries responseStarted truthfully and nothing retries blindly after bytes went out.
import { UpstreamError } from '@rampart/spec';
import type { StreamEvent } from '@rampart/spec';
import { bedrockExceptionMeaning } from './bedrock-exception-codes.js';
import { bedrockErrorMessage } from './decode-bedrock-error.js';
import { BedrockFramingError } from './decode-bedrock-event-stream.js';
import type { BedrockFrame } from './decode-bedrock-event-stream.js';

/** Who is streaming, for the errors raised mid-stream. */
export interface BedrockStreamContext {
  provider: string;
  requestId: string | undefined;
}

function parsePayload(payload: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
}

/** An exception frame as an UpstreamError `stream_error`, retryable as its exception type says. */
export function bedrockExceptionFrameError(
  frame: Extract<BedrockFrame, { kind: 'exception' }>,
  context: BedrockStreamContext,
): UpstreamError {
  const json = parsePayload(frame.payload);
  let detail = bedrockErrorMessage(json) ?? frame.errorMessage ?? 'no message';
  // modelStreamErrorException carries the model's own failure separately.
  const original = (json as { originalMessage?: unknown; originalStatusCode?: unknown } | undefined) ?? {};
  if (typeof original.originalMessage === 'string') detail += ` (model said: ${original.originalMessage})`;
  const meaning = bedrockExceptionMeaning(frame.exceptionType);
  return new UpstreamError('stream_error', `Bedrock ${frame.exceptionType} mid-stream: ${detail}`, {
    provider: context.provider,
    upstreamType: frame.exceptionType,
    // An unknown exception type is presumed transient, like a 5xx.
    retryable: meaning?.retryable ?? true,
    ...(typeof original.originalStatusCode === 'number'
      ? { upstreamStatus: original.originalStatusCode }
      : {}),
    ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
  });
}

/** A stream that ended before its terminal event. */
export function bedrockStreamCutError(
  context: BedrockStreamContext,
  detail: string,
  cause?: unknown,
): UpstreamError {
  return new UpstreamError('stream_interrupted', `Bedrock stream ended early: ${detail}`, {
    provider: context.provider,
    ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A 200 stream that carried nothing at all. */
export function bedrockEmptyStreamError(context: BedrockStreamContext): UpstreamError {
  return new UpstreamError('empty_response', 'Bedrock answered 200 with an empty stream', {
    provider: context.provider,
    ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
  });
}

function framingError(error: BedrockFramingError, context: BedrockStreamContext): UpstreamError {
  if (error.reason === 'truncated') return bedrockStreamCutError(context, error.message, error);
  return new UpstreamError('stream_error', error.message, {
    provider: context.provider,
    ...(context.requestId === undefined ? {} : { upstreamRequestId: context.requestId }),
    cause: error,
  });
}

function markStarted(error: UpstreamError): UpstreamError {
  return new UpstreamError(error.code, error.message, {
    provider: error.provider,
    status: error.status,
    retryable: error.retryable,
    responseStarted: true,
    ...(error.cause === undefined ? {} : { cause: error.cause }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    ...(error.upstreamStatus === undefined ? {} : { upstreamStatus: error.upstreamStatus }),
    ...(error.upstreamType === undefined ? {} : { upstreamType: error.upstreamType }),
    ...(error.upstreamRequestId === undefined ? {} : { upstreamRequestId: error.upstreamRequestId }),
  });
}

/**
 * Passes a decoded stream through, turning framing failures into UpstreamErrors and marking any
 * UpstreamError responseStarted once an event beyond `start` was yielded. Errors of the body itself
 * (socket reset, abort) pass unchanged: the transport that owns the socket classifies them.
 */
export async function* guardBedrockStream(
  events: AsyncIterable<StreamEvent>,
  context: BedrockStreamContext,
): AsyncGenerator<StreamEvent> {
  let started = false;
  try {
    for await (const event of events) {
      if (event.type !== 'start') started = true;
      yield event;
    }
  } catch (error) {
    const upstream = error instanceof BedrockFramingError ? framingError(error, context) : error;
    if (upstream instanceof UpstreamError && started && !upstream.responseStarted)
      throw markStarted(upstream);
    throw upstream;
  }
}
