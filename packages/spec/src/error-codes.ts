// Every error Rampart can report, with the HTTP status it maps to by default. The table is the contract:
// ERROR-CODES.md documents each code and a test fails when one is missing there.

/** Stable error codes, their default HTTP status and whether a retry elsewhere may succeed. */
export const ERROR_CODES = {
  invalid_request: { status: 400, retryable: false },
  unsupported_content: { status: 400, retryable: false },
  authentication_failed: { status: 401, retryable: false },
  payment_required: { status: 402, retryable: false },
  permission_denied: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  request_timeout: { status: 408, retryable: true },
  conflict: { status: 409, retryable: true },
  request_too_large: { status: 413, retryable: false },
  rate_limited: { status: 429, retryable: true },
  rate_limit_exceeded: { status: 429, retryable: true },
  budget_exceeded: { status: 429, retryable: false },
  upstream_error: { status: 502, retryable: true },
  upstream_unavailable: { status: 503, retryable: true },
  upstream_timeout: { status: 504, retryable: true },
  overloaded: { status: 529, retryable: true },
  connection_failed: { status: 502, retryable: true },
  stream_interrupted: { status: 502, retryable: true },
  stream_error: { status: 502, retryable: true },
  empty_response: { status: 502, retryable: true },
  internal: { status: 500, retryable: false },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
