// Errors of the threads API and how they go out: `{ "error": { "message", "type", "code" } }`, the same envelope
// as the admin API. Authentication failures arrive as the gateway's RampartErrors and keep their status.
import type { ServerResponse } from 'node:http';
import { RampartError } from '@rampart/spec';

/** Stable codes of the threads API. */
export type ThreadsApiErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'run_in_progress'
  | 'idempotency_key_reused'
  | 'request_too_large'
  | 'internal';

const STATUS: Record<ThreadsApiErrorCode, number> = {
  invalid_request: 400,
  not_found: 404,
  run_in_progress: 409,
  idempotency_key_reused: 409,
  request_too_large: 413,
  internal: 500,
};

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** A refusal of the threads API with a stable code. */
export class ThreadsApiError extends Error {
  override readonly name = 'ThreadsApiError';
  readonly status: number;
  constructor(
    readonly code: ThreadsApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/** Writes an error answer; unknown errors become a 500 that carries only the request id. */
export function sendThreadsError(response: ServerResponse, error: unknown, requestId: string): void {
  let status = 500;
  let code: string = 'internal';
  let message = `Internal error (request ${requestId}).`;
  let details: Record<string, unknown> = {};
  if (error instanceof ThreadsApiError) {
    ({ status, code, message, details } = error);
  } else if (error instanceof RampartError) {
    ({ status, code, message } = error);
  }
  const text = JSON.stringify({
    error: { message, type: TYPE_BY_STATUS[status] ?? 'server_error', code, ...details },
  });
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
  });
  response.end(text);
}
