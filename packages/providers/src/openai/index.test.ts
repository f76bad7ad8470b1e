import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as openai from './index.js';

test('the openai folder exports exactly its public surface', () => {
  assert.deepEqual(Object.keys(openai).sort(), [
    'createOpenAIAdapter',
    'createOpenAIInboundCodec',
    'fromOpenAIUsage',
    'openaiInboundCodec',
    'toOpenAIUsage',
  ]);
  assert.equal(openai.createOpenAIAdapter().provider, 'openai');
  assert.equal(openai.createOpenAIAdapter({ provider: 'openai-compatible' }).provider, 'openai-compatible');
  assert.equal(openai.openaiInboundCodec.format, 'openai');
});
