// Bedrock's error wire: status + x-amzn-errortype header + {"message"} body; in streams, exception frames.
import type { FaultEffect } from '../faults/fault-rules.js';
import { jsonResponse, type SimResponse } from '../http/sim-response.js';
import type { ProviderWire } from '../turn/turn-types.js';
import { encodeBedrockException } from './bedrock-event-stream.js';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

const MESSAGE_BY_TYPE: Record<string, string> = {
  ValidationException: 'Validation error',
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: 'Could not resolve the foundation model from the provided model identifier.',
  ModelTimeoutException: 'Model has timed out in processing the request. Try your request again.',
  ModelErrorException:
    'The system encountered an unexpected error during processing. Try your request again.',
  ModelNotReadyException: 'Model is not ready for inference. Wait and try your request again.',
  ModelStreamErrorException:
    'The system encountered an unexpected error during processing. Try your request again.',
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ServiceQuotaExceededException: 'Your request exceeds the service quota for your account.',
  InternalServerException: 'The server encountered an internal error while processing the request.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
};

/** Bedrock error type (PascalCase, as in x-amzn-errortype) for a status. */
export function bedrockErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** A full error response. */
export function bedrockError(
  status: number,
  message?: string,
  type = bedrockErrorType(status),
  headers: Record<string, string> = {},
): SimResponse {
  const errorType = pascal(type);
  return jsonResponse(
    status,
    { message: message ?? MESSAGE_BY_TYPE[errorType] ?? errorType },
    { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers },
  );
}

function streamException(e: { errorType?: string; message?: string }): Uint8Array {
  const type = camel(e.errorType ?? 'modelStreamErrorException');
  const message = e.message ?? MESSAGE_BY_TYPE[pascal(type)] ?? type;
  const body: Record<string, unknown> = { message };
  if (type === 'modelStreamErrorException')
    Object.assign(body, { originalStatusCode: 500, originalMessage: message });
  return encodeBedrockException(type, body);
}

/** Bedrock's wire pieces for one request. */
export function bedrockWire(requestId: string): ProviderWire {
  return {
    baseHeaders: () => ({ 'x-amzn-requestid': requestId }),
    statusError: (e: Extract<FaultEffect, { type: 'status' }>) => {
      const headers: Record<string, string> = {};
      if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
      return bedrockError(e.status, e.message, e.errorType ?? bedrockErrorType(e.status), headers);
    },
    errorBody200: (e) => {
      const type = pascal(e.errorType ?? 'InternalServerException');
      return jsonResponse(200, { message: e.message ?? MESSAGE_BY_TYPE[type] ?? type });
    },
    invalidJson: () =>
      bedrockError(400, 'Malformed input request, please reformat your input and try again.'),
    rateLimited: () => bedrockError(429, MESSAGE_BY_TYPE.ThrottlingException, 'ThrottlingException'),
    rateLimitHeaders: () => ({}),
    streamErrorEvent: streamException,
    emptyStreamEvents: () => [],
  };
}
