import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totalInputTokens } from '@rampart/spec';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';

// Usage conformance: each row is an Anthropic usage object and the canonical usage it must become.
const table: Array<{ name: string; wire: unknown; canonical: object; totalInput: number | undefined }> = [
  {
    name: 'no cache fields at all: absent, not 0',
    wire: { input_tokens: 25, output_tokens: 10 },
    canonical: { inputTokens: 25, outputTokens: 10 },
    totalInput: 25,
  },
  {
    name: 'cache read: input_tokens already excludes it',
    wire: {
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 4000,
      output_tokens: 50,
    },
    canonical: { inputTokens: 12, outputTokens: 50, cacheReadTokens: 4000, cacheWriteTokens: 0 },
    totalInput: 4012,
  },
  {
    name: '5m write with TTL breakdown',
    wire: {
      input_tokens: 3,
      cache_creation_input_tokens: 2048,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 2048, ephemeral_1h_input_tokens: 0 },
      output_tokens: 7,
    },
    canonical: {
      inputTokens: 3,
      outputTokens: 7,
      cacheReadTokens: 0,
      cacheWriteTokens: 2048,
      cacheWrite5mTokens: 2048,
      cacheWrite1hTokens: 0,
    },
    totalInput: 2051,
  },
  {
    name: 'mixed 1h and 5m writes plus a read',
    wire: {
      input_tokens: 10,
      cache_creation_input_tokens: 5000,
      cache_read_input_tokens: 1024,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 4000 },
      output_tokens: 1,
    },
    canonical: {
      inputTokens: 10,
      outputTokens: 1,
      cacheReadTokens: 1024,
      cacheWriteTokens: 5000,
      cacheWrite5mTokens: 1000,
      cacheWrite1hTokens: 4000,
    },
    totalInput: 6034,
  },
  {
    name: 'nulls (newer message_delta) are absent',
    wire: {
      input_tokens: null,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      output_tokens: 99,
    },
    canonical: { outputTokens: 99 },
    totalInput: undefined,
  },
  {
    name: 'only the TTL breakdown: the total is its sum',
    wire: { input_tokens: 1, cache_creation: { ephemeral_1h_input_tokens: 300 } },
    canonical: { inputTokens: 1, cacheWriteTokens: 300, cacheWrite1hTokens: 300 },
    totalInput: 301,
  },
  { name: 'garbage is no usage', wire: 'nope', canonical: {}, totalInput: undefined },
  { name: 'negative counts are ignored', wire: { input_tokens: -1 }, canonical: {}, totalInput: undefined },
];

for (const row of table) {
  test(`usage: ${row.name}`, () => {
    const usage = convertAnthropicUsage(row.wire);
    assert.deepEqual(usage, row.canonical);
    assert.equal(totalInputTokens(usage), row.totalInput);
  });
}
