// Anthropic's error wire: {"type":"error","error":{type,message},"request_id"} with request-id and retry headers.
import type { CapacityLimit, TakeResult } from '../capacity/token-bucket.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { ProviderWire } from '../turn/turn-types.js';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const MESSAGE_BY_TYPE: Record<string, string> = {
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of requests has exceeded your per-minute rate limit',
  api_error: 'Internal server error',
  timeout_error: 'Request timeout',
  overloaded_error: 'Overloaded',
};

/** Anthropic error.type for an HTTP status. */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The error body. */
export function anthropicErrorBody(requestId: string, type: string, message?: string): unknown {
  return {
    type: 'error',
    error: { type, message: message ?? MESSAGE_BY_TYPE[type] ?? type },
    request_id: requestId,
  };
}

/** A full error response. */
export function anthropicError(
  requestId: string,
  status: number,
  message?: string,
  type = anthropicErrorType(status),
  headers: Record<string, string> = {},
): SimResponse {
  return jsonResponse(status, anthropicErrorBody(requestId, type, message), {
    'request-id': requestId,
    ...headers,
  });
}

function retryHeaders(effect: {
  retryAfterSeconds?: number;
  retryAfterMs?: number;
  shouldRetry?: boolean;
}): Record<string, string> {
  const headers: Record<string, string> = {};
  if (effect.retryAfterSeconds !== undefined) headers['retry-after'] = String(effect.retryAfterSeconds);
  if (effect.retryAfterMs !== undefined) headers['retry-after-ms'] = String(effect.retryAfterMs);
  if (effect.shouldRetry !== undefined) headers['x-should-retry'] = String(effect.shouldRetry);
  return headers;
}

/** Anthropic rate-limit headers: a bucket's figures when capacity is limited, generous constants otherwise. */
function rateLimitHeaders(
  now: number,
  take: TakeResult | undefined,
  limit: CapacityLimit | undefined,
): Record<string, string> {
  const requestsLimit = limit ? Math.max(1, Math.round(limit.requestsPerSecond * 60)) : 4000;
  const remaining = take ? take.remaining : requestsLimit - 1;
  const reset = new Date(now + (take?.resetMs ?? 60_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const headers: Record<string, string> = {
    'anthropic-ratelimit-requests-limit': String(requestsLimit),
    'anthropic-ratelimit-requests-remaining': String(remaining),
    'anthropic-ratelimit-requests-reset': reset,
  };
  for (const kind of ['tokens', 'input-tokens', 'output-tokens']) {
    headers[`anthropic-ratelimit-${kind}-limit`] = '2000000';
    headers[`anthropic-ratelimit-${kind}-remaining`] = '2000000';
    headers[`anthropic-ratelimit-${kind}-reset`] = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return headers;
}

/** Anthropic's wire pieces for one request. */
export function anthropicWire(requestId: string, now: () => number): ProviderWire {
  const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  return {
    baseHeaders: () => ({ 'request-id': requestId, 'anthropic-organization-id': 'simulated-org' }),
    statusError: (e) =>
      anthropicError(
        requestId,
        e.status,
        e.message,
        e.errorType ?? anthropicErrorType(e.status),
        retryHeaders(e),
      ),
    errorBody200: (e) => {
      const type = e.errorType ?? 'overloaded_error';
      return jsonResponse(200, anthropicErrorBody(requestId, type, e.message), { 'request-id': requestId });
    },
    invalidJson: () =>
      anthropicError(
        requestId,
        400,
        'There was an error parsing the body of your request. Please ensure the body is valid JSON.',
      ),
    rateLimited: (take, limit) =>
      anthropicError(
        requestId,
        429,
        'Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.',
        'rate_limit_error',
        {
          ...rateLimitHeaders(now(), take, limit),
          'retry-after': String(Math.max(1, Math.ceil(take.retryAfterMs / 1000))),
        },
      ),
    rateLimitHeaders: (take, limit) => rateLimitHeaders(now(), take, limit),
    streamErrorEvent: (e) => {
      const type = e.errorType ?? 'overloaded_error';
      return sse('error', {
        type: 'error',
        error: { type, message: e.message ?? MESSAGE_BY_TYPE[type] ?? type },
        request_id: requestId,
      });
    },
    emptyStreamEvents: () => [],
  };
}
