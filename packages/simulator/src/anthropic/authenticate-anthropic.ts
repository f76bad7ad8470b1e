// Anthropic request headers: the key (x-api-key or Authorization: Bearer) and anthropic-version.
import type { SimResponse } from '../http/sim-response.js';
import { anthropicError } from './anthropic-errors.js';
import { ANTHROPIC_VERSIONS } from './validate-anthropic-request.js';

/** The caller's account (its key) and API version, or the error response. */
export type AnthropicAuth =
  { ok: true; account: string; version: string } | { ok: false; response: SimResponse };

/** Check key and version headers. Any non-empty key is accepted; it scopes the prompt cache. */
export function authenticateAnthropic(headers: Record<string, string>, requestId: string): AnthropicAuth {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  const key = headers['x-api-key']?.trim() || bearer;
  if (!key) {
    return {
      ok: false,
      response: anthropicError(requestId, 401, 'x-api-key header is required', 'authentication_error'),
    };
  }
  const version = headers['anthropic-version'];
  if (version === undefined) {
    return { ok: false, response: anthropicError(requestId, 400, 'anthropic-version: header is required') };
  }
  if (!(ANTHROPIC_VERSIONS as readonly string[]).includes(version)) {
    return {
      ok: false,
      response: anthropicError(
        requestId,
        400,
        `anthropic-version: invalid version '${version}'. Supported versions: ${ANTHROPIC_VERSIONS.join(', ')}`,
      ),
    };
  }
  return { ok: true, account: key, version };
}
