// Anthropic error `type` ⇄ Rampart error code, one table for both directions so the outbound adapter and
// the inbound codec never disagree.
import type { ErrorCode } from '@rampart/spec';

/** The error types Anthropic documents. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const CODE_BY_TYPE: Record<AnthropicErrorType, ErrorCode> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication_failed',
  billing_error: 'payment_required',
  permission_error: 'permission_denied',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limited',
  api_error: 'upstream_error',
  timeout_error: 'upstream_timeout',
  overloaded_error: 'overloaded',
};

/** The Rampart code for an Anthropic error type, or undefined for a type we do not know. */
export function codeForAnthropicErrorType(type: unknown): ErrorCode | undefined {
  return typeof type === 'string' && Object.hasOwn(CODE_BY_TYPE, type)
    ? CODE_BY_TYPE[type as AnthropicErrorType]
    : undefined;
}

/** How a Rampart error is presented to an Anthropic client: its error type and HTTP status. */
export function anthropicErrorForCode(code: ErrorCode): { type: AnthropicErrorType; status: number } {
  switch (code) {
    case 'invalid_request':
    case 'unsupported_content':
      return { type: 'invalid_request_error', status: 400 };
    case 'authentication_failed':
      return { type: 'authentication_error', status: 401 };
    case 'payment_required':
      return { type: 'billing_error', status: 402 };
    case 'permission_denied':
      return { type: 'permission_error', status: 403 };
    case 'not_found':
      return { type: 'not_found_error', status: 404 };
    case 'request_too_large':
      return { type: 'request_too_large', status: 413 };
    case 'rate_limited':
    case 'rate_limit_exceeded':
    case 'budget_exceeded':
      return { type: 'rate_limit_error', status: 429 };
    case 'overloaded':
      return { type: 'overloaded_error', status: 529 };
    case 'request_timeout':
    case 'upstream_timeout':
      return { type: 'timeout_error', status: 504 };
    case 'upstream_unavailable':
      // Anthropic has no 503; overloaded is what its clients know to back off from.
      return { type: 'overloaded_error', status: 529 };
    case 'conflict':
      return { type: 'api_error', status: 409 };
    case 'upstream_error':
    case 'connection_failed':
    case 'stream_interrupted':
    case 'stream_error':
    case 'empty_response':
      return { type: 'api_error', status: 502 };
    case 'internal':
      return { type: 'api_error', status: 500 };
  }
}
