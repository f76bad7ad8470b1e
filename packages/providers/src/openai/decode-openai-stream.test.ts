import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UpstreamError, type StreamEvent } from '@rampart/spec';
import { createOpenAIAdapter } from './openai-adapter.js';
import { OpenAISseOverflowError, readOpenAISse } from './read-openai-sse.js';

const fixture = (name: string): Uint8Array =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

// Deterministic PRNG so a failing split can be reproduced from the seed in the message.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
}

type Outcome = { events: StreamEvent[]; error?: { code: string; responseStarted: boolean; message: string } };

// Ids the decoder invents for servers that send none are random; compare them by shape.
function normalize(event: StreamEvent): StreamEvent {
  if (
    (event.type === 'start' || event.type === 'tool_call_start') &&
    /^(chatcmpl|call)-[0-9a-f]{32}$/.test(event.id)
  ) {
    return { ...event, id: '<generated>' };
  }
  return event;
}

async function run(
  bytes: Uint8Array,
  cuts: number[],
  provider = 'openai',
  headers: Record<string, string> = {},
): Promise<Outcome> {
  const events: StreamEvent[] = [];
  const adapter = createOpenAIAdapter({ provider });
  try {
    for await (const event of adapter.decodeStream(chunks(bytes, cuts), headers))
      events.push(normalize(event));
  } catch (error) {
    assert.ok(error instanceof UpstreamError, `expected UpstreamError, got ${String(error)}`);
    return {
      events,
      error: { code: error.code, responseStarted: error.responseStarted, message: error.message },
    };
  }
  return { events };
}

const start = {
  type: 'start',
  id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
  model: 'gpt-4o-2024-08-06',
} as const;

const expected: Record<string, { provider?: string; outcome: Outcome }> = {
  'stream-text.sse': {
    outcome: {
      events: [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Grüße ' },
        { type: 'text_delta', index: 0, text: 'from 東京 🚀' },
        { type: 'text_delta', index: 0, text: '!' },
        { type: 'block_end', index: 0 },
        {
          type: 'finish',
          stopReason: 'end_turn',
          usage: { inputTokens: 86, cacheReadTokens: 1920, outputTokens: 300, reasoningTokens: 64 },
        },
      ],
    },
  },
  'stream-tool-calls.sse': {
    outcome: {
      events: [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Checking both cities.' },
        { type: 'block_end', index: 0 },
        { type: 'tool_call_start', index: 1, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather' },
        { type: 'tool_call_delta', index: 1, json: '{"loc' },
        { type: 'tool_call_delta', index: 1, json: 'ation": "Paris"}' },
        { type: 'block_end', index: 1 },
        { type: 'tool_call_start', index: 2, id: 'call_ABC', name: 'get_weather' },
        { type: 'tool_call_delta', index: 2, json: '{"location": "Zürich"}' },
        { type: 'block_end', index: 2 },
        {
          type: 'finish',
          stopReason: 'tool_use',
          usage: { inputTokens: 82, cacheReadTokens: 0, outputTokens: 40, reasoningTokens: 0 },
        },
      ],
    },
  },
  'stream-compatible-no-done.sse': {
    provider: 'openai-compatible',
    outcome: {
      events: [
        { type: 'start', id: '<generated>', model: 'llama3.2' },
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Hi' },
        { type: 'text_delta', index: 0, text: ' there' },
        { type: 'block_end', index: 0 },
        // No usage reported: absent, not zeros.
        { type: 'finish', stopReason: 'end_turn', usage: {} },
      ],
    },
  },
  'stream-done-no-finish.sse': {
    provider: 'openai-compatible',
    outcome: {
      events: [
        { type: 'start', id: 'cmpl-7f1', model: 'Qwen/Qwen3-8B' },
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'ok' },
        { type: 'block_end', index: 0 },
        { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 1 } },
      ],
    },
  },
  'stream-error-midway.sse': {
    outcome: {
      events: [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Partial ans' },
      ],
      error: {
        code: 'stream_error',
        responseStarted: true,
        message: 'The server had an error while processing your request. Sorry about that!',
      },
    },
  },
  'stream-error-first.sse': {
    outcome: {
      events: [],
      error: { code: 'stream_error', responseStarted: false, message: 'Rate limit reached for gpt-4o' },
    },
  },
  'stream-cut.sse': {
    outcome: {
      events: [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Grüße ' },
        { type: 'text_delta', index: 0, text: 'from 東京 🚀' },
      ],
      error: {
        code: 'stream_interrupted',
        responseStarted: true,
        message: 'upstream stream was cut inside an event',
      },
    },
  },
  'stream-cut-after-finish.sse': {
    outcome: {
      events: [
        start,
        { type: 'text_start', index: 0 },
        { type: 'text_delta', index: 0, text: 'Grüße ' },
        { type: 'text_delta', index: 0, text: 'from 東京 🚀' },
        { type: 'text_delta', index: 0, text: '!' },
        { type: 'block_end', index: 0 },
      ],
      error: {
        code: 'stream_interrupted',
        responseStarted: true,
        message: 'upstream stream ended after finish_reason but before [DONE]; its usage is lost',
      },
    },
  },
  'stream-empty.sse': {
    outcome: {
      events: [],
      error: {
        code: 'empty_response',
        responseStarted: false,
        message: 'upstream stream ended without any chunk',
      },
    },
  },
};

