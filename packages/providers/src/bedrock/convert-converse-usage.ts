// Converse usage → canonical usage. Converse's inputTokens excludes cached tokens (as Anthropic's does);
// totalTokens lets us check that instead of trusting it, because some Bedrock paths count cache tokens in
// the input figure and a gateway that adds cache on top bills them twice.
import { z } from 'zod';
import type { Usage } from '@rampart/spec';

const count = z.number().int().nonnegative();

/** The `usage` object of a Converse response or ConverseStream metadata event. */
export const converseUsageSchema = z.object({
  inputTokens: count.optional(),
  outputTokens: count.optional(),
  totalTokens: count.optional(),
  cacheReadInputTokens: count.optional(),
  cacheWriteInputTokens: count.optional(),
  cacheDetails: z.array(z.object({ ttl: z.string().optional(), inputTokens: count.optional() })).optional(),
});

/** Converse usage as received. */
export type ConverseUsage = z.infer<typeof converseUsageSchema>;

/** Plain (uncached) input: inputTokens, minus the cache tokens when totalTokens shows they were included. */
function plainInputTokens(usage: ConverseUsage): number | undefined {
  const { inputTokens, outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens } = usage;
  const cached = (cacheReadInputTokens ?? 0) + (cacheWriteInputTokens ?? 0);
  if (inputTokens === undefined || cached === 0 || outputTokens === undefined || totalTokens === undefined) {
    return inputTokens;
  }
  const includesCache = totalTokens === inputTokens + outputTokens && inputTokens >= cached;
  return includesCache ? inputTokens - cached : inputTokens;
}

/** Converts Converse usage; fields Converse did not report stay absent. */
export function convertConverseUsage(usage: ConverseUsage | undefined): Usage {
  if (usage === undefined) return {};
  const result: Usage = {};
  const input = plainInputTokens(usage);
  if (input !== undefined) result.inputTokens = input;
  if (usage.outputTokens !== undefined) result.outputTokens = usage.outputTokens;
  if (usage.cacheReadInputTokens !== undefined) result.cacheReadTokens = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined) result.cacheWriteTokens = usage.cacheWriteInputTokens;
  // cacheDetails breaks cache writes down by TTL.
  let detailed: number | undefined;
  for (const detail of usage.cacheDetails ?? []) {
    if (detail.inputTokens === undefined) continue;
    detailed = (detailed ?? 0) + detail.inputTokens;
    if (detail.ttl === '5m')
      result.cacheWrite5mTokens = (result.cacheWrite5mTokens ?? 0) + detail.inputTokens;
    if (detail.ttl === '1h')
      result.cacheWrite1hTokens = (result.cacheWrite1hTokens ?? 0) + detail.inputTokens;
  }
  // Only the breakdown reported: its sum is the total written (else the writes would vanish from the total).
  if (result.cacheWriteTokens === undefined && detailed !== undefined) result.cacheWriteTokens = detailed;
  return result;
}
