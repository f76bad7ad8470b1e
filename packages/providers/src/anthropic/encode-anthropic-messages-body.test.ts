import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ChatRequest } from '@rampart/spec';
import { encodeAnthropicMessagesBody } from './encode-anthropic-messages-body.js';
import { defaultAnthropicMaxTokens } from './default-anthropic-max-tokens.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8').trim();

const conversation: ChatRequest = {
  model: 'claude-sonnet-4-5',
  stream: false,
  maxTokens: 1024,
  system: [
    { type: 'text', text: 'You are a careful analyst.' },
    { type: 'text', text: '<long reference document>', cacheControl: { type: 'ephemeral', ttl: '1h' } },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Chart this.' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        {
          type: 'image',
          source: { kind: 'url', url: 'https://example.com/a.png' },
          cacheControl: { type: 'ephemeral' },
        },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Running the numbers.' },
        { type: 'text', text: '' },
        { type: 'tool_call', id: 'toolu_01', name: 'run_cell', input: { code: '1+1' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'toolu_01',
          content: [{ type: 'text', text: '2' }],
          isError: false,
          cacheControl: { type: 'ephemeral', ttl: '5m' },
        },
        { type: 'tool_result', toolCallId: 'toolu_02', content: [] },
        { type: 'text', text: 'Thanks' },
      ],
    },
  ],
  tools: [
    {
      name: 'run_cell',
      description: 'Run Python',
      inputSchema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
    },
    { name: 'search', inputSchema: { type: 'object' }, cacheControl: { type: 'ephemeral', ttl: '1h' } },
  ],
  toolChoice: { type: 'any', disableParallel: true },
  stop: ['END'],
  temperature: 0.2,
  topK: 40,
  user: 'user-123',
};

test('a cached conversation encodes byte-for-byte as the fixture (cache_control where the client put it)', () => {
  // Re-serialising the fixture keeps its key order (so this is still a byte comparison) while the file
  // may stay pretty-printed for review.
  const expected = JSON.stringify(JSON.parse(fixture('body-cached-conversation.json')));
  assert.equal(JSON.stringify(encodeAnthropicMessagesBody(conversation)), expected);
});

test('encoding is a pure function: a longer conversation keeps the earlier turns byte-identical', () => {
  const first = JSON.stringify(encodeAnthropicMessagesBody(conversation));
  const longer: ChatRequest = {
    ...conversation,
    messages: [
      ...conversation.messages,
      { role: 'assistant', content: [{ type: 'text', text: 'You are welcome.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Again?' }] },
    ],
  };
  const second = JSON.stringify(encodeAnthropicMessagesBody(longer));
  const prefix = first.slice(0, first.indexOf(']}],"tools"') + 2);
  assert.ok(second.startsWith(prefix), 'the earlier turns must be an exact byte prefix');
  assert.equal(JSON.stringify(encodeAnthropicMessagesBody(conversation)), first);
});

test('no model or stream in the body; max_tokens defaults per model family', () => {
  const body = encodeAnthropicMessagesBody({
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    stream: true,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  });
  assert.deepEqual(body, {
    max_tokens: 64000,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  });
  assert.equal(defaultAnthropicMaxTokens('claude-3-5-haiku-20241022'), 8192);
  assert.equal(defaultAnthropicMaxTokens('claude-opus-4-1-20250805'), 32000);
  assert.equal(defaultAnthropicMaxTokens('some-local-model'), 4096);
});

test('tool_choice variants', () => {
  const base: ChatRequest = { model: 'm', stream: false, messages: [] };
  const choice = (toolChoice: ChatRequest['toolChoice']) =>
    encodeAnthropicMessagesBody({ ...base, ...(toolChoice ? { toolChoice } : {}) })['tool_choice'];
  assert.deepEqual(choice({ type: 'none' }), { type: 'none' });
  assert.deepEqual(choice({ type: 'auto' }), { type: 'auto' });
  assert.deepEqual(choice({ type: 'tool', name: 'x', disableParallel: false }), {
    type: 'tool',
    name: 'x',
    disable_parallel_tool_use: false,
  });
});
