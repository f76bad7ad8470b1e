import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InvalidRequestError, UpstreamError } from '@rampart/spec';
import type { ChatRequest } from '@rampart/spec';
import { createBedrockInvokeAdapter } from './create-bedrock-invoke-adapter.js';
import {
  bodyOf,
  drain,
  eventFrame,
  exceptionFrame,
  invokeChunkFrame,
  joinBytes,
  randomChunks,
  seededRandom,
} from './__fixtures__/event-stream.js';

const NOW = new Date('2025-01-02T03:04:05Z');
const adapter = createBedrockInvokeAdapter({ clock: () => NOW });
const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const TARGET = {
  baseUrl: '',
  region: 'us-east-1',
  model: MODEL,
  credentials: { kind: 'aws-sigv4' as const, accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
};
const REQUEST: ChatRequest = {
  model: 'sonnet',
  stream: false,
  system: [{ type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  maxTokens: 100,
  user: 'u-1',
};
const STREAM = JSON.parse(
  readFileSync(new URL('./__fixtures__/invoke-stream-text.json', import.meta.url), 'utf8'),
) as unknown[];

const { maxTokens: _maxTokens, ...rest } = REQUEST;
const withoutMaxTokens: ChatRequest = { ...rest, stream: true };

test('InvokeModel request: path, body = Anthropic body without model/stream/metadata + anthropic_version, signed', async () => {
  const http = await adapter.encodeRequest(REQUEST, TARGET);
  assert.equal(http.method, 'POST');
  assert.equal(
    http.url,
    'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke',
  );
  assert.deepEqual(JSON.parse(http.body), {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 100,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  });
  assert.equal(http.headers['content-type'], 'application/json');
  assert.equal(http.headers['accept'], 'application/json');
  assert.equal(http.headers['x-amz-date'], '20250102T030405Z');
  assert.match(
    http.headers['authorization'] ?? '',
    /^AWS4-HMAC-SHA256 Credential=AKID\/20250102\/us-east-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
  );

  const streamed = await adapter.encodeRequest(withoutMaxTokens, TARGET);
  assert.match(streamed.url, /\/invoke-with-response-stream$/);
  assert.equal(streamed.headers['x-amzn-bedrock-accept'], 'application/json');
  // max_tokens defaults from the Bedrock model id (Sonnet 4.5 → 64k), not from the gateway's alias.
  assert.equal((JSON.parse(streamed.body) as { max_tokens: number }).max_tokens, 64_000);
  assert.equal('stream' in JSON.parse(streamed.body), false);
});

test('InvokeModel rejects image URLs before sending (Bedrock takes bytes only)', async () => {
  await assert.rejects(
    adapter.encodeRequest(
      {
        ...REQUEST,
        messages: [
          { role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'https://x/y.png' } }] },
        ],
      },
      TARGET,
    ),
    (error) =>
      error instanceof InvalidRequestError &&
      error.code === 'unsupported_content' &&
      error.param === 'messages[0].content[0]',
  );
});

const message = (usage: unknown) =>
  new TextEncoder().encode(
    JSON.stringify({
      id: 'msg_bdrk_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'ok' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      ...(usage === undefined ? {} : { usage }),
    }),
  );
const meter = (input?: number, output?: number, read?: number, write?: number) => {
  const headers: Record<string, string> = {};
  if (input !== undefined) headers['x-amzn-bedrock-input-token-count'] = String(input);
  if (output !== undefined) headers['x-amzn-bedrock-output-token-count'] = String(output);
  if (read !== undefined) headers['x-amzn-bedrock-cache-read-input-token-count'] = String(read);
  if (write !== undefined) headers['x-amzn-bedrock-cache-write-input-token-count'] = String(write);
  return headers;
};

test('InvokeModel usage conformance: body vs meter headers, inclusive meter, cache, absent', () => {
  const table: Array<[name: string, usage: unknown, headers: Record<string, string>, expected: object]> = [
    [
      'body and meter agree',
      { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
      meter(10, 5, 100, 20),
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 },
    ],
    [
      'meter input includes cache: body input kept, cache not counted twice',
      { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 },
      meter(130, 5, 100, 20),
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 },
    ],
    [
      'body input includes cache (body has no cache fields, meter does): the uncached figure wins',
      { input_tokens: 130, output_tokens: 5 },
      meter(10, 5, 100, 20),
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 100, cacheWriteTokens: 20 },
    ],
    [
      'body without usage: meter fills everything',
      undefined,
      meter(10, 5, 0, 0),
      { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    ],
    [
      'TTL split comes from the body only',
      {
        input_tokens: 3,
        output_tokens: 1,
        cache_creation_input_tokens: 300,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
      },
      meter(3, 1, undefined, 300),
      {
        inputTokens: 3,
        outputTokens: 1,
        cacheWriteTokens: 300,
        cacheWrite5mTokens: 100,
        cacheWrite1hTokens: 200,
      },
    ],
    ['nothing anywhere: absent, not zero', undefined, {}, {}],
    [
      'a malformed meter header is absent',
      { output_tokens: 2 },
      { 'x-amzn-bedrock-input-token-count': 'n/a' },
      { outputTokens: 2 },
    ],
  ];
  for (const [name, usage, headers, expected] of table) {
    assert.deepEqual(adapter.decodeResponse(message(usage), headers).usage, expected, name);
  }
  const response = adapter.decodeResponse(message({ input_tokens: 1, output_tokens: 1 }), {});
  assert.equal(response.id, 'msg_bdrk_1');
  assert.equal(response.model, 'claude-sonnet-4-5-20250929');
  assert.deepEqual(response.content, [{ type: 'text', text: 'ok' }]);
});

