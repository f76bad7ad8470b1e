// Figures for one scenario: each mode's tally, the oracle, savings and the targets, plus the printed table.
import {
  addTally,
  emptyTally,
  formatNanosUsd,
  hitRate,
  tallyOf,
  type CacheTally,
  type PriceBook,
} from '@rampart/gateway';
import { formatTable } from '../lib/format-table.js';
import type { CacheMode, TurnUsage } from './cache-client.js';
import type { OracleResult } from './cache-oracle.js';

/** The targets from the issue. */
export const TARGETS = { minHitRate: 0.9, maxOverOracle: 0.05, minTalkSavings: 0.56 };

/** One mode's figures (costs as nano-USD strings in JSON). */
export interface ModeFigures {
  hitRate: number;
  readTokens: number;
  writeTokens: number;
  uncachedTokens: number;
  outputTokens: number;
  inputCostNanos: bigint;
  costNanos: bigint;
  /** 1 − input cost / input cost without caching. */
  inputSavings: number;
  /** 1 − whole bill / whole bill without caching (output included). */
  totalSavings: number;
}

/** Tally of a run's usages on `model`. */
export function tallyRun(usages: readonly TurnUsage[], model: string, prices: PriceBook): CacheTally {
  return usages.reduce(
    (sum, u) =>
      addTally(
        sum,
        tallyOf(prices, model, {
          inputTokens: u.input,
          cacheReadTokens: u.read,
          cacheWriteTokens: u.write,
          cacheWrite5mTokens: u.write,
          outputTokens: u.output,
        }),
      ),
    emptyTally(),
  );
}

function outputNanos(t: { outputTokens: number }, model: string, prices: PriceBook): bigint {
  return prices.costOf(model, { outputTokens: t.outputTokens })!.nanos;
}

const ratio = (a: bigint, b: bigint) => (b === 0n ? 0 : Number((a * 1_000_000n) / b) / 1_000_000);

/** A mode's figures against the no-cache bill of the `off` run. */
export function modeFigures(t: CacheTally, off: CacheTally, model: string, prices: PriceBook): ModeFigures {
  const inputCost = t.costNanos - outputNanos(t, model, prices);
  const offInput = off.costNanos - outputNanos(off, model, prices);
  return {
    hitRate: hitRate(t),
    readTokens: t.readTokens,
    writeTokens: t.writeTokens,
    uncachedTokens: t.uncachedTokens,
    outputTokens: t.outputTokens,
    inputCostNanos: inputCost,
    costNanos: t.costNanos,
    inputSavings: 1 - ratio(inputCost, offInput),
    totalSavings: 1 - ratio(t.costNanos, off.costNanos),
  };
}

/** The oracle as mode-like figures. */
export function oracleFigures(
  o: OracleResult,
  off: CacheTally,
  outputTokens: number,
  model: string,
  prices: PriceBook,
): ModeFigures {
  const { readTokens, writeTokens, uncachedTokens, costNanos } = o;
  return modeFigures(
    { ...emptyTally(), readTokens, writeTokens, uncachedTokens, outputTokens, costNanos },
    off,
    model,
    prices,
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The printed table of one scenario. */
export function renderScenarioTable(
  rows: Array<[CacheMode | 'oracle', ModeFigures]>,
  oracle: ModeFigures,
): string {
  return formatTable(
    [
      { title: 'mode' },
      { title: 'hit rate', align: 'right' },
      { title: 'read tok', align: 'right' },
      { title: 'write tok', align: 'right' },
      { title: 'uncached tok', align: 'right' },
      { title: 'input cost', align: 'right' },
      { title: 'total cost', align: 'right' },
      { title: 'input saved', align: 'right' },
      { title: 'total saved', align: 'right' },
      { title: 'vs oracle (input)', align: 'right' },
    ],
    rows.map(([mode, f]) => [
      mode,
      pct(f.hitRate),
      f.readTokens.toLocaleString('en-US'),
      f.writeTokens.toLocaleString('en-US'),
      f.uncachedTokens.toLocaleString('en-US'),
      formatNanosUsd(f.inputCostNanos),
      formatNanosUsd(f.costNanos),
      pct(f.inputSavings),
      pct(f.totalSavings),
      mode === 'oracle'
        ? ''
        : `${ratio(f.inputCostNanos, oracle.inputCostNanos) >= 1 ? '+' : ''}${pct(ratio(f.inputCostNanos, oracle.inputCostNanos) - 1)}`,
    ]),
  );
}
