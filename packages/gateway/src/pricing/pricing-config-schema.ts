// The `pricing` section of the gateway config: overrides and additions to the list prices.
import { z } from 'zod';
import type { ModelPriceUsd } from './price-table.js';

const usdPerMillion = z
  .number()
  .min(0)
  .refine((n) => /^\d+(?:\.\d{1,3})?$/.test(String(n)), { message: 'at most three decimals' })
  .describe('USD per million tokens');

/** One model's prices in USD per million tokens. */
export const modelPriceConfigSchema = z
  .object({
    input: usdPerMillion,
    output: usdPerMillion,
    cache_read: usdPerMillion,
    cache_write_5m: usdPerMillion.optional(),
    cache_write_1h: usdPerMillion.optional(),
  })
  .strict();

/** Price overrides by model id (any upstream spelling). */
export const pricingConfigSchema = z
  .object({ models: z.record(z.string().min(1), modelPriceConfigSchema).default({}) })
  .strict();

/** The pricing section after defaults. */
export type PricingConfig = z.output<typeof pricingConfigSchema>;

/** Config prices in the price book's shape. */
export function priceOverrides(pricing: PricingConfig): Record<string, ModelPriceUsd> {
  return Object.fromEntries(
    Object.entries(pricing.models).map(([model, p]) => [
      model,
      {
        input: p.input,
        output: p.output,
        cacheRead: p.cache_read,
        ...(p.cache_write_5m !== undefined ? { cacheWrite5m: p.cache_write_5m } : {}),
        ...(p.cache_write_1h !== undefined ? { cacheWrite1h: p.cache_write_1h } : {}),
      },
    ]),
  );
}