test('InvokeModel stream: random chunkings, usage from message_start/delta reconciled with invocationMetrics', async () => {
  const bytes = joinBytes(STREAM.map((event) => invokeChunkFrame(event)));
  for (let seed = 1; seed <= 30; seed++) {
    const { events, error } = await drain(
      adapter.decodeStream(bodyOf(randomChunks(bytes, seededRandom(seed))), {}),
    );
    assert.equal(error, undefined, `seed ${seed}`);
    assert.deepEqual(events, [
      {
        type: 'start',
        id: 'msg_bdrk_01abc',
        model: 'claude-sonnet-4-5-20250929',
        usage: { inputTokens: 12, outputTokens: 1, cacheReadTokens: 3000, cacheWriteTokens: 0 },
      },
      { type: 'text_start', index: 0 },
      { type: 'text_delta', index: 0, text: 'Hello' },
      { type: 'text_delta', index: 0, text: ' there' },
      { type: 'block_end', index: 0 },
      // invocationMetrics' inputTokenCount (3012) includes the 3000 cached tokens: not added again.
      {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: 12, outputTokens: 7, cacheReadTokens: 3000, cacheWriteTokens: 0 },
      },
    ]);
  }
});

test('InvokeModel stream usage: metrics fill what message_start lacked; no metrics leaves fields absent', async () => {
  const start = {
    type: 'message_start',
    message: { id: 'm', model: 'c', content: [], usage: { output_tokens: 1 } },
  };
  const stop = (metrics?: unknown) => ({
    type: 'message_stop',
    ...(metrics === undefined ? {} : { 'amazon-bedrock-invocationMetrics': metrics }),
  });
  const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } };
  const withMetrics = await drain(
    adapter.decodeStream(
      bodyOf(
        [start, delta, stop({ inputTokenCount: 50, outputTokenCount: 4, cacheReadInputTokenCount: 7 })].map(
          (e) => invokeChunkFrame(e),
        ),
      ),
      {},
    ),
  );
  assert.deepEqual(withMetrics.events.at(-1), {
    type: 'finish',
    stopReason: 'end_turn',
    usage: { outputTokens: 4, inputTokens: 50, cacheReadTokens: 7 },
  });
  const without = await drain(
    adapter.decodeStream(bodyOf([start, delta, stop()].map((e) => invokeChunkFrame(e))), {}),
  );
  assert.deepEqual(without.events.at(-1), {
    type: 'finish',
    stopReason: 'end_turn',
    usage: { outputTokens: 4 },
  });
});

test('InvokeModel stream failures: exception frames, cut before message_stop, undecodable chunk, empty', async () => {
  const head = STREAM.slice(0, 3).map((event) => invokeChunkFrame(event));
  const thrown = await drain(
    adapter.decodeStream(
      bodyOf([
        ...head,
        exceptionFrame('modelStreamErrorException', {
          message: 'boom',
          originalStatusCode: 500,
          originalMessage: 'oops',
        }),
      ]),
      { 'x-amzn-requestid': 'r-9' },
    ),
  );
  assert.ok(thrown.error instanceof UpstreamError);
  assert.equal(thrown.error.code, 'stream_error');
  assert.equal(thrown.error.retryable, true);
  assert.equal(thrown.error.responseStarted, true);
  assert.equal(thrown.error.upstreamType, 'modelStreamErrorException');
  assert.equal(thrown.error.upstreamStatus, 500);
  assert.equal(thrown.error.upstreamRequestId, 'r-9');
  assert.equal(thrown.error.provider, 'bedrock');
  assert.match(thrown.error.message, /boom.*oops/);

  const validation = await drain(
    adapter.decodeStream(bodyOf([exceptionFrame('validationException', { message: 'bad' })]), {}),
  );
  assert.ok(validation.error instanceof UpstreamError);
  assert.equal(validation.error.retryable, false);
  assert.equal(validation.error.responseStarted, false);

  const cut = await drain(adapter.decodeStream(bodyOf(head), {}));
  assert.ok(cut.error instanceof UpstreamError);
  assert.equal(cut.error.code, 'stream_interrupted');
  assert.equal(cut.error.responseStarted, true);

  const notBase64Json = await drain(
    adapter.decodeStream(bodyOf([head[0]!, eventFrame('chunk', { bytes: 'bm90IGpzb24=' })]), {}),
  );
  assert.ok(notBase64Json.error instanceof UpstreamError);
  assert.equal(notBase64Json.error.code, 'stream_error');

  const empty = await drain(adapter.decodeStream(bodyOf([]), {}));
  assert.equal((empty.error as UpstreamError).code, 'empty_response');
});

test('InvokeModel errors decode like Converse errors, with provider bedrock', () => {
  const error = adapter.decodeError(
    429,
    {
      'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'x-amzn-requestid': 'r-1',
    },
    new TextEncoder().encode('{"message":"Too many requests, please wait before trying again."}'),
  );
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.provider, 'bedrock');
  assert.equal(error.upstreamRequestId, 'r-1');
});
