import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidRequestError,
  RampartError,
  UpstreamError,
  type ChatResponse,
  type StreamEvent,
} from '@rampart/spec';
import { createOpenAIAdapter } from './openai-adapter.js';
import { createOpenAIInboundCodec } from './openai-inbound-codec.js';

const codec = createOpenAIInboundCodec({ now: () => 1_764_331_200_500 });
const CREATED = 1_764_331_200;

const response: ChatResponse = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'text', text: 'Let me check ' },
    { type: 'text', text: 'both.' },
    { type: 'tool_call', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 12, cacheReadTokens: 300, cacheWriteTokens: 50, outputTokens: 40 },
};

test('encodeResponse gives the exact chat.completion object', () => {
  assert.deepEqual(codec.encodeResponse(response, { model: 'my-alias', includeUsage: false }), {
    id: 'chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL',
    object: 'chat.completion',
    created: CREATED,
    model: 'my-alias',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Let me check both.',
          refusal: null,
          tool_calls: [
            {
              id: 'toolu_01',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: 362,
      completion_tokens: 40,
      total_tokens: 402,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 50 },
    },
  });
});

test('encodeResponse: content null only beside tool calls; empty text otherwise', () => {
  const onlyTool = codec.encodeResponse(
    { ...response, content: [{ type: 'tool_call', id: 'c', name: 'f', input: {} }] },
    { model: 'm', includeUsage: false },
  ) as { choices: Array<{ message: { content: unknown } }> };
  assert.equal(onlyTool.choices[0]?.message.content, null);
  const empty = codec.encodeResponse(
    { ...response, content: [], stopReason: 'max_tokens' },
    { model: 'm', includeUsage: false },
  ) as { choices: Array<{ message: { content: unknown }; finish_reason: string }> };
  assert.equal(empty.choices[0]?.message.content, '');
  assert.equal(empty.choices[0]?.finish_reason, 'length');
});

const events: StreamEvent[] = [
  { type: 'start', id: 'chatcmpl-abc', model: 'upstream-model' },
  { type: 'text_start', index: 0 },
  { type: 'text_delta', index: 0, text: 'Hi' },
  { type: 'block_end', index: 0 },
  { type: 'tool_call_start', index: 1, id: 'call_a', name: 'f' },
  { type: 'tool_call_delta', index: 1, json: '{"x":' },
  { type: 'tool_call_delta', index: 1, json: '1}' },
  { type: 'block_end', index: 1 },
  { type: 'tool_call_start', index: 2, id: 'call_b', name: 'g' },
  { type: 'block_end', index: 2 },
  { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 5, cacheReadTokens: 0, outputTokens: 7 } },
];

