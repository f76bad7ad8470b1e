// The official @anthropic-ai/sdk is the reviewer of our inbound wire: it talks to a tiny server that
// answers only through anthropicInboundCodec. Streams come from SSE fixtures run through our own outbound
// adapter, so the loop is upstream bytes → canonical → client bytes → SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { RampartError, UpstreamError, toRampartError } from '@rampart/spec';
import type { ChatRequest, ChatResponse, StreamEvent } from '@rampart/spec';
import { anthropicInboundCodec } from './anthropic-inbound-codec.js';
import { checkAnthropicVersionRules } from './check-anthropic-version-rules.js';
import { createAnthropicAdapter } from './create-anthropic-adapter.js';

/** What the scripted server answers next: a response, a stream (that may fail), or an error. */
type Script =
  | { kind: 'response'; response: ChatResponse }
  | { kind: 'stream'; events: AsyncIterable<StreamEvent> }
  | { kind: 'error'; error: RampartError };

let script: Script;
const seen: Array<{ request: ChatRequest; headers: IncomingMessage['headers'] }> = [];
let server: Server;
let client: Anthropic;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(res: ServerResponse, error: RampartError): void {
  const encoded = anthropicInboundCodec.encodeError(error, 'req_test');
  res.writeHead(encoded.status, encoded.headers).end(JSON.stringify(encoded.body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    assert.equal(req.url, '/v1/messages');
    const body: unknown = JSON.parse(await readBody(req));
    const version = req.headers['anthropic-version'];
    checkAnthropicVersionRules(typeof version === 'string' ? version : undefined, body);
    const { request, options } = anthropicInboundCodec.decodeRequest(body);
    seen.push({ request, headers: req.headers });
    if (script.kind === 'error') return sendError(res, script.error);
    if (script.kind === 'response') {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_test' });
      res.end(JSON.stringify(anthropicInboundCodec.encodeResponse(script.response, options)));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_test' });
    const encoder = anthropicInboundCodec.createStreamEncoder(options);
    try {
      for await (const event of script.events) res.write(encoder.event(event));
    } catch (error) {
      res.write(encoder.error(toRampartError(error), 'req_test'));
    }
    res.end();
  } catch (error) {
    sendError(res, toRampartError(error));
  }
}

before(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'sk-test', maxRetries: 0 });
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fixtureStream = (name: string): AsyncIterable<StreamEvent> => {
  async function* body() {
    yield new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
  }
  return createAnthropicAdapter().decodeStream(body(), {});
};

test('non-stream: the SDK sends a request we decode and parses our response, cache usage included', async () => {
  script = {
    kind: 'response',
    response: {
      id: 'chatcmpl-abc123',
      model: 'claude-sonnet-4-5-20250929',
      content: [
        { type: 'text', text: 'Sure.' },
        { type: 'tool_call', id: 'toolu_9', name: 'lookup', input: { q: 'x' } },
      ],
      stopReason: 'tool_use',
      usage: {
        inputTokens: 5,
        outputTokens: 20,
        cacheReadTokens: 3000,
        cacheWriteTokens: 100,
        cacheWrite1hTokens: 100,
      },
    },
  };
  const message = await client.messages.create({
    model: 'claude-sonnet-4-5',
    max_tokens: 300,
    system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral', ttl: '1h' } }],
    tools: [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
    messages: [{ role: 'user', content: 'find x' }],
    metadata: { user_id: 'end-user-7' },
  });
  const { request, headers } = seen.at(-1)!;
  assert.equal(request.maxTokens, 300);
  assert.equal(request.user, 'end-user-7');
  assert.deepEqual(request.system, [
    { type: 'text', text: 'sys', cacheControl: { type: 'ephemeral', ttl: '1h' } },
  ]);
  assert.equal(headers['anthropic-version'], '2026-10-21');

  assert.equal(message.id, 'msg_chatcmpl-abc123');
  assert.equal(message.type, 'message');
  assert.equal(message.stop_reason, 'tool_use');
  assert.equal(message.stop_sequence, null);
  assert.deepEqual(message.content, [
    { type: 'text', text: 'Sure.' },
    { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'x' } },
  ]);
  assert.deepEqual(message.usage, {
    input_tokens: 5,
    cache_creation_input_tokens: 100,
    cache_read_input_tokens: 3000,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 100 },
    output_tokens: 20,
  });
});

