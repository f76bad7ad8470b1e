import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertConverseUsage } from './convert-converse-usage.js';

test('Converse usage conformance: cache read/write, inclusive input detected by totalTokens, absent stays absent', () => {
  const table: Array<[name: string, wire: Parameters<typeof convertConverseUsage>[0], expected: object]> = [
    ['absent usage', undefined, {}],
    ['no cache', { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, { inputTokens: 10, outputTokens: 5 }],
    [
      'cache read and write, input excludes cache (documented)',
      {
        inputTokens: 10,
        outputTokens: 5,
        totalTokens: 1515,
        cacheReadInputTokens: 1000,
        cacheWriteInputTokens: 500,
      },
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1000, cacheWriteTokens: 500 },
    ],
    [
      'input includes cache (total = input + output): cache subtracted once',
      {
        inputTokens: 1510,
        outputTokens: 5,
        totalTokens: 1515,
        cacheReadInputTokens: 1000,
        cacheWriteInputTokens: 500,
      },
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1000, cacheWriteTokens: 500 },
    ],
    [
      'zero cache reported is kept as 0, not dropped',
      {
        inputTokens: 10,
        outputTokens: 5,
        totalTokens: 15,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 0,
      },
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ],
    [
      'no totalTokens: cannot check, taken as documented',
      { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 1000 },
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1000 },
    ],
    [
      'cache writes split by TTL',
      {
        inputTokens: 3,
        outputTokens: 1,
        totalTokens: 304,
        cacheWriteInputTokens: 300,
        cacheDetails: [
          { ttl: '1h', inputTokens: 200 },
          { ttl: '5m', inputTokens: 100 },
        ],
      },
      {
        inputTokens: 3,
        outputTokens: 1,
        cacheWriteTokens: 300,
        cacheWrite5mTokens: 100,
        cacheWrite1hTokens: 200,
      },
    ],
    ['only output reported', { outputTokens: 9 }, { outputTokens: 9 }],
  ];
  for (const [name, wire, expected] of table) assert.deepEqual(convertConverseUsage(wire), expected, name);
});
