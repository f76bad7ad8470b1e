import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Usage } from '@rampart/spec';
import { fromOpenAIUsage, toOpenAIUsage } from './convert-openai-usage.js';

// The conformance table: OpenAI's prompt_tokens INCLUDES cached (and cache-write) tokens; absent stays absent.
const inbound: Array<[string, unknown, Usage]> = [
  ['absent usage', undefined, {}],
  ['null usage (every streamed chunk but the last)', null, {}],
  [
    'no details (vLLM, Ollama)',
    { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    { inputTokens: 10, outputTokens: 5 },
  ],
  [
    'cached tokens are subtracted from prompt_tokens',
    { prompt_tokens: 2006, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1920 } },
    { inputTokens: 86, cacheReadTokens: 1920, outputTokens: 300 },
  ],
  [
    'a reported zero cache read stays zero (not absent)',
    { prompt_tokens: 12, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 0 } },
    { inputTokens: 12, cacheReadTokens: 0, outputTokens: 1 },
  ],
  [
    'cache writes (newer models) are subtracted too',
    {
      prompt_tokens: 5000,
      completion_tokens: 10,
      prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 3000 },
    },
    { inputTokens: 1000, cacheReadTokens: 1000, cacheWriteTokens: 3000, outputTokens: 10 },
  ],
  [
    'reasoning tokens are part of completion tokens',
    { prompt_tokens: 50, completion_tokens: 700, completion_tokens_details: { reasoning_tokens: 640 } },
    { inputTokens: 50, outputTokens: 700, reasoningTokens: 640 },
  ],
  [
    'null details objects',
    { prompt_tokens: 3, completion_tokens: 4, prompt_tokens_details: null },
    { inputTokens: 3, outputTokens: 4 },
  ],
  [
    'cached greater than prompt is clamped',
    { prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 9 } },
    { inputTokens: 0, cacheReadTokens: 9 },
  ],
  ['garbage counts are ignored', { prompt_tokens: '7', completion_tokens: -1 }, {}],
];

for (const [name, wire, usage] of inbound) {
  test(`fromOpenAIUsage: ${name}`, () => assert.deepEqual(fromOpenAIUsage(wire), usage));
}

test('toOpenAIUsage puts cache reads and writes back into prompt_tokens; details only when known', () => {
  assert.deepEqual(
    toOpenAIUsage({ inputTokens: 12, cacheReadTokens: 300, cacheWriteTokens: 50, outputTokens: 40 }),
    {
      prompt_tokens: 362,
      completion_tokens: 40,
      total_tokens: 402,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 50 },
    },
  );
  assert.deepEqual(toOpenAIUsage({ inputTokens: 5, outputTokens: 9, reasoningTokens: 4 }), {
    prompt_tokens: 5,
    completion_tokens: 9,
    total_tokens: 14,
    completion_tokens_details: { reasoning_tokens: 4 },
  });
  assert.deepEqual(toOpenAIUsage({}), { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
});

test('usage survives a round trip through the wire', () => {
  const usage: Usage = { inputTokens: 86, cacheReadTokens: 1920, outputTokens: 300, reasoningTokens: 64 };
  assert.deepEqual(fromOpenAIUsage(toOpenAIUsage(usage)), usage);
});
