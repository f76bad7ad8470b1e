import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOf, createPriceBook, formatNanosUsd, usdPerMillionToNanos } from './price-book.js';
import { normalizeModelId } from './pricing-model-id.js';

test('model ids in every upstream spelling map to one priced family', () => {
  for (const id of [
    'claude-sonnet-4-5-20250929',
    'claude-sonnet-4-5',
    'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    'anthropic.claude-sonnet-4-5-20250929-v1:0',
    'arn:aws:bedrock:us-east-1:123:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  ])
    assert.equal(normalizeModelId(id), 'claude-sonnet-4-5', id);
  assert.equal(normalizeModelId('claude-sonnet-4-0'), 'claude-sonnet-4');
  assert.equal(normalizeModelId('gpt-4o-2024-08-06'), 'gpt-4o');
  assert.equal(normalizeModelId('gpt-4o-mini'), 'gpt-4o-mini');
});

test('the talk case: 25K input at Sonnet 4 list price is exactly $0.075', () => {
  const cost = costOf('claude-sonnet-4-20250514', { inputTokens: 25_000 });
  assert.equal(cost?.nanos, 75_000_000n);
});

test('each token class has its own price; TTLs are priced apart; the unlabelled write rest is 5m', () => {
  const cost = costOf('claude-sonnet-4-5', {
    inputTokens: 1_000,
    cacheReadTokens: 20_000,
    cacheWriteTokens: 7_000,
    cacheWrite5mTokens: 2_000,
    cacheWrite1hTokens: 1_000,
    outputTokens: 500,
  });
  assert.deepEqual(cost?.breakdown, {
    input: 3_000_000n, // 1000 × 3000 nanos
    cacheRead: 6_000_000n, // 20000 × 300
    cacheWrite: (2_000n + 4_000n) * 3_750n + 1_000n * 6_000n,
    output: 7_500_000n,
  });
  assert.equal(cost?.nanos, 3_000_000n + 6_000_000n + 22_500_000n + 6_000_000n + 7_500_000n);
});

test('sums stay exact where floats drift: a million 1-token cache reads at $0.30/M is exactly $0.30', () => {
  let sum = 0n;
  let float = 0;
  for (let i = 0; i < 1_000_000; i++) {
    sum += costOf('claude-sonnet-4-5', { cacheReadTokens: 1 })!.nanos;
    float += 0.3 / 1e6;
  }
  assert.equal(sum, 300_000_000n);
  assert.notEqual(float, 0.3); // the reason prices are integers
});

test('without caching, every input token is priced as plain input', () => {
  const book = createPriceBook();
  const usage = { inputTokens: 5_000, cacheReadTokens: 20_000, cacheWriteTokens: 0, outputTokens: 0 };
  assert.equal(book.costWithoutCache('claude-sonnet-4', usage)?.nanos, 75_000_000n);
  assert.equal(book.costOf('claude-sonnet-4', usage)?.nanos, 15_000_000n + 6_000_000n);
});

test('overrides replace or add models; unknown models have no price; bad prices are refused', () => {
  const book = createPriceBook({
    'claude-sonnet-4-5-20250929': { input: 2, output: 10, cacheRead: 0.2, cacheWrite5m: 2.5 },
    'my-local-model': { input: 0, output: 0, cacheRead: 0 },
  });
  assert.equal(
    book.costOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0', { inputTokens: 1_000_000 })?.nanos,
    2_000_000_000n,
  );
  // No 1h price given: a 1h write costs the 5m price rather than nothing.
  assert.equal(
    book.costOf('claude-sonnet-4-5', { cacheWriteTokens: 10, cacheWrite1hTokens: 10 })?.nanos,
    25_000n,
  );
  assert.equal(book.costOf('my-local-model', { inputTokens: 10 })?.nanos, 0n);
  assert.equal(book.costOf('mystery-model', { inputTokens: 10 }), undefined);
  assert.equal(book.has('mystery-model'), false);
  assert.throws(() => usdPerMillionToNanos(0.0001), RangeError);
  assert.throws(() => usdPerMillionToNanos(-1), RangeError);
  assert.equal(usdPerMillionToNanos(0.075), 75n);
});

test('display rounds to micro-USD', () => {
  assert.equal(formatNanosUsd(118_500_000n), '$0.118500');
  assert.equal(formatNanosUsd(1_499n), '$0.000001');
  assert.equal(formatNanosUsd(-2_000_000_000n), '-$2.000000');
});
