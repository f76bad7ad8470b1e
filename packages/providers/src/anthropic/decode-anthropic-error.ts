// Anthropic error answers → UpstreamError, deciding retryability once, here, from status, body and headers.
import { UpstreamError, errorCodeForStatus } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { codeForAnthropicErrorType } from './map-anthropic-error-type.js';
import { headerValue, parseRetryAfterMs } from './parse-retry-after.js';

/** The parts of an Anthropic error body, when the body is one. */
export interface AnthropicErrorFields {
  type?: string;
  message?: string;
  requestId?: string;
}

/** Reads {"type":"error","error":{type,message},"request_id"} (or a bare {type,message}) from parsed JSON. */
export function readAnthropicErrorFields(json: unknown): AnthropicErrorFields | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const outer = json as Record<string, unknown>;
  const inner = typeof outer['error'] === 'object' && outer['error'] !== null ? outer['error'] : outer;
  const e = inner as Record<string, unknown>;
  const fields: AnthropicErrorFields = {};
  if (typeof e['type'] === 'string' && e['type'] !== 'error') fields.type = e['type'];
  if (typeof e['message'] === 'string') fields.message = e['message'];
  if (typeof outer['request_id'] === 'string') fields.requestId = outer['request_id'];
  return fields.type === undefined && fields.message === undefined ? undefined : fields;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Keeps a non-JSON body (an HTML page from a proxy) readable in logs without flooding them. */
function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/**
 * Turns an Anthropic error answer into an UpstreamError. The body's error type decides the code when we
 * know it, else the status does. Retryability: x-should-retry (the server's own verdict, honoured by the
 * official SDK too) wins; else a 429 WITHOUT retry-after is the spend-limit variant, which no amount of
 * waiting on this target fixes within a request, so it is not retryable here (the status is still 429, so
 * a fallback configured on 429 moves on to another target); else the code's default.
 */
export function decodeAnthropicErrorBody(
  status: number,
  headers: HeaderMap,
  bodyText: string,
  provider: string,
): UpstreamError {
  const fields = readAnthropicErrorFields(parseJson(bodyText));
  const code =
    codeForAnthropicErrorType(fields?.type) ??
    (status >= 200 && status < 300 ? 'upstream_error' : errorCodeForStatus(status));
  const retryAfterMs = parseRetryAfterMs(headers);
  const shouldRetry = headerValue(headers, 'x-should-retry');
  const spendLimit = code === 'rate_limited' && retryAfterMs === undefined;
  let retryable: boolean | undefined;
  if (shouldRetry === 'true') retryable = true;
  else if (shouldRetry === 'false') retryable = false;
  else if (spendLimit) retryable = false;

  const message =
    fields?.message ?? (bodyText.trim() === '' ? `${provider} answered HTTP ${status}` : snippet(bodyText));
  const upstreamRequestId = headerValue(headers, 'request-id') ?? fields?.requestId;
  return new UpstreamError(code, message, {
    provider,
    upstreamStatus: status,
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(fields?.type === undefined ? {} : { upstreamType: fields.type }),
    ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
  });
}
