import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as anthropic from './index.js';

// The public surface is a contract with the Bedrock adapter and the gateway: changing it is deliberate.
test('anthropic/index.ts exports exactly the documented surface', () => {
  assert.deepEqual(Object.keys(anthropic).sort(), [
    'ANTHROPIC_OUTBOUND_VERSION',
    'FALLBACK_ANTHROPIC_MAX_TOKENS',
    'SAMPLING_REMOVED_IN',
    'anthropicErrorForCode',
    'anthropicInboundCodec',
    'checkAnthropicVersionRules',
    'codeForAnthropicErrorType',
    'convertAnthropicUsage',
    'createAnthropicAdapter',
    'createAnthropicEventDecoder',
    'decodeAnthropicErrorBody',
    'decodeAnthropicMessage',
    'defaultAnthropicMaxTokens',
    'encodeAnthropicMessagesBody',
    'fromAnthropicStopReason',
    'toAnthropicStopReason',
  ]);
  assert.equal(anthropic.anthropicInboundCodec.format, 'anthropic');
  assert.equal(anthropic.createAnthropicAdapter().provider, 'anthropic');
});