function chunksOf(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((line) => line !== '')
    .map((line) => {
      assert.match(line, /^data: /);
      const data = line.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

test('the stream encoder writes OpenAI chunks: role, content, tool calls by tool index, finish, usage, [DONE]', () => {
  const encoder = codec.createStreamEncoder({ model: 'my-alias', includeUsage: true });
  const sse = events.map((event) => encoder.event(event)).join('');
  const head = { id: 'chatcmpl-abc', object: 'chat.completion.chunk', created: CREATED, model: 'my-alias' };
  const delta = (d: unknown, finish: string | null = null) => ({
    ...head,
    choices: [{ index: 0, delta: d, finish_reason: finish, logprobs: null }],
    usage: null,
  });
  assert.deepEqual(chunksOf(sse), [
    delta({ role: 'assistant', content: '', refusal: null }),
    delta({ content: 'Hi' }),
    delta({
      tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }],
    }),
    delta({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
    delta({
      tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '' } }],
    }),
    delta({}, 'tool_calls'),
    {
      ...head,
      choices: [],
      usage: {
        prompt_tokens: 5,
        completion_tokens: 7,
        total_tokens: 12,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    },
    '[DONE]',
  ]);
});

test('without include_usage there is no usage field and no usage chunk', () => {
  const encoder = codec.createStreamEncoder({ model: 'm', includeUsage: false });
  const chunks = chunksOf(events.map((event) => encoder.event(event)).join(''));
  assert.equal(chunks.at(-1), '[DONE]');
  for (const chunk of chunks.slice(0, -1)) assert.equal(Object.hasOwn(chunk as object, 'usage'), false);
  assert.equal(chunks.length, 8);
});

test('what the stream encoder writes, the stream decoder reads back as the same events', async () => {
  const encoder = codec.createStreamEncoder({ model: 'upstream-model', includeUsage: true });
  const bytes = new TextEncoder().encode(events.map((event) => encoder.event(event)).join(''));
  async function* body(): AsyncGenerator<Uint8Array> {
    yield bytes;
  }
  const decoded: StreamEvent[] = [];
  for await (const event of createOpenAIAdapter().decodeStream(body(), {})) decoded.push(event);
  // The decoder cannot see block ends that OpenAI's wire does not carry; they line up here by construction.
  assert.deepEqual(decoded, events);
});

test('a mid-stream error is one data line carrying {"error"} and no [DONE]', () => {
  const encoder = codec.createStreamEncoder({ model: 'm', includeUsage: false });
  const error = new UpstreamError('overloaded', 'Overloaded', {
    provider: 'anthropic',
    responseStarted: true,
  });
  assert.equal(
    encoder.error(error, 'req_1'),
    'data: {"error":{"message":"Overloaded","type":"server_error","param":null,"code":"overloaded"}}\n\n',
  );
});

const errorRows: Array<[string, RampartError, number, string, string, Record<string, string>?]> = [
  [
    'invalid request',
    new InvalidRequestError("Missing required parameter: 'model'.", { param: 'model' }),
    400,
    'invalid_request_error',
    'invalid_request',
  ],
  [
    'unsupported content',
    new InvalidRequestError('nope', { code: 'unsupported_content', param: 'n' }),
    400,
    'invalid_request_error',
    'unsupported_content',
  ],
  [
    'authentication',
    new RampartError('authentication_failed', 'Invalid API key'),
    401,
    'authentication_error',
    'authentication_failed',
  ],
  [
    'quota',
    new RampartError('payment_required', 'Budget exhausted'),
    402,
    'insufficient_quota',
    'insufficient_quota',
  ],
  [
    'rate limit with retry-after',
    new RampartError('rate_limited', 'Too many requests', { retryAfterMs: 1200 }),
    429,
    'rate_limit_error',
    'rate_limit_exceeded',
    { 'retry-after': '2', 'retry-after-ms': '1200' },
  ],
  [
    'overloaded becomes 503',
    new UpstreamError('overloaded', 'Overloaded', { provider: 'anthropic' }),
    503,
    'server_error',
    'overloaded',
  ],
  [
    'upstream timeout',
    new UpstreamError('upstream_timeout', 'Upstream timed out', { provider: 'openai' }),
    504,
    'timeout_error',
    'upstream_timeout',
  ],
];

for (const [name, error, status, type, code, extraHeaders = {}] of errorRows) {
  test(`encodeError: ${name}`, () => {
    const encoded = codec.encodeError(error, 'req_42');
    assert.equal(encoded.status, status);
    assert.deepEqual(encoded.headers, {
      'content-type': 'application/json',
      'x-request-id': 'req_42',
      'x-should-retry': String(error.retryable),
      ...extraHeaders,
    });
    assert.deepEqual(encoded.body, {
      error: { message: error.message, type, param: error.param ?? null, code },
    });
  });
}

test('encodeError: an internal error says nothing but its request id', () => {
  const encoded = codec.encodeError(
    new RampartError('internal', 'TypeError: cannot read x of undefined'),
    'req_7',
  );
  assert.equal(encoded.status, 500);
  assert.deepEqual(encoded.body, {
    error: {
      message: 'The server had an error while processing your request. Request id: req_7.',
      type: 'server_error',
      param: null,
      code: 'internal',
    },
  });
});
