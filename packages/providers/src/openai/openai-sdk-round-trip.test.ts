// The official `openai` SDK (v6) is the strictest reviewer of our inbound wire: a tiny node:http server
// answers it through openaiInboundCodec, and the SDK must parse answers, accumulate streams and raise its
// own typed errors exactly as it does against OpenAI.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import {
  RampartError,
  UpstreamError,
  toRampartError,
  type ChatRequest,
  type StreamEvent,
} from '@rampart/spec';
import { createOpenAIInboundCodec } from './openai-inbound-codec.js';

const codec = createOpenAIInboundCodec();
const received: ChatRequest[] = [];

// What the scripted model does, chosen by the last user text.
function script(request: ChatRequest): StreamEvent[] | RampartError {
  const last = request.messages.at(-1);
  const text = last?.content.find((part) => part.type === 'text');
  const prompt = text?.type === 'text' ? text.text : '';
  const start: StreamEvent = { type: 'start', id: 'chatcmpl-rt1', model: 'upstream' };
  switch (prompt) {
    case 'rate limit':
      return new UpstreamError('rate_limited', 'Rate limit reached for tokens', {
        provider: 'openai',
        retryAfterMs: 2000,
      });
    case 'tools':
      return [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Checking ' },
        { type: 'text_delta', index: 0, text: 'weather.' },
        { type: 'block_end', index: 0 },
        { type: 'tool_call_start', index: 1, id: 'call_p', name: 'get_weather' },
        { type: 'tool_call_delta', index: 1, json: '{"city":' },
        { type: 'tool_call_delta', index: 1, json: '"Paris"}' },
        { type: 'block_end', index: 1 },
        { type: 'tool_call_start', index: 2, id: 'call_z', name: 'get_weather' },
        { type: 'tool_call_delta', index: 2, json: '{"city":"Zürich"}' },
        { type: 'block_end', index: 2 },
        {
          type: 'finish',
          stopReason: 'tool_use',
          usage: { inputTokens: 20, cacheReadTokens: 1024, outputTokens: 30 },
        },
      ];
    default:
      return [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Bonjour' },
        { type: 'block_end', index: 0 },
        {
          type: 'finish',
          stopReason: 'end_turn',
          usage: { inputTokens: 9, outputTokens: 2, reasoningTokens: 0 },
        },
      ];
  }
}

function toResponse(events: StreamEvent[]) {
  const text = events.flatMap((e) => (e.type === 'text_delta' ? [e.text] : [])).join('');
  const finish = events.find((e) => e.type === 'finish');
  assert.ok(finish?.type === 'finish');
  return {
    id: 'chatcmpl-rt1',
    model: 'upstream',
    content: [{ type: 'text' as const, text }],
    stopReason: finish.stopReason,
    usage: finish.usage,
  };
}

let server: Server;
let client: OpenAI;

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const requestId = 'req_rt';
      const fail = (error: unknown): void => {
        const encoded = codec.encodeError(toRampartError(error), requestId);
        res.writeHead(encoded.status, encoded.headers).end(JSON.stringify(encoded.body));
      };
      try {
        assert.equal(req.url, '/v1/chat/completions');
        const { request, options } = codec.decodeRequest(JSON.parse(Buffer.concat(parts).toString('utf8')));
        received.push(request);
        const outcome = script(request);
        if (outcome instanceof RampartError) return fail(outcome);
        if (!request.stream) {
          res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId });
          res.end(JSON.stringify(codec.encodeResponse(toResponse(outcome), options)));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': requestId });
        const encoder = codec.createStreamEncoder(options);
        const last = request.messages.at(-1)?.content[0];
        const cutMidway = last?.type === 'text' && last.text === 'mid-stream error';
        for (const event of outcome) {
          if (cutMidway && event.type === 'block_end') {
            const error = new UpstreamError('stream_error', 'Upstream overloaded mid-stream', {
              provider: 'anthropic',
              responseStarted: true,
            });
            res.end(encoder.error(error, requestId));
            return;
          }
          res.write(encoder.event(event));
        }
        res.end();
      } catch (error) {
        fail(error);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'test-key', maxRetries: 0 });
});

after(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

test('non-streamed: the SDK parses the completion, usage included', async () => {
  const completion = await client.chat.completions.create({
    model: 'my-alias',
    messages: [
      { role: 'system', content: 'Be French.' },
      { role: 'user', content: 'hello' },
    ],
    max_completion_tokens: 50,
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'my-alias');
  assert.equal(completion.choices[0]?.message.content, 'Bonjour');
  assert.equal(completion.choices[0]?.finish_reason, 'stop');
  assert.deepEqual(completion.usage, {
    prompt_tokens: 9,
    completion_tokens: 2,
    total_tokens: 11,
    completion_tokens_details: { reasoning_tokens: 0 },
  });
  assert.deepEqual(received.at(-1)?.system, [{ type: 'text', text: 'Be French.' }]);
  assert.equal(received.at(-1)?.maxTokens, 50);
});

test('streamed with tool calls: the SDK helper accumulates text, both calls and usage', async () => {
  const stream = client.chat.completions.stream({
    model: 'my-alias',
    messages: [{ role: 'user', content: 'tools' }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    stream_options: { include_usage: true },
  });
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const final = await stream.finalChatCompletion();
  const message = final.choices[0]?.message;
  assert.equal(message?.content, 'Checking weather.');
  assert.deepEqual(
    message?.tool_calls?.map((call) =>
      call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [],
    ),
    [
      ['call_p', 'get_weather', '{"city":"Paris"}'],
      ['call_z', 'get_weather', '{"city":"Zürich"}'],
    ],
  );
  assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  assert.deepEqual(chunks.at(-1)?.usage, {
    prompt_tokens: 1044,
    completion_tokens: 30,
    total_tokens: 1074,
    prompt_tokens_details: { cached_tokens: 1024 },
  });
  assert.equal(received.at(-1)?.stream, true);
});

test('an error answer becomes the SDK typed error with status, code, type and request id', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'rate limit' }] }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError, String(error));
      assert.equal(error.status, 429);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.type, 'rate_limit_error');
      assert.equal(error.requestID, 'req_rt');
      assert.equal(error.headers.get('retry-after'), '2');
      return true;
    },
  );
});

test('a request our decoder rejects reaches the SDK as BadRequestError naming the param', async () => {
  await assert.rejects(
    client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://nope' } }] }],
    }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.param, 'messages[0].content[0].image_url.url');
      assert.equal(error.type, 'invalid_request_error');
      return true;
    },
  );
});

test('a mid-stream error makes the SDK throw while iterating, after the content it already got', async () => {
  const stream = await client.chat.completions.create({
    model: 'm',
    messages: [{ role: 'user', content: 'mid-stream error' }],
    stream: true,
  });
  const texts: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) texts.push(chunk.choices[0]?.delta.content ?? '');
    })(),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError, String(error));
      assert.match(error.message, /Upstream overloaded mid-stream/);
      assert.equal(error.code, 'stream_error');
      return true;
    },
  );
  assert.equal(texts.join(''), 'Bonjour');
});
