// Usage in both directions. The trap: OpenAI's prompt_tokens INCLUDES cached_tokens (and, on newer models,
// cache_write_tokens), while canonical inputTokens counts only uncached input. And absent is not 0: a field
// the server did not report stays absent, so cost code can tell "no cache hit" from "no idea".
import { totalInputTokens, type Usage } from '@rampart/spec';
import type { OpenAIUsage } from './openai-wire-types.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Canonical usage from an OpenAI `usage` object; null/undefined/garbage gives `{}` (nothing reported). */
export function fromOpenAIUsage(wire: unknown): Usage {
  if (typeof wire !== 'object' || wire === null) return {};
  const usage = wire as OpenAIUsage;
  const prompt = count(usage.prompt_tokens);
  const cached = count(usage.prompt_tokens_details?.cached_tokens);
  const written = count(usage.prompt_tokens_details?.cache_write_tokens);
  const output = count(usage.completion_tokens);
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens);

  const result: Usage = {};
  // Clamped: a server that reports cached > prompt is wrong, and a negative count would poison sums.
  if (prompt !== undefined) result.inputTokens = Math.max(0, prompt - (cached ?? 0) - (written ?? 0));
  if (cached !== undefined) result.cacheReadTokens = cached;
  if (written !== undefined) result.cacheWriteTokens = written;
  if (output !== undefined) result.outputTokens = output;
  if (reasoning !== undefined) result.reasoningTokens = reasoning;
  return result;
}

/** The usage object an OpenAI client expects; details appear only when the canonical usage knows them. */
export function toOpenAIUsage(
  usage: Usage,
): Required<Pick<OpenAIUsage, 'prompt_tokens' | 'completion_tokens' | 'total_tokens'>> &
  Pick<OpenAIUsage, 'prompt_tokens_details' | 'completion_tokens_details'> {
  // The wire has no "unknown": the SDK types these as numbers, so unreported counts are sent as 0.
  const prompt = totalInputTokens(usage) ?? 0;
  const completion = usage.outputTokens ?? 0;
  const wire: ReturnType<typeof toOpenAIUsage> = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (usage.cacheReadTokens !== undefined || usage.cacheWriteTokens !== undefined) {
    wire.prompt_tokens_details = {};
    if (usage.cacheReadTokens !== undefined) wire.prompt_tokens_details.cached_tokens = usage.cacheReadTokens;
    if (usage.cacheWriteTokens !== undefined)
      wire.prompt_tokens_details.cache_write_tokens = usage.cacheWriteTokens;
  }
  if (usage.reasoningTokens !== undefined) {
    wire.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  }
  return wire;
}
