// The cheapest achievable bill under the documented rules, knowing the whole conversation in advance. Each
// request's canonical prompt extends the previous one (a linear conversation), so what can be cached is a
// previous request's whole prompt: at each turn the oracle reads the longest prompt it has cached and chooses
// whether to write its own (1.25× now, 0.1× on every later read) — a small dynamic program over "which
// earlier prompt is cached". Breakpoints (≤ 4) and the 20-block lookback never bind it: a read needs one
// breakpoint at the cached prompt's end and a write one at the tail. Writes need the model's minimum; turns are
// closer together than the 5-minute TTL.
import type { PriceBook } from '@rampart/gateway';

/** What the oracle needs per turn: the prompt's size (all input tokens) and the output tokens. */
export interface OracleTurn {
  promptTokens: number;
  outputTokens: number;
}

/** The oracle's bill in nano-USD and its cache figures. */
export interface OracleResult {
  costNanos: bigint;
  inputCostNanos: bigint;
  readTokens: number;
  writeTokens: number;
  uncachedTokens: number;
}

interface State extends OracleResult {
  cachedPrompt: number;
}

/** Cheapest cost of `turns` on `model`. */
export function oracleCost(
  turns: readonly OracleTurn[],
  model: string,
  prices: PriceBook,
  minCacheTokens: number,
): OracleResult {
  const priced = (usage: { inputTokens: number; cacheReadTokens: number; cacheWriteTokens: number }) =>
    prices.costOf(model, { ...usage, cacheWrite5mTokens: usage.cacheWriteTokens, outputTokens: 0 })!.nanos;
  let states: State[] = [
    { cachedPrompt: 0, costNanos: 0n, inputCostNanos: 0n, readTokens: 0, writeTokens: 0, uncachedTokens: 0 },
  ];
  turns.forEach((turn, t) => {
    const output = prices.costOf(model, { outputTokens: turn.outputTokens })!.nanos;
    const next = new Map<number, State>();
    const keep = (s: State) => {
      const existing = next.get(s.cachedPrompt);
      if (!existing || s.costNanos < existing.costNanos) next.set(s.cachedPrompt, s);
    };
    for (const s of states) {
      const read = s.cachedPrompt;
      const fresh = turn.promptTokens - read;
      const plain = priced({ inputTokens: fresh, cacheReadTokens: read, cacheWriteTokens: 0 });
      keep({
        ...s,
        costNanos: s.costNanos + plain + output,
        inputCostNanos: s.inputCostNanos + plain,
        readTokens: s.readTokens + read,
        uncachedTokens: s.uncachedTokens + fresh,
      });
      // Writing on the last turn can never pay back.
      if (turn.promptTokens >= minCacheTokens && t < turns.length - 1) {
        const written = priced({ inputTokens: 0, cacheReadTokens: read, cacheWriteTokens: fresh });
        keep({
          cachedPrompt: turn.promptTokens,
          costNanos: s.costNanos + written + output,
          inputCostNanos: s.inputCostNanos + written,
          readTokens: s.readTokens + read,
          writeTokens: s.writeTokens + fresh,
          uncachedTokens: s.uncachedTokens,
        });
      }
    }
    states = [...next.values()];
  });
  const best = states.reduce((a, b) => (b.costNanos < a.costNanos ? b : a));
  const { cachedPrompt: _c, ...result } = best;
  return result;
}
