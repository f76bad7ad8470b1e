import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttemptsHeader } from './parse-attempts-header.js';

test('reads served, failed and skipped entries with status and reason', () => {
  const header =
    'anthropic/claude-sonnet-4-5-20250929=failed:429:rate_limited@3ms, ' +
    'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0=skipped:503:circuit_open@0ms, ' +
    'anthropic/claude-sonnet-4-20250514=served@12ms';
  assert.deepEqual(parseAttemptsHeader(header), [
    {
      target: 'anthropic/claude-sonnet-4-5-20250929',
      outcome: 'failed',
      status: 429,
      reason: 'rate_limited',
    },
    {
      target: 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      outcome: 'skipped',
      status: 503,
      reason: 'circuit_open',
    },
    { target: 'anthropic/claude-sonnet-4-20250514', outcome: 'served' },
  ]);
});

test('a failure without a status keeps its reason; junk and absence give nothing', () => {
  assert.deepEqual(parseAttemptsHeader('anthropic/m=failed:stream_interrupted@1ms'), [
    { target: 'anthropic/m', outcome: 'failed', reason: 'stream_interrupted' },
  ]);
  assert.deepEqual(parseAttemptsHeader('garbage'), []);
  assert.deepEqual(parseAttemptsHeader(undefined), []);
});
