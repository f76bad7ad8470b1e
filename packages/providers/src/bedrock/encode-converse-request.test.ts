import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '@rampart/spec';
import type { ChatRequest, ImagePart } from '@rampart/spec';
import { encodeConverseRequest } from './encode-converse-request.js';

const PNG = 'iVBORw0KGgo=';

const REQUEST: ChatRequest = {
  model: 'claude',
  stream: false,
  system: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral', ttl: '1h' } }],
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      cacheControl: { type: 'ephemeral' },
    },
  ],
  toolChoice: { type: 'tool', name: 'get_weather', disableParallel: true },
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Paris?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: PNG } },
      ],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_call', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } }],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'tu_1',
          isError: true,
          content: [
            { type: 'text', text: 'service down' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/webp', data: PNG } },
          ],
          cacheControl: { type: 'ephemeral', ttl: '5m' },
        },
      ],
    },
  ],
  maxTokens: 512,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stop: ['END'],
  user: 'end-user-7',
};

test('canonical → Converse: blocks, cache points after marked blocks, config, tools and top_k', () => {
  assert.deepEqual(encodeConverseRequest(REQUEST), {
    messages: [
      {
        role: 'user',
        content: [{ text: 'Weather in Paris?' }, { image: { format: 'jpeg', source: { bytes: PNG } } }],
      },
      {
        role: 'assistant',
        content: [{ toolUse: { toolUseId: 'tu_1', name: 'get_weather', input: { city: 'Paris' } } }],
      },
      {
        role: 'user',
        content: [
          {
            toolResult: {
              toolUseId: 'tu_1',
              content: [{ text: 'service down' }, { image: { format: 'webp', source: { bytes: PNG } } }],
              status: 'error',
            },
          },
          { cachePoint: { type: 'default' } },
        ],
      },
    ],
    system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default', ttl: '1h' } }],
    inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    toolConfig: {
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather for a city',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        },
        { cachePoint: { type: 'default' } },
      ],
      toolChoice: { tool: { name: 'get_weather' } },
    },
    additionalModelRequestFields: { top_k: 40 },
  });
});

test('a minimal request has no empty optional sections', () => {
  assert.deepEqual(
    encodeConverseRequest({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    }),
    { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
  );
});

test('tool choice auto/any map; none drops the tools unless the history already uses them', () => {
  const tools = [{ name: 't', inputSchema: { type: 'object' } }];
  const plain: ChatRequest = {
    model: 'm',
    stream: false,
    tools,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }],
  };
  assert.deepEqual(
    (
      encodeConverseRequest({ ...plain, toolChoice: { type: 'auto' } })['toolConfig'] as {
        toolChoice: unknown;
      }
    ).toolChoice,
    { auto: {} },
  );
  assert.deepEqual(
    (
      encodeConverseRequest({ ...plain, toolChoice: { type: 'any' } })['toolConfig'] as {
        toolChoice: unknown;
      }
    ).toolChoice,
    { any: {} },
  );
  assert.equal(encodeConverseRequest({ ...plain, toolChoice: { type: 'none' } })['toolConfig'], undefined);

  const withHistory: ChatRequest = {
    ...plain,
    toolChoice: { type: 'none' },
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'a', name: 't', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', toolCallId: 'a', content: [{ type: 'text', text: 'ok' }] }],
      },
    ],
  };
  assert.deepEqual(encodeConverseRequest(withHistory)['toolConfig'], {
    tools: [{ toolSpec: { name: 't', inputSchema: { json: { type: 'object' } } } }],
  });
});

test('image URLs and unknown image types are unsupported_content naming the part', () => {
  const withImage = (image: ImagePart): ChatRequest => ({
    model: 'm',
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, image] }],
  });
  const images: ImagePart[] = [
    { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' } },
    { type: 'image', source: { kind: 'base64', mediaType: 'image/tiff', data: PNG } },
  ];
  for (const part of images) {
    assert.throws(
      () => encodeConverseRequest(withImage(part)),
      (error) =>
        error instanceof InvalidRequestError &&
        error.code === 'unsupported_content' &&
        error.param === 'messages[0].content[1]',
    );
  }
});
