// Exact cost of one call. Prices are kept as integer nano-USD per token: every list price has at most three
// decimals in USD per million tokens ($0.025/M = 25 nano-USD per token), so every cost is an exact bigint and
// sums over millions of calls never drift the way floats do.
import type { Usage } from '@rampart/spec';
import { DEFAULT_MODEL_PRICES, type ModelPriceUsd } from './price-table.js';
import { normalizeModelId } from './pricing-model-id.js';

/** Cost of one call per token class, in nano-USD (1e-9 USD). */
export interface CostBreakdown {
  input: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  output: bigint;
}

/** Exact cost of one call in nano-USD, with its breakdown. */
export interface Cost {
  nanos: bigint;
  breakdown: CostBreakdown;
}

/** Prices looked up by model id in any upstream spelling. */
export interface PriceBook {
  /** Exact cost of `usage` on `model`; undefined when the model has no price. */
  costOf(model: string, usage: Usage): Cost | undefined;
  /** What the same tokens would have cost with no prompt caching (every input token at the input price). */
  costWithoutCache(model: string, usage: Usage): Cost | undefined;
  /** Whether `model` has a price. */
  has(model: string): boolean;
}

interface NanoPrice {
  input: bigint;
  output: bigint;
  cacheRead: bigint;
  cacheWrite5m: bigint;
  cacheWrite1h: bigint;
}

/** USD per million tokens → nano-USD per token, exactly (at most three decimals; anything finer is refused). */
export function usdPerMillionToNanos(usdPerMillion: number): bigint {
  const text = String(usdPerMillion);
  const match = /^(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!match)
    throw new RangeError(`price ${text} must be ≥ 0 with at most three decimals (USD per million tokens)`);
  return BigInt(match[1]!) * 1000n + BigInt((match[2] ?? '').padEnd(3, '0'));
}

function toNanoPrice(price: ModelPriceUsd): NanoPrice {
  const input = usdPerMillionToNanos(price.input);
  // Without a listed write price, writing costs what plain input costs (OpenAI writes are free).
  const cacheWrite5m = price.cacheWrite5m === undefined ? input : usdPerMillionToNanos(price.cacheWrite5m);
  return {
    input,
    output: usdPerMillionToNanos(price.output),
    cacheRead: usdPerMillionToNanos(price.cacheRead),
    cacheWrite5m,
    cacheWrite1h: price.cacheWrite1h === undefined ? cacheWrite5m : usdPerMillionToNanos(price.cacheWrite1h),
  };
}

function tokens(n: number | undefined): bigint {
  return BigInt(Math.max(0, Math.trunc(n ?? 0)));
}

function writeNanos(price: NanoPrice, usage: Usage): bigint {
  const w5 = tokens(usage.cacheWrite5mTokens);
  const w1 = tokens(usage.cacheWrite1hTokens);
  // Bedrock reports only the total: the part without a stated TTL was written with the default 5m.
  let rest = tokens(usage.cacheWriteTokens) - w5 - w1;
  if (rest < 0n) rest = 0n;
  return (w5 + rest) * price.cacheWrite5m + w1 * price.cacheWrite1h;
}

function total(breakdown: CostBreakdown): Cost {
  return {
    nanos: breakdown.input + breakdown.cacheRead + breakdown.cacheWrite + breakdown.output,
    breakdown,
  };
}

/** Builds a price book from the defaults plus overrides (keys are model ids in any spelling). */
export function createPriceBook(overrides: Readonly<Record<string, ModelPriceUsd>> = {}): PriceBook {
  const prices = new Map<string, NanoPrice>();
  for (const [model, price] of Object.entries(DEFAULT_MODEL_PRICES)) prices.set(model, toNanoPrice(price));
  for (const [model, price] of Object.entries(overrides))
    prices.set(normalizeModelId(model), toNanoPrice(price));
  const find = (model: string) => prices.get(normalizeModelId(model));
  return {
    costOf(model, usage) {
      const price = find(model);
      if (!price) return undefined;
      return total({
        input: tokens(usage.inputTokens) * price.input,
        cacheRead: tokens(usage.cacheReadTokens) * price.cacheRead,
        cacheWrite: writeNanos(price, usage),
        output: tokens(usage.outputTokens) * price.output,
      });
    },
    costWithoutCache(model, usage) {
      const price = find(model);
      if (!price) return undefined;
      const input =
        tokens(usage.inputTokens) + tokens(usage.cacheReadTokens) + tokens(usage.cacheWriteTokens);
      return total({
        input: input * price.input,
        cacheRead: 0n,
        cacheWrite: 0n,
        output: tokens(usage.outputTokens) * price.output,
      });
    },
    has: (model) => find(model) !== undefined,
  };
}

const defaultBook = createPriceBook();

/** Exact cost of `usage` on `model` at default list prices; undefined when the model has no price. */
export function costOf(model: string, usage: Usage): Cost | undefined {
  return defaultBook.costOf(model, usage);
}

/** Nano-USD as a dollar string with six decimals, e.g. `$0.118500` (display only; keep nanos for sums). */
export function formatNanosUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  // Round half up to micro-USD for display.
  const micros = (abs + 500n) / 1000n;
  const text = `$${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
  return negative ? `-${text}` : text;
}
