// OpenAI's error wire: {"error":{message,type,param,code}} with x-request-id and x-ratelimit-* headers.
import type { CapacityLimit, TakeResult } from '../capacity/token-bucket.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { ProviderWire } from '../turn/turn-types.js';

/** Fields of an OpenAI error. */
export interface OpenAIErrorInit {
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

const DEFAULTS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Country, region, or territory not supported',
  },
  404: { type: 'invalid_request_error', code: null, message: 'Not found.' },
  409: { type: 'invalid_request_error', code: null, message: 'Conflict.' },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests. Please try again later.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: {
    type: 'server_error',
    code: null,
    message: 'The engine is currently overloaded, please try again later.',
  },
  504: { type: 'server_error', code: null, message: 'Gateway timeout.' },
};

function defaultsFor(status: number): { type: string; code: string | null; message: string } {
  return DEFAULTS[status] ?? (status >= 500 ? DEFAULTS[500]! : DEFAULTS[400]!);
}

/** The error body. */
export function openaiErrorBody(init: OpenAIErrorInit): unknown {
  return {
    error: {
      message: init.message,
      type: init.type ?? 'invalid_request_error',
      param: init.param ?? null,
      code: init.code ?? null,
    },
  };
}

/** A full error response. */
export function openaiError(
  status: number,
  init: OpenAIErrorInit,
  headers: Record<string, string> = {},
): SimResponse {
  return jsonResponse(status, openaiErrorBody(init), headers);
}

/** OpenAI's duration format for x-ratelimit-reset-*: 120ms, 1s, 6m0s, 1m30.5s. */
export function openaiDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 100) / 10;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

function rateLimitHeaders(
  take: TakeResult | undefined,
  limit: CapacityLimit | undefined,
): Record<string, string> {
  const limitRequests = limit ? Math.max(1, Math.round(limit.requestsPerSecond * 60)) : 10000;
  return {
    'x-ratelimit-limit-requests': String(limitRequests),
    'x-ratelimit-remaining-requests': String(take ? take.remaining : limitRequests - 1),
    'x-ratelimit-reset-requests': openaiDuration(take?.resetMs ?? 6),
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-tokens': '2ms',
  };
}

/** OpenAI's wire pieces for one request. */
export function openaiWire(requestId: string): ProviderWire {
  const fromEffect = (
    status: number,
    e: { errorType?: string; message?: string; code?: string },
  ): OpenAIErrorInit => {
    const d = defaultsFor(status);
    const insufficientQuota = e.code === 'insufficient_quota' || e.errorType === 'insufficient_quota';
    return {
      message:
        e.message ??
        (insufficientQuota
          ? 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.'
          : d.message),
      type: e.errorType ?? (insufficientQuota ? 'insufficient_quota' : d.type),
      param: null,
      code: e.code ?? (insufficientQuota ? 'insufficient_quota' : d.code),
    };
  };
  return {
    baseHeaders: () => ({
      'x-request-id': requestId,
      'openai-version': '2020-10-01',
      'openai-organization': 'user-simulated',
    }),
    statusError: (e) => {
      const headers: Record<string, string> = {};
      if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
      if (e.retryAfterMs !== undefined) headers['retry-after-ms'] = String(e.retryAfterMs);
      if (e.shouldRetry !== undefined) headers['x-should-retry'] = String(e.shouldRetry);
      return openaiError(e.status, fromEffect(e.status, e), headers);
    },
    errorBody200: (e) => jsonResponse(200, openaiErrorBody(fromEffect(500, e))),
    invalidJson: () =>
      openaiError(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      }),
    rateLimited: (take, limit, model) => {
      const perMinute = Math.max(1, Math.round(limit.requestsPerSecond * 60));
      return openaiError(
        429,
        {
          message: `Rate limit reached for ${model} in organization org-simulated on requests per min (RPM): Limit ${perMinute}, Used ${perMinute}, Requested 1. Please try again in ${openaiDuration(take.retryAfterMs)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        { ...rateLimitHeaders(take, limit), 'retry-after-ms': String(take.retryAfterMs) },
      );
    },
    rateLimitHeaders,
    streamErrorEvent: (e) => `data: ${JSON.stringify(openaiErrorBody(fromEffect(500, e)))}\n\n`,
    emptyStreamEvents: () => ['data: [DONE]\n\n'],
  };
}
