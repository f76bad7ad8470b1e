// Turns an OpenAI-style non-2xx answer into an UpstreamError. Retryability is decided here, from status,
// body and headers, so nothing downstream has to re-read the wire.
import { UpstreamError, errorCodeForStatus, type ErrorCode } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { parseOpenAIRetryAfter } from './parse-openai-retry-after.js';
import { readOpenAIErrorBody, type OpenAIErrorFields } from './read-openai-error-body.js';
import { readOpenAIHeader } from './read-openai-header.js';

// OpenAI answers 429 both for "slow down" and for "your account is out of credit"; only the first is worth
// retrying. The quota case is a billing problem, so it becomes payment_required.
const QUOTA_MARKERS = new Set(['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']);

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}

/** The canonical code for an upstream error, from its status and what its body says. */
export function openAIErrorCode(status: number, fields: OpenAIErrorFields | undefined): ErrorCode {
  if (
    fields !== undefined &&
    (QUOTA_MARKERS.has(fields.code ?? '') || QUOTA_MARKERS.has(fields.type ?? ''))
  ) {
    return 'payment_required';
  }
  return errorCodeForStatus(status);
}

/** Decodes a non-2xx OpenAI-style answer. `nowMs` resolves retry-after given as an HTTP date. */
export function decodeOpenAIError(
  provider: string,
  status: number,
  headers: HeaderMap,
  body: Uint8Array,
  nowMs: number,
): UpstreamError {
  const raw = new TextDecoder().decode(body);
  const fields = readOpenAIErrorBody(parseJson(body));
  const code = openAIErrorCode(status, fields);
  // Proxies in front of compatible servers answer with HTML or plain text; keep a short excerpt.
  const message =
    fields?.message ?? (raw.trim() === '' ? `HTTP ${status}` : `HTTP ${status}: ${raw.trim().slice(0, 200)}`);

  // OpenAI's own hint, honoured by its SDK: x-should-retry overrides what the status suggests.
  const shouldRetry = readOpenAIHeader(headers, 'x-should-retry');
  let retryable: boolean | undefined;
  if (code === 'payment_required') retryable = false;
  else if (shouldRetry === 'true') retryable = true;
  else if (shouldRetry === 'false') retryable = false;

  const retryAfterMs = parseOpenAIRetryAfter(headers, nowMs);
  const upstreamType = fields?.type ?? fields?.code;
  const upstreamRequestId = readOpenAIHeader(headers, 'x-request-id');
  return new UpstreamError(code, message, {
    provider,
    upstreamStatus: status,
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(upstreamType === undefined ? {} : { upstreamType }),
    ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
  });
}

/** An error the upstream reported inside a 2xx answer (a JSON body or an SSE chunk). */
export function decodeOpenAIInBandError(
  provider: string,
  fields: OpenAIErrorFields,
  headers: HeaderMap,
  options: { code: ErrorCode; responseStarted: boolean },
): UpstreamError {
  // Some compatible servers put the HTTP status they meant in `code` (vLLM: "code": 400).
  const meantStatus =
    fields.code !== undefined && /^[45]\d\d$/.test(fields.code) ? Number(fields.code) : undefined;
  let code = options.code;
  if (fields.code !== undefined && QUOTA_MARKERS.has(fields.code)) code = 'payment_required';
  // In a whole body (not mid-stream) a stated 4xx is the real verdict: retrying the same request cannot help.
  else if (code === 'upstream_error' && meantStatus !== undefined) code = errorCodeForStatus(meantStatus);
  const upstreamType = fields.type ?? fields.code;
  const upstreamRequestId = readOpenAIHeader(headers, 'x-request-id');
  return new UpstreamError(code, fields.message ?? 'upstream reported an error', {
    provider,
    responseStarted: options.responseStarted,
    ...(meantStatus === undefined ? {} : { upstreamStatus: meantStatus }),
    ...(upstreamType === undefined ? {} : { upstreamType }),
    ...(upstreamRequestId === undefined ? {} : { upstreamRequestId }),
  });
}
