// Canonical usage → Anthropic's usage object for our inbound clients. Canonical inputTokens already
// excludes cache reads and writes, exactly Anthropic's input_tokens rule, so nothing is subtracted.
// The wire requires input_tokens and output_tokens as numbers, so an unreported count is sent as 0 there;
// the cache fields are nullable on the wire, so unreported stays null rather than a false 0.
import type { Usage } from '@rampart/spec';

/** The usage object of a Messages response (and of message_start). */
export interface AnthropicWireUsage {
  input_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
  output_tokens: number;
}

/** The TTL breakdown when the upstream gave any of it; all writes count as 5m when only a total is known
 * and the upstream (OpenAI, Bedrock Converse) has no 1h cache. */
function cacheCreation(usage: Usage): AnthropicWireUsage['cache_creation'] {
  if (usage.cacheWrite5mTokens === undefined && usage.cacheWrite1hTokens === undefined) return null;
  return {
    ephemeral_5m_input_tokens: usage.cacheWrite5mTokens ?? 0,
    ephemeral_1h_input_tokens: usage.cacheWrite1hTokens ?? 0,
  };
}

/** Encodes canonical usage as a Messages `usage` object. */
export function encodeAnthropicUsage(usage: Usage): AnthropicWireUsage {
  return {
    input_tokens: usage.inputTokens ?? 0,
    cache_creation_input_tokens: usage.cacheWriteTokens ?? null,
    cache_read_input_tokens: usage.cacheReadTokens ?? null,
    cache_creation: cacheCreation(usage),
    output_tokens: usage.outputTokens ?? 0,
  };
}

/**
 * The usage of a message_delta: output_tokens always (cumulative), and the input side only where known,
 * as the API sends it; the SDK overwrites its snapshot with each field present and keeps the rest.
 */
export function encodeAnthropicDeltaUsage(usage: Usage): Record<string, number> {
  const wire: Record<string, number> = {};
  if (usage.inputTokens !== undefined) wire['input_tokens'] = usage.inputTokens;
  if (usage.cacheWriteTokens !== undefined) wire['cache_creation_input_tokens'] = usage.cacheWriteTokens;
  if (usage.cacheReadTokens !== undefined) wire['cache_read_input_tokens'] = usage.cacheReadTokens;
  wire['output_tokens'] = usage.outputTokens ?? 0;
  return wire;
}
