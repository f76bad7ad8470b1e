import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidRequestError, type ChatRequest, type ToolChoice } from '@rampart/spec';
import type { UpstreamTarget } from '../provider-adapter.js';
import { createOpenAIAdapter } from './openai-adapter.js';

const expectedBody = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

const target: UpstreamTarget = {
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-4.1',
  credentials: { kind: 'api-key', apiKey: 'sk-test' },
};

// One request touching every feature the wire has a place for.
const conversation: ChatRequest = {
  model: 'my-alias',
  system: [
    { type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral' } },
    { type: 'text', text: 'Answer in French.' },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in these two?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/zurich.jpg' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking up.' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_call', id: 'call_2', name: 'get_weather', input: { city: 'Zürich' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Be quick.' },
        {
          type: 'tool_result',
          toolCallId: 'call_1',
          content: [
            { type: 'text', text: '18°C, ' },
            { type: 'text', text: 'sunny' },
          ],
        },
        {
          type: 'tool_result',
          toolCallId: 'call_2',
          content: [{ type: 'text', text: 'timeout' }],
          isError: true,
        },
      ],
    },
    { role: 'assistant', content: [{ type: 'tool_call', id: 'call_3', name: 'noop', input: '{"truncat' }] },
    { role: 'user', content: [{ type: 'tool_result', toolCallId: 'call_3', content: [] }] },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Current weather',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    { name: 'noop', inputSchema: { type: 'object', properties: {} } },
  ],
  toolChoice: { type: 'any', disableParallel: true },
  maxTokens: 512,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stop: ['\n\nEND'],
  stream: true,
  user: 'end-user-7',
};

test('encodes a full conversation for OpenAI', async () => {
  const http = await createOpenAIAdapter().encodeRequest(conversation, target);
  assert.equal(http.method, 'POST');
  assert.equal(http.url, 'https://api.openai.com/v1/chat/completions');
  assert.deepEqual(http.headers, {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: 'Bearer sk-test',
  });
  assert.deepEqual(JSON.parse(http.body), expectedBody('request-openai-full.json'));
});

test('encodes the same conversation for a compatible server: max_tokens and top_k', async () => {
  const adapter = createOpenAIAdapter({ provider: 'openai-compatible' });
  const http = await adapter.encodeRequest(conversation, {
    baseUrl: 'http://127.0.0.1:11434/v1/',
    model: 'llama3.2',
    credentials: { kind: 'none' },
  });
  assert.equal(adapter.provider, 'openai-compatible');
  assert.equal(http.url, 'http://127.0.0.1:11434/v1/chat/completions');
  assert.equal(http.headers.authorization, undefined);
  assert.deepEqual(JSON.parse(http.body), expectedBody('request-compatible-full.json'));
});

test('a minimal non-streamed request carries nothing it was not given', async () => {
  const http = await createOpenAIAdapter().encodeRequest(
    { model: 'x', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: false },
    target,
  );
  assert.equal(http.headers.accept, 'application/json');
  assert.deepEqual(JSON.parse(http.body), { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
});

test('tool_choice mapping; parallel_tool_calls only with tools and never for none', async () => {
  const cases: Array<[ToolChoice, unknown, boolean | undefined]> = [
    [{ type: 'auto' }, 'auto', undefined],
    [{ type: 'auto', disableParallel: true }, 'auto', false],
    [{ type: 'any' }, 'required', undefined],
    [{ type: 'none' }, 'none', undefined],
    [
      { type: 'tool', name: 'f', disableParallel: true },
      { type: 'function', function: { name: 'f' } },
      false,
    ],
  ];
  for (const [toolChoice, wire, parallel] of cases) {
    const request: ChatRequest = {
      model: 'x',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'f', inputSchema: { type: 'object' } }],
      toolChoice,
      stream: false,
    };
    const body = JSON.parse((await createOpenAIAdapter().encodeRequest(request, target)).body);
    assert.deepEqual(body.tool_choice, wire, JSON.stringify(toolChoice));
    assert.equal(body.parallel_tool_calls, parallel, JSON.stringify(toolChoice));
    const withoutTools = JSON.parse(
      (await createOpenAIAdapter().encodeRequest({ ...request, tools: [] }, target)).body,
    );
    assert.equal('tool_choice' in withoutTools || 'parallel_tool_calls' in withoutTools, false);
  }
});

test('an image inside a tool result is unsupported content naming the part', async () => {
  const request: ChatRequest = {
    model: 'x',
    messages: [
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'screenshot', input: {} }] },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolCallId: 'c',
            content: [
              { type: 'text', text: 'here' },
              { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } },
            ],
          },
        ],
      },
    ],
    stream: false,
  };
  await assert.rejects(createOpenAIAdapter().encodeRequest(request, target), (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.code, 'unsupported_content');
    assert.equal(error.param, 'messages[1].content[0].content[1]');
    return true;
  });
});
