// Anthropic usage → canonical usage. Anthropic's input_tokens already excludes cache reads and writes, which
// is exactly the canonical meaning, so nothing is subtracted. Missing and null fields stay absent: a 0 here
// would tell billing the upstream reported zero when it said nothing.
import type { Usage } from '@rampart/spec';

/** Reads a token count, or undefined when the field is missing, null or not a finite non-negative number. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Converts an Anthropic `usage` object (from a message, message_start or message_delta) to canonical usage. */
export function convertAnthropicUsage(wire: unknown): Usage {
  const usage: Usage = {};
  if (typeof wire !== 'object' || wire === null) return usage;
  const u = wire as Record<string, unknown>;
  const input = count(u['input_tokens']);
  const output = count(u['output_tokens']);
  const cacheWrite = count(u['cache_creation_input_tokens']);
  const cacheRead = count(u['cache_read_input_tokens']);
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead !== undefined) usage.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  const byTtl = u['cache_creation'];
  if (typeof byTtl === 'object' && byTtl !== null) {
    const t = byTtl as Record<string, unknown>;
    const w5m = count(t['ephemeral_5m_input_tokens']);
    const w1h = count(t['ephemeral_1h_input_tokens']);
    if (w5m !== undefined) usage.cacheWrite5mTokens = w5m;
    if (w1h !== undefined) usage.cacheWrite1hTokens = w1h;
    // Some reports carry only the TTL breakdown; its sum is then the total written.
    if (usage.cacheWriteTokens === undefined && (w5m !== undefined || w1h !== undefined)) {
      usage.cacheWriteTokens = (w5m ?? 0) + (w1h ?? 0);
    }
  }
  return usage;
}
