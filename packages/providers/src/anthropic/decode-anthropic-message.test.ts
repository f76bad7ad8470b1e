import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UpstreamError } from '@rampart/spec';
import { decodeAnthropicMessage } from './decode-anthropic-message.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

test('a tool-use message with cache usage decodes to canonical', () => {
  assert.deepEqual(decodeAnthropicMessage(fixture('message-tool-use.json'), 'anthropic'), {
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    model: 'claude-sonnet-4-5-20250929',
    content: [
      { type: 'text', text: 'Let me compute that.' },
      { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'calc', input: { expression: '6*7' } },
    ],
    stopReason: 'tool_use',
    usage: {
      inputTokens: 21,
      outputTokens: 48,
      cacheReadTokens: 1800,
      cacheWriteTokens: 320,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 320,
    },
  });
});

test('stop_sequence and the context-window stop reason', () => {
  const decoded = decodeAnthropicMessage(
    {
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      model: 'm',
      content: [
        { type: 'thinking', thinking: 'x', signature: 's' },
        { type: 'text', text: 'a' },
      ],
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
      usage: { input_tokens: 1, output_tokens: 1 },
    },
    'anthropic',
  );
  assert.equal(decoded.stopReason, 'stop_sequence');
  assert.equal(decoded.stopSequence, 'END');
  assert.deepEqual(decoded.content, [{ type: 'text', text: 'a' }], 'thinking blocks are skipped');
  assert.equal(
    decodeAnthropicMessage({ content: [], stop_reason: 'model_context_window_exceeded' }, 'a').stopReason,
    'context_window_exceeded',
  );
});

test('malformed bodies are upstream errors', () => {
  assert.throws(() => decodeAnthropicMessage({ id: 'x' }, 'anthropic'), UpstreamError);
  assert.throws(() => decodeAnthropicMessage([1], 'anthropic'), UpstreamError);
  assert.throws(
    () => decodeAnthropicMessage({ content: [{ type: 'tool_use', id: 1 }] }, 'anthropic'),
    UpstreamError,
  );
});
