// What caching did for a set of calls: tokens by class, exact cost, and cost had nothing been cached. The
// gateway's metrics and the cache bench both sum these, so the figures an operator sees and the bench prints
// are computed one way.
import type { Usage } from '@rampart/spec';
import type { PriceBook } from '../pricing/price-book.js';

/** Cache figures summed over calls. Costs in nano-USD (zero for unpriced models). */
export interface CacheTally {
  calls: number;
  readTokens: number;
  writeTokens: number;
  /** Input tokens neither read nor written. */
  uncachedTokens: number;
  outputTokens: number;
  costNanos: bigint;
  /** The same calls priced as if nothing had been cached. */
  noCacheCostNanos: bigint;
}

/** A tally of nothing. */
export function emptyTally(): CacheTally {
  return {
    calls: 0,
    readTokens: 0,
    writeTokens: 0,
    uncachedTokens: 0,
    outputTokens: 0,
    costNanos: 0n,
    noCacheCostNanos: 0n,
  };
}

/** The tally of one call. */
export function tallyOf(prices: PriceBook, model: string, usage: Usage): CacheTally {
  return {
    calls: 1,
    readTokens: usage.cacheReadTokens ?? 0,
    writeTokens: usage.cacheWriteTokens ?? 0,
    uncachedTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    costNanos: prices.costOf(model, usage)?.nanos ?? 0n,
    noCacheCostNanos: prices.costWithoutCache(model, usage)?.nanos ?? 0n,
  };
}

/** Sum of two tallies. */
export function addTally(a: CacheTally, b: CacheTally): CacheTally {
  return {
    calls: a.calls + b.calls,
    readTokens: a.readTokens + b.readTokens,
    writeTokens: a.writeTokens + b.writeTokens,
    uncachedTokens: a.uncachedTokens + b.uncachedTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costNanos: a.costNanos + b.costNanos,
    noCacheCostNanos: a.noCacheCostNanos + b.noCacheCostNanos,
  };
}

/** Every input token of the calls: read, written or neither (all of them could have been cached). */
export function cacheableTokens(t: CacheTally): number {
  return t.readTokens + t.writeTokens + t.uncachedTokens;
}

/** Cache-read tokens / cacheable input tokens (0 when there was no input). */
export function hitRate(t: CacheTally): number {
  const all = cacheableTokens(t);
  return all === 0 ? 0 : t.readTokens / all;
}

/** Money saved against no caching, in nano-USD (negative while writes have not yet paid back). */
export function savedNanos(t: CacheTally): bigint {
  return t.noCacheCostNanos - t.costNanos;
}
