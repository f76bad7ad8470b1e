import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RampartError, UpstreamError } from '@rampart/spec';
import type { ChatRequest, StreamEvent } from '@rampart/spec';
import type { UpstreamTarget } from '../provider-adapter.js';
import { createAnthropicAdapter } from './create-anthropic-adapter.js';

const adapter = createAnthropicAdapter();
const bytes = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
const target: UpstreamTarget = {
  baseUrl: 'https://api.anthropic.com',
  model: 'claude-haiku-4-5-20251001',
  credentials: { kind: 'api-key', apiKey: 'sk-ant-test' },
};

async function* chunked(data: Uint8Array, sizes: () => number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length;) {
    const size = Math.max(1, sizes());
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function* from(...chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

/** A small deterministic PRNG so a failing split can be reproduced from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

/** Collects what a stream yielded before it threw, and what it threw. */
async function collectUntilThrow(
  stream: AsyncIterable<StreamEvent>,
): Promise<[StreamEvent[], UpstreamError]> {
  const out: StreamEvent[] = [];
  try {
    for await (const event of stream) out.push(event);
  } catch (error) {
    assert.ok(error instanceof UpstreamError, String(error));
    return [out, error];
  }
  assert.fail('the stream ended without throwing');
}

test('encodeRequest: URL, headers, model from the target, stream flag, no auth for none', async () => {
  const request: ChatRequest = {
    model: 'my-alias',
    stream: true,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    temperature: 0.5,
  };
  const http = await adapter.encodeRequest(request, target);
  assert.equal(http.method, 'POST');
  assert.equal(http.url, 'https://api.anthropic.com/v1/messages');
  assert.deepEqual(http.headers, {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'anthropic-version': '2023-06-01',
    'x-api-key': 'sk-ant-test',
  });
  assert.equal(
    http.body,
    '{"model":"claude-haiku-4-5-20251001","max_tokens":64000,"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"temperature":0.5,"stream":true}',
  );
  const plain = await adapter.encodeRequest(
    { ...request, stream: false },
    { ...target, credentials: { kind: 'none' } },
  );
  assert.equal('x-api-key' in plain.headers, false);
  assert.equal(JSON.parse(plain.body).stream, undefined);
  await assert.rejects(
    adapter.encodeRequest(request, {
      ...target,
      credentials: { kind: 'aws-sigv4', accessKeyId: 'a', secretAccessKey: 'b' },
    }),
    RampartError,
  );
});

test('decodeResponse: a message decodes; a 200 carrying an error throws it', () => {
  const response = adapter.decodeResponse(bytes('message-tool-use.json'), {});
  assert.equal(response.stopReason, 'tool_use');
  assert.equal(response.usage.cacheReadTokens, 1800);
  const soft = new TextEncoder().encode(
    '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
  );
  assert.throws(
    () => adapter.decodeResponse(soft, { 'request-id': 'req_1' }),
    (e: unknown) => e instanceof UpstreamError && e.code === 'overloaded' && e.upstreamRequestId === 'req_1',
  );
  assert.throws(() => adapter.decodeResponse(new TextEncoder().encode('<html>'), {}), UpstreamError);
});

test('decodeStream: tool-use fixture yields the expected canonical events', async () => {
  const events = await collect(adapter.decodeStream(from(bytes('stream-tool-use.sse')), {}));
  assert.deepEqual(events, [
    {
      type: 'start',
      id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
      model: 'claude-sonnet-4-5-20250929',
      usage: {
        inputTokens: 472,
        outputTokens: 2,
        cacheReadTokens: 0,
        cacheWriteTokens: 1200,
        cacheWrite5mTokens: 1200,
        cacheWrite1hTokens: 0,
      },
    },
    { type: 'text_start', index: 0 },
    { type: 'text_delta', index: 0, text: 'Météo à 東京 ' },
    { type: 'text_delta', index: 0, text: '🌤️ checking…' },
    { type: 'block_end', index: 0 },
    { type: 'tool_call_start', index: 1, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
    { type: 'tool_call_delta', index: 1, json: '{"location": "東京' },
    { type: 'tool_call_delta', index: 1, json: '", "unit": "c"}' },
    { type: 'block_end', index: 1 },
    {
      type: 'finish',
      stopReason: 'tool_use',
      usage: {
        inputTokens: 472,
        outputTokens: 89,
        cacheReadTokens: 0,
        cacheWriteTokens: 1200,
        cacheWrite5mTokens: 1200,
        cacheWrite1hTokens: 0,
      },
    },
  ]);
});

for (const name of ['stream-tool-use.sse', 'stream-unknown-events.sse']) {
  test(`decodeStream: ${name} split at every byte and at random points yields identical events`, async () => {
    const data = bytes(name);
    const whole = await collect(adapter.decodeStream(from(data), {}));
    assert.deepEqual(
      await collect(
        adapter.decodeStream(
          chunked(data, () => 1),
          {},
        ),
      ),
      whole,
    );
    for (let seed = 1; seed <= 50; seed++) {
      const random = prng(seed);
      const split = await collect(
        adapter.decodeStream(
          chunked(data, () => Math.floor(random() * 40)),
          {},
        ),
      );
      assert.deepEqual(split, whole, `seed ${seed}`);
    }
  });
}

test('decodeStream: comments, pings, unknown events and a missing final blank line are tolerated', async () => {
  const events = await collect(adapter.decodeStream(from(bytes('stream-unknown-events.sse')), {}));
  assert.deepEqual(events.at(-1), {
    type: 'finish',
    stopReason: 'end_turn',
    usage: { inputTokens: 3, outputTokens: 12, cacheReadTokens: 5000 },
  });
  assert.equal(events.length, 5);
});

test('decodeStream: an in-band error after content throws with responseStarted', async () => {
  const [events, error] = await collectUntilThrow(
    adapter.decodeStream(
      chunked(bytes('stream-overloaded-midway.sse'), () => 7),
      {},
    ),
  );
  assert.deepEqual(events.at(-1), { type: 'text_delta', index: 0, text: 'Partial' });
  assert.equal(error.code, 'overloaded');
  assert.equal(error.responseStarted, true);
  assert.equal(error.upstreamRequestId, 'req_011CSHoEeqs5C35K2UUqR7Fy');
});

test('decodeStream: a cut stream throws stream_interrupted; an empty body throws empty_response', async () => {
  const [events, cut] = await collectUntilThrow(adapter.decodeStream(from(bytes('stream-cut.sse')), {}));
  assert.equal(events.length, 3);
  assert.equal(cut.code, 'stream_interrupted');
  assert.equal(cut.responseStarted, true);
  const [, empty] = await collectUntilThrow(adapter.decodeStream(from(), {}));
  assert.equal(empty.code, 'empty_response');
});

test('decodeStream: a JSON error body on a stream request is that error; other non-SSE is a stream error', async () => {
  const body = new TextEncoder().encode(
    '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}',
  );
  const [, error] = await collectUntilThrow(adapter.decodeStream(from(body), { 'retry-after': '3' }));
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.retryAfterMs, 3000);
  const [, html] = await collectUntilThrow(
    adapter.decodeStream(from(new TextEncoder().encode('<html>oops</html>')), {}),
  );
  assert.equal(html.code, 'stream_error');
});

test('decodeStream: data that is not JSON is a stream error', async () => {
  const body = new TextEncoder().encode('event: message_start\ndata: {not json\n\n');
  const [, error] = await collectUntilThrow(adapter.decodeStream(from(body), {}));
  assert.equal(error.code, 'stream_error');
});

test('decodeError: status, headers and body become one UpstreamError', () => {
  const error = adapter.decodeError(
    429,
    { 'retry-after': '12', 'request-id': 'req_9' },
    new TextEncoder().encode(
      '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}',
    ),
  );
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.status, 429);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, 12000);
  assert.equal(error.upstreamRequestId, 'req_9');
  assert.equal(error.provider, 'anthropic');
});

test('decodeStream: a body cut inside a data line is stream_interrupted, not a parse error', async () => {
  const whole = bytes('stream-tool-use.sse');
  const text = new TextDecoder().decode(whole);
  const cutAt = text.indexOf('"type":"message_stop"');
  const [, error] = await collectUntilThrow(
    adapter.decodeStream(from(new TextEncoder().encode(text.slice(0, cutAt))), {}),
  );
  assert.equal(error.code, 'stream_interrupted');
});

test('decodeStream: stream failures carry the response request-id', async () => {
  const [, cut] = await collectUntilThrow(
    adapter.decodeStream(from(bytes('stream-cut.sse')), { 'request-id': 'req_cut' }),
  );
  assert.equal(cut.upstreamRequestId, 'req_cut');
  assert.equal(cut.code, 'stream_interrupted');
  assert.equal(cut.responseStarted, true);
  const [, midway] = await collectUntilThrow(
    adapter.decodeStream(from(bytes('stream-overloaded-midway.sse')), { 'request-id': 'req_header' }),
  );
  assert.equal(midway.upstreamRequestId, 'req_011CSHoEeqs5C35K2UUqR7Fy', 'the event body names its own id');
});
