// The shortest prefix each Anthropic model caches (shorter ones are silently not cached), as data.
import { normalizeModelId } from '../pricing/pricing-model-id.js';

const MINIMUM_CACHEABLE_TOKENS: Readonly<Record<string, number>> = {
  'claude-sonnet-4': 1024,
  'claude-sonnet-4-5': 1024,
  'claude-opus-4': 1024,
  'claude-opus-4-1': 1024,
  'claude-3-7-sonnet': 1024,
  'claude-sonnet-4-6': 2048,
  'claude-3-5-haiku': 2048,
  'claude-opus-4-5': 4096,
  'claude-opus-4-6': 4096,
  'claude-haiku-4-5': 4096,
};

/** For a model we do not know, assume the largest documented minimum: a slot is never spent on a no-op. */
export const UNKNOWN_MODEL_MINIMUM_TOKENS = 4096;

/** Minimum cacheable prefix (Claude tokens) for a model id in any upstream spelling. */
export function minimumCacheableTokens(model: string): number {
  return MINIMUM_CACHEABLE_TOKENS[normalizeModelId(model)] ?? UNKNOWN_MODEL_MINIMUM_TOKENS;
}
