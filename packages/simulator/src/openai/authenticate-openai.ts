// OpenAI's bearer-key check.
import type { SimResponse } from '../http/sim-response.js';
import { openaiError } from './openai-errors.js';

/** The caller's key (any non-empty key is accepted; it scopes the prompt cache), or the 401. */
export function authenticateOpenAI(
  headers: Record<string, string>,
): { ok: true; account: string } | { ok: false; response: SimResponse } {
  const key = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
  if (key) return { ok: true, account: key };
  return {
    ok: false,
    response: openaiError(401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      type: 'invalid_request_error',
    }),
  };
}
