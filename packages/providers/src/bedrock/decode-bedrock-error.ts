// Turns a non-2xx Bedrock runtime answer (InvokeModel or Converse, same error protocol) into an UpstreamError.
import { UpstreamError, errorCodeForStatus } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { bareExceptionName, bedrockExceptionMeaning } from './bedrock-exception-codes.js';
import { bedrockRequestId, headerValue } from './bedrock-headers.js';

/** The human message of a Bedrock error body: restJson uses `message`, some paths `Message`. */
export function bedrockErrorMessage(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const message = record['message'] ?? record['Message'];
  return typeof message === 'string' && message.length > 0 ? message : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Bedrock's error type: the x-amzn-errortype header, else the body's `__type` or `code`. */
function errorType(headers: HeaderMap, json: unknown): string | undefined {
  const fromHeader = headerValue(headers, 'x-amzn-errortype');
  if (fromHeader !== undefined && fromHeader.length > 0) return bareExceptionName(fromHeader);
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const fromBody = record['__type'] ?? record['code'];
  return typeof fromBody === 'string' && fromBody.length > 0 ? bareExceptionName(fromBody) : undefined;
}

/** retry-after in seconds (Bedrock rarely sends it; a proxy in front of it may). */
function retryAfterMs(headers: HeaderMap): number | undefined {
  const value = headerValue(headers, 'retry-after')?.trim();
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
}

/** Decodes a Bedrock runtime error answer; the exception type decides the code, the status is the fallback. */
export function decodeBedrockError(
  status: number,
  headers: HeaderMap,
  body: Uint8Array,
  provider: string,
): UpstreamError {
  const text = new TextDecoder().decode(body);
  const json = parseJson(text);
  const type = errorType(headers, json);
  const meaning = type === undefined ? undefined : bedrockExceptionMeaning(type);
  const detail = bedrockErrorMessage(json) ?? (text.trim().slice(0, 500) || `HTTP ${status}`);
  const requestId = bedrockRequestId(headers);
  const wait = retryAfterMs(headers);
  return new UpstreamError(
    meaning?.code ?? errorCodeForStatus(status),
    `Bedrock ${type ?? 'error'}: ${detail}`,
    {
      provider,
      upstreamStatus: status,
      ...(meaning === undefined ? {} : { retryable: meaning.retryable }),
      ...(type === undefined ? {} : { upstreamType: type }),
      ...(requestId === undefined ? {} : { upstreamRequestId: requestId }),
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    },
  );
}
