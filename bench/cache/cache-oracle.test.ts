import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPriceBook } from '@rampart/gateway';
import { oracleCost } from './cache-oracle.js';

const prices = createPriceBook();

test("the talk's three requests: write 25K, then read what the previous request wrote", () => {
  const turns = [25_000, 30_000, 35_000].map((promptTokens) => ({ promptTokens, outputTokens: 0 }));
  const result = oracleCost(turns, 'claude-sonnet-4', prices, 1024);
  // 25K × 3.75 + (25K × 0.30 + 5K × 3.75) + (30K × 0.30 + 5K × 3.00): the last turn writes nothing.
  assert.equal(result.costNanos, 93_750_000n + 7_500_000n + 18_750_000n + 9_000_000n + 15_000_000n);
  assert.deepEqual([result.readTokens, result.writeTokens, result.uncachedTokens], [55_000, 30_000, 5_000]);
});

test('a single request, or prompts under the minimum, are never written', () => {
  const one = oracleCost([{ promptTokens: 50_000, outputTokens: 10 }], 'claude-sonnet-4', prices, 1024);
  assert.equal(one.writeTokens, 0);
  assert.equal(one.costNanos, 150_000_000n + 150_000n);
  const short = oracleCost(
    [500, 800, 900].map((p) => ({ promptTokens: p, outputTokens: 0 })),
    'claude-sonnet-4',
    prices,
    1024,
  );
  assert.equal(short.readTokens + short.writeTokens, 0);
});

test('once prompts reach the minimum, writing starts', () => {
  const result = oracleCost(
    [500, 2_000, 2_100].map((p) => ({ promptTokens: p, outputTokens: 0 })),
    'claude-sonnet-4',
    prices,
    1024,
  );
  assert.equal(result.writeTokens, 2_000);
  assert.equal(result.readTokens, 2_000);
});
