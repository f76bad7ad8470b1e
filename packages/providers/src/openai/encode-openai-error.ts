// RampartError → OpenAI's error envelope, status and headers. This is the edge where internal errors become
// the client's protocol: types and codes are the ones OpenAI clients branch on (rate_limit_exceeded,
// insufficient_quota), and an internal error says nothing but its request id.
import type { ErrorCode, RampartError } from '@rampart/spec';
import type { EncodedError } from '../inbound-codec.js';
import type { OpenAIErrorObject } from './openai-wire-types.js';

const TYPES: Partial<Record<ErrorCode, string>> = {
  authentication_failed: 'authentication_error',
  payment_required: 'insufficient_quota',
  permission_denied: 'permission_error',
  not_found: 'not_found_error',
  rate_limited: 'rate_limit_error',
  // OpenAI's own 429 types: `requests` for a rate limit, `insufficient_quota` for money spent.
  rate_limit_exceeded: 'requests',
  budget_exceeded: 'insufficient_quota',
  request_timeout: 'timeout_error',
  upstream_timeout: 'timeout_error',
};

// Codes OpenAI clients already test for keep OpenAI's spelling; the rest are Rampart's documented codes.
const WIRE_CODES: Partial<Record<ErrorCode, string>> = {
  rate_limited: 'rate_limit_exceeded',
  payment_required: 'insufficient_quota',
};

/** The `{"error": …}` object for an error; internal failures are reduced to a request id. */
export function toOpenAIErrorObject(error: RampartError, requestId: string): OpenAIErrorObject {
  const type = TYPES[error.code] ?? (error.status >= 500 ? 'server_error' : 'invalid_request_error');
  const message =
    error.code === 'internal'
      ? `The server had an error while processing your request. Request id: ${requestId}.`
      : error.message;
  return { message, type, param: error.param ?? null, code: WIRE_CODES[error.code] ?? error.code };
}

/** Status, headers and body of an OpenAI-protocol error answer. */
export function encodeOpenAIError(error: RampartError, requestId: string): EncodedError {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (error.retryAfterMs !== undefined) {
    // The SDK prefers retry-after-ms; retry-after (whole seconds, rounded up) is for everyone else.
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  }
  // The SDK retries 408/409/429/5xx unless told otherwise; say so when another try cannot help.
  headers['x-should-retry'] = String(error.retryable);
  // 529 is Anthropic's; OpenAI clients know overload as 503.
  const status = error.code === 'overloaded' ? 503 : error.status;
  return { status, headers, body: { error: toOpenAIErrorObject(error, requestId) } };
}
