// Usage of an InvokeModel call from its three sources: the Anthropic body (usage object, or message_start +
// message_delta when streamed), Bedrock's meter in response headers (X-Amzn-Bedrock-*-Token-Count) and, when
// streamed, `amazon-bedrock-invocationMetrics` on the final chunk.
//
// Rules:
// - The body wins field by field. Its input_tokens has one documented meaning (uncached input only, cache
//   counted apart), identical to the direct Anthropic API, and its cache split by TTL has no meter equivalent.
// - The meter fills what the body did not report. Absent in both stays absent, never 0.
// - The talk's trap: some Bedrock paths count cache tokens inside the prompt count. When the body's and the
//   meter's input differ by exactly the cache total, one of them includes cache and the smaller one is the
//   uncached figure; we take that one, so cache is never counted twice whichever side included it.
import type { Usage } from '@rampart/spec';
import type { HeaderMap } from '../provider-adapter.js';
import { headerCount } from './bedrock-headers.js';

/** Counts reported by Bedrock's meter, in its own (ambiguous) input meaning. */
export interface BedrockMeteredUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

function defined(counts: Record<keyof BedrockMeteredUsage, number | undefined>): BedrockMeteredUsage {
  const usage: BedrockMeteredUsage = {};
  for (const [key, value] of Object.entries(counts) as Array<
    [keyof BedrockMeteredUsage, number | undefined]
  >) {
    if (value !== undefined) usage[key] = value;
  }
  return usage;
}

/** The meter's counts from InvokeModel response headers. */
export function meteredUsageFromHeaders(headers: HeaderMap): BedrockMeteredUsage {
  return defined({
    inputTokens: headerCount(headers, 'x-amzn-bedrock-input-token-count'),
    outputTokens: headerCount(headers, 'x-amzn-bedrock-output-token-count'),
    cacheReadTokens: headerCount(headers, 'x-amzn-bedrock-cache-read-input-token-count'),
    cacheWriteTokens: headerCount(headers, 'x-amzn-bedrock-cache-write-input-token-count'),
  });
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The meter's counts from the `amazon-bedrock-invocationMetrics` object of a stream's last chunk. */
export function meteredUsageFromInvocationMetrics(metrics: unknown): BedrockMeteredUsage {
  if (typeof metrics !== 'object' || metrics === null) return {};
  const m = metrics as Record<string, unknown>;
  return defined({
    inputTokens: count(m['inputTokenCount']),
    outputTokens: count(m['outputTokenCount']),
    cacheReadTokens: count(m['cacheReadInputTokenCount']),
    cacheWriteTokens: count(m['cacheWriteInputTokenCount']),
  });
}

/** Combines body usage with the meter's counts under the rules above. */
export function reconcileBedrockInvokeUsage(body: Usage, meter: BedrockMeteredUsage): Usage {
  const usage: Usage = { ...body };
  for (const key of ['outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const) {
    const metered = meter[key];
    if (usage[key] === undefined && metered !== undefined) usage[key] = metered;
  }
  const input = reconcileInput(
    body.inputTokens,
    meter.inputTokens,
    (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0),
  );
  if (input !== undefined) usage.inputTokens = input;
  return usage;
}

function reconcileInput(
  body: number | undefined,
  meter: number | undefined,
  cached: number,
): number | undefined {
  // Only the meter knows the input: without a second figure to compare, take it as uncached input, which is
  // what Bedrock documents for these counters on Anthropic models.
  if (body === undefined) return meter;
  if (meter !== undefined && cached > 0 && Math.abs(body - meter) === cached) return Math.min(body, meter);
  return body;
}