for (const [name, { provider, outcome }] of Object.entries(expected)) {
  test(`${name}: decodes to the expected events`, async () => {
    assert.deepEqual(await run(fixture(name), [], provider), outcome);
  });

  test(`${name}: every split of the bytes yields the same events`, async () => {
    const bytes = fixture(name);
    // Every cut next to a line break or inside a multi-byte character, a sample of the rest, then byte by
    // byte, then random multi-cut splits. (Every cut point everywhere is O(n²) and adds nothing these miss.)
    const special = (i: number): boolean => {
      const byte = bytes[i];
      return byte !== undefined && (byte === 0x0a || byte === 0x0d || byte >= 0x80);
    };
    for (let cut = 0; cut <= bytes.length; cut++) {
      if (cut % 11 !== 0 && !special(cut - 1) && !special(cut) && !special(cut + 1)) continue;
      assert.deepEqual(await run(bytes, [cut], provider), outcome, `cut at ${cut}`);
    }
    const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
    assert.deepEqual(await run(bytes, everyByte, provider), outcome, 'byte by byte');
    for (let seed = 1; seed <= 50; seed++) {
      const random = mulberry32(seed);
      const cuts = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        Math.floor(random() * bytes.length),
      );
      cuts.sort((a, b) => a - b);
      assert.deepEqual(await run(bytes, cuts, provider), outcome, `seed ${seed}, cuts ${cuts.join(',')}`);
    }
  });
}

test('CRLF line endings and keep-alive comments decode like LF', async () => {
  assert.deepEqual(await run(fixture('stream-text-crlf.sse'), []), expected['stream-text.sse']?.outcome);
});

test('a compatible server may end after finish_reason without [DONE]; OpenAI may not', async () => {
  const bytes = fixture('stream-cut-after-finish.sse');
  const lenient = await run(bytes, [], 'openai-compatible');
  assert.equal(lenient.error, undefined);
  assert.deepEqual(lenient.events.at(-1), { type: 'finish', stopReason: 'end_turn', usage: {} });
  assert.equal((await run(bytes, [])).error?.code, 'stream_interrupted');
});

test('a stream that ends between chunks without finish or [DONE] is interrupted, even for compatible servers', async () => {
  const text = new TextDecoder().decode(fixture('stream-tool-calls.sse'));
  const cut = new TextEncoder().encode(text.slice(0, text.indexOf('data:', text.indexOf('Paris'))));
  const outcome = await run(cut, [], 'openai-compatible');
  assert.deepEqual(outcome.error, {
    code: 'stream_interrupted',
    responseStarted: true,
    message: 'upstream stream ended before finish_reason and [DONE]',
  });
});

test('a last event without its blank line still counts when its JSON is whole', async () => {
  const text = new TextDecoder().decode(fixture('stream-compatible-no-done.sse')).trimEnd();
  const outcome = await run(new TextEncoder().encode(text), [], 'openai-compatible');
  assert.equal(outcome.error, undefined);
  assert.equal(outcome.events.at(-1)?.type, 'finish');
});

