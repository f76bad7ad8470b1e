// Token usage in one meaning for every provider. A field that is absent means the upstream did not
// report it; 0 means it reported zero. Never fill an absent field with 0.

/** Canonical token usage of one model call. */
export interface Usage {
  /** Input tokens that were neither read from nor written to the prompt cache. */
  inputTokens?: number;
  /** Output tokens, reasoning included. */
  outputTokens?: number;
  /** Input tokens read from the prompt cache. */
  cacheReadTokens?: number;
  /** Input tokens written to the prompt cache, all TTLs together. */
  cacheWriteTokens?: number;
  /** Of cacheWriteTokens, those written with a 5-minute TTL, when the upstream says. */
  cacheWrite5mTokens?: number;
  /** Of cacheWriteTokens, those written with a 1-hour TTL, when the upstream says. */
  cacheWrite1hTokens?: number;
  /** Of outputTokens, those spent on reasoning, when the upstream says. */
  reasoningTokens?: number;
}

const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
] as const satisfies ReadonlyArray<keyof Usage>;

/** Every input token, cached or not: what OpenAI calls prompt_tokens. Absent if no input class was reported. */
export function totalInputTokens(usage: Usage): number | undefined {
  const { inputTokens, cacheReadTokens, cacheWriteTokens } = usage;
  if (inputTokens === undefined && cacheReadTokens === undefined && cacheWriteTokens === undefined)
    return undefined;
  return (inputTokens ?? 0) + (cacheReadTokens ?? 0) + (cacheWriteTokens ?? 0);
}

/**
 * Overlays a later usage snapshot on an earlier one, field by field: streamed usage arrives split
 * (Anthropic's message_start then cumulative message_delta), and a later report of a field wins.
 */
export function mergeUsage(earlier: Usage, later: Usage): Usage {
  const merged: Usage = { ...earlier };
  for (const field of USAGE_FIELDS) {
    const value = later[field];
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

/** Sums the usage of several calls (e.g. the attempts of one request); absent stays absent only if absent in all. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {};
  for (const field of USAGE_FIELDS) {
    const x = a[field];
    const y = b[field];
    if (x !== undefined || y !== undefined) sum[field] = (x ?? 0) + (y ?? 0);
  }
  return sum;
}
