import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { prose } from './__fixtures__/cache-requests.js';
import { countTokensUpTo } from './prompt-cache-tokens.js';

test('piecewise counting stays within 1% of a whole-text count on prose and JSON', () => {
  for (const text of [
    prose(3000),
    JSON.stringify({ rows: Array.from({ length: 300 }, (_, i) => ({ id: i, name: prose(5, i) })) }),
  ]) {
    const whole = countTokens(text);
    const pieces = countTokensUpTo(text, Number.MAX_SAFE_INTEGER);
    assert.ok(Math.abs(pieces - whole) / whole < 0.01, `${pieces} vs ${whole}`);
  }
});

test('counting stops at the cap and stays fast on pathological input (one 200K-character word)', () => {
  const started = performance.now();
  assert.equal(countTokensUpTo('x'.repeat(200_000), 5_000), 5_000);
  assert.equal(countTokensUpTo('x'.repeat(200_000), Number.MAX_SAFE_INTEGER), 25_000);
  assert.ok(performance.now() - started < 2_000, 'bounded work');
  assert.equal(countTokensUpTo('', 10), 0);
  assert.equal(countTokensUpTo('hello', 0), 0);
});
