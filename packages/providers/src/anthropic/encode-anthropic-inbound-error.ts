// A Rampart error → the status, headers and body an Anthropic client understands, in one place so the
// HTTP answer and the in-stream `event: error` agree.
import type { RampartError } from '@rampart/spec';
import type { EncodedError } from '../inbound-codec.js';
import { anthropicErrorForCode } from './map-anthropic-error-type.js';

/** The {"type":"error",…} body for an error; internal failures say little (the log says everything). */
export function anthropicErrorBody(error: RampartError, requestId: string): Record<string, unknown> {
  const { type } = anthropicErrorForCode(error.code);
  const message = error.code === 'internal' ? 'Internal server error' : error.message;
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/**
 * Encodes an error as an HTTP answer. retry-after is whole seconds rounded up (never earlier than asked)
 * plus retry-after-ms for precision; x-should-retry carries our retryability verdict, which the official
 * SDK obeys before its own status rules — so a spend-limit 429 is not hammered by client retries.
 */
export function encodeAnthropicInboundError(error: RampartError, requestId: string): EncodedError {
  const { status } = anthropicErrorForCode(error.code);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': requestId,
    'x-should-retry': String(error.retryable),
  };
  if (error.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
  }
  return { status, headers, body: anthropicErrorBody(error, requestId) };
}