test('stream with tool use: finalMessage() rebuilds text, parsed tool input and merged usage', async () => {
  script = { kind: 'stream', events: fixtureStream('stream-tool-use.sse') };
  const stream = client.messages.stream({
    model: 'claude-sonnet-4-5',
    max_tokens: 300,
    messages: [{ role: 'user', content: 'weather in Tokyo?' }],
    tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
  });
  const texts: string[] = [];
  stream.on('text', (delta) => texts.push(delta));
  const message = await stream.finalMessage();
  assert.equal(seen.at(-1)!.request.stream, true);
  assert.equal(texts.join(''), 'Météo à 東京 🌤️ checking…');
  assert.equal(message.id, 'msg_014p7gG3wDgGV9EUtLvnow3U');
  assert.equal(message.stop_reason, 'tool_use');
  assert.deepEqual(message.content[1], {
    type: 'tool_use',
    id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
    name: 'get_weather',
    input: { location: '東京', unit: 'c' },
  });
  assert.equal(message.usage.output_tokens, 89);
  assert.equal(message.usage.input_tokens, 472);
  assert.equal(message.usage.cache_creation_input_tokens, 1200);
});

test('errors become the SDK typed error with the right status, request id and message', async () => {
  script = {
    kind: 'error',
    error: new UpstreamError('rate_limited', 'slow down', { provider: 'anthropic', retryAfterMs: 2500 }),
  };
  await assert.rejects(
    client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) =>
      e instanceof Anthropic.RateLimitError &&
      e.status === 429 &&
      e.requestID === 'req_test' &&
      e.headers.get('retry-after') === '3' &&
      /slow down/.test(e.message),
  );
  script = { kind: 'error', error: new UpstreamError('overloaded', 'Overloaded', { provider: 'anthropic' }) };
  await assert.rejects(
    client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (e: unknown) => e instanceof Anthropic.InternalServerError && e.status === 529,
  );
});

test('our request validation reaches the SDK as a BadRequestError naming the field', async () => {
  script = { kind: 'error', error: new RampartError('internal', 'unreachable') };
  // The SDK sends anthropic-version 2026-10-21, under which temperature is refused.
  await assert.rejects(
    // The SDK's own types no longer offer temperature; older callers still send it.
    client.messages.create({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
      ...{ temperature: 0.3 },
    } as Anthropic.MessageCreateParamsNonStreaming),
    (e: unknown) => e instanceof Anthropic.BadRequestError && /temperature/.test(e.message),
  );
  await assert.rejects(
    client.messages.create({
      model: 'm',
      max_tokens: 5,
      messages: [
        {
          role: 'user',
          content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'd' } }],
        },
      ],
    }),
    (e: unknown) => e instanceof Anthropic.BadRequestError && /messages\.0\.content\.0\.type/.test(e.message),
  );
});

test('x-should-retry: false stops the SDK retrying a spend-limit 429', async () => {
  const retrying = new Anthropic({ baseURL: client.baseURL, apiKey: 'sk-test', maxRetries: 2 });
  script = {
    kind: 'error',
    error: new UpstreamError('rate_limited', 'spend limit', { provider: 'anthropic', retryable: false }),
  };
  const before = seen.length;
  await assert.rejects(
    retrying.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    Anthropic.RateLimitError,
  );
  assert.equal(seen.length - before, 1);
});

test('a mid-stream error reaches the SDK as an APIError after the partial text', async () => {
  script = { kind: 'stream', events: fixtureStream('stream-overloaded-midway.sse') };
  const stream = client.messages.stream({
    model: 'm',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'x' }],
  });
  const texts: string[] = [];
  stream.on('text', (delta) => texts.push(delta));
  await assert.rejects(
    stream.finalMessage(),
    (e: unknown) => e instanceof Anthropic.APIError && /Overloaded/.test(e.message),
  );
  assert.deepEqual(texts, ['Partial']);
});

test('a cut upstream stream is never a clean end for the SDK', async () => {
  script = { kind: 'stream', events: fixtureStream('stream-cut.sse') };
  const stream = client.messages.stream({
    model: 'm',
    max_tokens: 5,
    messages: [{ role: 'user', content: 'x' }],
  });
  await assert.rejects(stream.finalMessage(), Anthropic.APIError);
});