const sseOf = (...chunks: unknown[]): Uint8Array =>
  new TextEncoder().encode(
    chunks.map((c) => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join(''),
  );

test('tool calls without index (one whole call per delta, Ollama style) and object arguments', async () => {
  const bytes = sseOf(
    {
      id: 'x',
      model: 'm',
      choices: [
        { index: 0, delta: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: { q: 1 } } }] } },
      ],
    },
    {
      id: 'x',
      model: 'm',
      choices: [{ index: 0, delta: { tool_calls: [{ id: 'b', function: { name: 'g', arguments: '{}' } }] } }],
    },
    { id: 'x', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  );
  const outcome = await run(bytes, [], 'openai-compatible');
  assert.deepEqual(outcome.events.slice(1), [
    { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
    { type: 'tool_call_delta', index: 0, json: '{"q":1}' },
    { type: 'block_end', index: 0 },
    { type: 'tool_call_start', index: 1, id: 'b', name: 'g' },
    { type: 'tool_call_delta', index: 1, json: '{}' },
    { type: 'block_end', index: 1 },
    // "stop" after tool calls (older Ollama) still means the model wants its tools run.
    { type: 'finish', stopReason: 'tool_use', usage: {} },
  ]);
});

test('argument fragments that arrive before the name are held until the call can start', async () => {
  const bytes = sseOf(
    {
      id: 'x',
      model: 'm',
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { arguments: '{"a":' } }] } },
      ],
    },
    {
      id: 'x',
      model: 'm',
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'f', arguments: '1}' } }] } },
      ],
    },
    { id: 'x', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    '[DONE]',
  );
  const outcome = await run(bytes, []);
  assert.deepEqual(outcome.events.slice(1, 3), [
    { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
    { type: 'tool_call_delta', index: 0, json: '{"a":1}' },
  ]);
});

test('interleaved tool-call arguments and nameless calls are upstream errors, not silent corruption', async () => {
  const interleaved = sseOf(
    {
      id: 'x',
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{' } }] } },
      ],
    },
    {
      id: 'x',
      choices: [
        { index: 0, delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{' } }] } },
      ],
    },
    { id: 'x', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '}' } }] } }] },
  );
  assert.equal((await run(interleaved, [])).error?.code, 'upstream_error');
  const nameless = sseOf(
    {
      id: 'x',
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'a', function: { arguments: '{}' } }] } }],
    },
    { id: 'x', choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    '[DONE]',
  );
  assert.equal((await run(nameless, [])).error?.code, 'upstream_error');
});

test('an in-band error keeps the upstream type and request id; a quota error is not retryable', async () => {
  const adapter = createOpenAIAdapter();
  const body = sseOf({
    error: { message: 'quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' },
  });
  await assert.rejects(
    async () => {
      for await (const _ of adapter.decodeStream(chunks(body, []), { 'x-request-id': 'req_1' })) void _;
    },
    (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.code, 'payment_required');
      assert.equal(error.retryable, false);
      assert.equal(error.upstreamType, 'insufficient_quota');
      assert.equal(error.upstreamRequestId, 'req_1');
      return true;
    },
  );
});

test('a complete event that is not JSON is a malformed upstream, not a cut', async () => {
  const outcome = await run(
    new TextEncoder().encode('data: {"id":"x","choices":[]}\n\ndata: <html>\n\n'),
    [],
  );
  assert.equal(outcome.error?.code, 'upstream_error');
});

test('a body that fails mid-stream (connection reset) is an interruption, after content responseStarted', async () => {
  const text = fixture('stream-text.sse');
  async function* resetting(): AsyncGenerator<Uint8Array> {
    yield text.subarray(0, text.indexOf(0x21)); // up to the "!" chunk: two text deltas are out
    throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  }
  const events: StreamEvent[] = [];
  await assert.rejects(
    async () => {
      for await (const event of createOpenAIAdapter().decodeStream(resetting(), {})) events.push(event);
    },
    (error: unknown) => {
      assert.ok(error instanceof UpstreamError);
      assert.equal(error.code, 'stream_interrupted');
      assert.equal(error.responseStarted, true);
      assert.equal(error.message, 'upstream stream failed: read ECONNRESET');
      assert.equal((error.cause as Error).message, 'read ECONNRESET');
      return true;
    },
  );
  assert.equal(events.filter((event) => event.type === 'text_delta').length, 2);
});

test('an event that never ends is cut off at the buffer limit instead of exhausting memory', async () => {
  async function* endless(): AsyncGenerator<Uint8Array> {
    yield new TextEncoder().encode('data: {"id":"x","choices":[{"delta":{"content":"');
    for (let i = 0; i < 100; i++) yield new TextEncoder().encode('a'.repeat(100));
  }
  await assert.rejects(async () => {
    for await (const _ of readOpenAISse(endless(), 5_000)) void _;
  }, OpenAISseOverflowError);
});
