import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Options every Rampart error accepts. */
export interface RampartErrorOptions {
  /** HTTP status to present; defaults to the code's status. */
  status?: number;
  /** Whether trying again (here or on another target) may succeed; defaults to the code's. */
  retryable?: boolean;
  /** True once bytes of the response reached someone: such a failure must never be retried blindly. */
  responseStarted?: boolean;
  /** How long the upstream asked us to wait before retrying. */
  retryAfterMs?: number;
  /** Path of the offending field in the request, e.g. `messages[2].content[0].type`. */
  param?: string;
  cause?: unknown;
}

/** Base of every error Rampart raises; `code` is stable and documented in ERROR-CODES.md. */
export class RampartError extends Error {
  override readonly name: string = 'RampartError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly responseStarted: boolean;
  readonly retryAfterMs: number | undefined;
  readonly param: string | undefined;

  constructor(code: ErrorCode, message: string, options: RampartErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.responseStarted = options.responseStarted ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
  }
}

/** The client's request is wrong: bad JSON, wrong types, unknown model, unsupported content. */
export class InvalidRequestError extends RampartError {
  override readonly name: string = 'InvalidRequestError';
  constructor(message: string, options: RampartErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? 'invalid_request', message, options);
  }
}

/** Facts about an upstream failure beyond the common ones. */
export interface UpstreamErrorOptions extends RampartErrorOptions {
  /** Which upstream answered, e.g. `anthropic`, `bedrock`. */
  provider: string;
  /** The upstream's HTTP status, when it answered with one. */
  upstreamStatus?: number;
  /** The upstream's own error type, e.g. `overloaded_error`, `ThrottlingException`. */
  upstreamType?: string;
  /** The upstream's request id, for support tickets. */
  upstreamRequestId?: string;
}

/** An upstream provider failed: an error status, an in-band stream error, a cut or empty stream. */
export class UpstreamError extends RampartError {
  override readonly name: string = 'UpstreamError';
  readonly provider: string;
  readonly upstreamStatus: number | undefined;
  readonly upstreamType: string | undefined;
  readonly upstreamRequestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: UpstreamErrorOptions) {
    super(code, message, options);
    this.provider = options.provider;
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamType = options.upstreamType;
    this.upstreamRequestId = options.upstreamRequestId;
  }
}

/** Wraps anything thrown into a RampartError, keeping the original as cause. */
export function toRampartError(error: unknown): RampartError {
  if (error instanceof RampartError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RampartError('internal', message, { cause: error });
}

/** The error code an upstream HTTP status means, before looking at its body. */
export function errorCodeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request';
    case 401:
      return 'authentication_failed';
    case 402:
      return 'payment_required';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 408:
      return 'request_timeout';
    case 409:
      return 'conflict';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'upstream_unavailable';
    case 504:
      return 'upstream_timeout';
    case 529:
      return 'overloaded';
    default:
      return status >= 500 ? 'upstream_error' : 'invalid_request';
  }
}
