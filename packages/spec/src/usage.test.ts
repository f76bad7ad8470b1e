import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUsage, mergeUsage, totalInputTokens } from './index.js';

test('absent stays absent: total input only when an input class was reported', () => {
  assert.equal(totalInputTokens({ outputTokens: 5 }), undefined);
  assert.equal(totalInputTokens({ inputTokens: 0 }), 0);
  assert.equal(totalInputTokens({ inputTokens: 10, cacheReadTokens: 100, cacheWriteTokens: 5 }), 115);
});

test('a later snapshot overrides field by field, as streamed usage arrives', () => {
  const start = { inputTokens: 12, cacheReadTokens: 300, outputTokens: 1 };
  assert.deepEqual(mergeUsage(start, { outputTokens: 42 }), {
    inputTokens: 12,
    cacheReadTokens: 300,
    outputTokens: 42,
  });
});

test('adding usage sums reported fields and keeps unreported ones absent', () => {
  assert.deepEqual(addUsage({ inputTokens: 1, outputTokens: 2 }, { inputTokens: 3 }), {
    inputTokens: 4,
    outputTokens: 2,
  });
  assert.equal('reasoningTokens' in addUsage({ inputTokens: 1 }, { inputTokens: 1 }), false);
});
