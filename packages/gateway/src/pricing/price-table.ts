// List prices as data (USD per million tokens), from the providers' price pages as of late 2026. Operators
// override or extend them in config (`pricing.models`); code never hard-codes a price anywhere else.

/** A model's prices in USD per million tokens, as the price pages write them. */
export interface ModelPriceUsd {
  input: number;
  output: number;
  /** Reading cached input. */
  cacheRead: number;
  /** Writing cache with a 5-minute TTL (Anthropic-family); absent where writes are free (OpenAI). */
  cacheWrite5m?: number;
  /** Writing cache with a 1-hour TTL. */
  cacheWrite1h?: number;
}

const SONNET_4 = { input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };
const OPUS_4 = { input: 15, cacheWrite5m: 18.75, cacheWrite1h: 30, cacheRead: 1.5, output: 75 };
const OPUS_45 = { input: 5, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5, output: 25 };

/** Default prices by normalized model id (see normalizeModelId). */
export const DEFAULT_MODEL_PRICES: Readonly<Record<string, ModelPriceUsd>> = {
  'claude-sonnet-4': SONNET_4,
  'claude-sonnet-4-5': SONNET_4,
  'claude-sonnet-4-6': SONNET_4,
  'claude-haiku-4-5': { input: 1, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 },
  'claude-opus-4': OPUS_4,
  'claude-opus-4-1': OPUS_4,
  'claude-opus-4-5': OPUS_45,
  'claude-opus-4-6': OPUS_45,
  'gpt-4o': { input: 2.5, cacheRead: 1.25, output: 10 },
  'gpt-4o-mini': { input: 0.15, cacheRead: 0.075, output: 0.6 },
  'gpt-4.1': { input: 2, cacheRead: 0.5, output: 8 },
  'gpt-5': { input: 1.25, cacheRead: 0.125, output: 10 },
  'gpt-5-mini': { input: 0.25, cacheRead: 0.025, output: 2 },
};
