// What each Bedrock runtime exception means in Rampart's vocabulary. One table for HTTP errors and for
// exception frames inside a stream, keyed case-insensitively: HTTP says `ThrottlingException`, a stream
// frame's :exception-type says `throttlingException`.
import type { ErrorCode } from '@rampart/spec';

/** The canonical code of a Bedrock exception and whether another attempt may succeed. */
export interface BedrockExceptionMeaning {
  code: ErrorCode;
  retryable: boolean;
}

const EXCEPTIONS: Record<string, BedrockExceptionMeaning> = {
  validationexception: { code: 'invalid_request', retryable: false },
  accessdeniedexception: { code: 'permission_denied', retryable: false },
  // Bad or expired AWS credentials come back as 403 with these types: an authentication problem, not a grant.
  unrecognizedclientexception: { code: 'authentication_failed', retryable: false },
  invalidsignatureexception: { code: 'authentication_failed', retryable: false },
  expiredtokenexception: { code: 'authentication_failed', retryable: false },
  resourcenotfoundexception: { code: 'not_found', retryable: false },
  modeltimeoutexception: { code: 'request_timeout', retryable: true },
  modelerrorexception: { code: 'upstream_error', retryable: true },
  modelstreamerrorexception: { code: 'upstream_error', retryable: true },
  throttlingexception: { code: 'rate_limited', retryable: true },
  // A quota is exhausted on this account: retrying here soon fails again, another target may succeed.
  servicequotaexceededexception: { code: 'rate_limited', retryable: true },
  // The model is being loaded (cold); it is unavailable now and will be soon.
  modelnotreadyexception: { code: 'upstream_unavailable', retryable: true },
  internalserverexception: { code: 'upstream_error', retryable: true },
  serviceunavailableexception: { code: 'upstream_unavailable', retryable: true },
};

/** The meaning of a Bedrock exception type, or undefined when Rampart does not know it. */
export function bedrockExceptionMeaning(type: string): BedrockExceptionMeaning | undefined {
  return EXCEPTIONS[type.toLowerCase()];
}

/**
 * The bare exception name from the forms AWS uses: `ThrottlingException:http://internal.amazon.com/...`
 * (x-amzn-errortype) and `com.amazon.coral.service#ThrottlingException` (body `__type`).
 */
export function bareExceptionName(raw: string): string {
  const beforeColon = raw.split(':')[0] ?? raw;
  const afterHash = beforeColon.split('#').pop() ?? beforeColon;
  return afterHash.trim();
}
