// What the anthropic-version header changes about a valid request. The gateway reads the header; this
// keeps the rule with the rest of the Anthropic wire knowledge.
import { InvalidRequestError } from '@rampart/spec';

/** From this version on, the API rejects sampling parameters (the model picks its own). */
export const SAMPLING_REMOVED_IN = '2026-10-21';
const SAMPLING_FIELDS = ['temperature', 'top_p', 'top_k'] as const;

/**
 * Rejects what the real API rejects under `version`: temperature, top_p and top_k from 2026-10-21 on.
 * Versions are ISO dates, so they compare as strings; an absent version means the oldest rules.
 */
export function checkAnthropicVersionRules(version: string | undefined, body: unknown): void {
  if (version === undefined || version < SAMPLING_REMOVED_IN) return;
  if (typeof body !== 'object' || body === null) return;
  for (const field of SAMPLING_FIELDS) {
    if ((body as Record<string, unknown>)[field] !== undefined) {
      throw new InvalidRequestError(
        `${field}: this parameter is not supported with anthropic-version ${version}; remove it or use anthropic-version 2023-06-01`,
        { param: field },
      );
    }
  }
}
