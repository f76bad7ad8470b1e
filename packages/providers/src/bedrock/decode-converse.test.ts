import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UpstreamError } from '@rampart/spec';
import type { StreamEvent } from '@rampart/spec';
import { createBedrockConverseAdapter } from './create-bedrock-converse-adapter.js';
import {
  bodyOf,
  drain,
  eventFrame,
  exceptionFrame,
  joinBytes,
  randomChunks,
  seededRandom,
} from './__fixtures__/event-stream.js';

const adapter = createBedrockConverseAdapter();
const HEADERS = { 'x-amzn-requestid': 'req-7', 'content-type': 'application/vnd.amazon.eventstream' };
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));
const STREAM = fixture('converse-stream-tool-use.json') as Array<{ eventType: string; payload: unknown }>;
const frames = (events: typeof STREAM) => events.map((e) => eventFrame(e.eventType, e.payload));

const EXPECTED_EVENTS: StreamEvent[] = [
  { type: 'start', id: 'req-7', model: '' },
  { type: 'text_start', index: 0 },
  { type: 'text_delta', index: 0, text: 'Let me check ' },
  { type: 'text_delta', index: 0, text: 'the weather.' },
  { type: 'block_end', index: 0 },
  { type: 'tool_call_start', index: 1, id: 'tooluse_abc123', name: 'get_weather' },
  { type: 'tool_call_delta', index: 1, json: '{"city":' },
  { type: 'tool_call_delta', index: 1, json: '"Paris"}' },
  { type: 'block_end', index: 1 },
  {
    type: 'finish',
    stopReason: 'tool_use',
    usage: { inputTokens: 25, outputTokens: 40, cacheReadTokens: 2000, cacheWriteTokens: 0 },
  },
];

test('Converse response → canonical, usage with cache read and write', () => {
  const body = new TextEncoder().encode(JSON.stringify(fixture('converse-response-tool-use.json')));
  assert.deepEqual(adapter.decodeResponse(body, { 'x-amzn-requestid': 'req-1' }), {
    id: 'req-1',
    model: '',
    content: [
      { type: 'text', text: 'Let me check the weather.' },
      { type: 'tool_call', id: 'tooluse_abc123', name: 'get_weather', input: { city: 'Paris' } },
    ],
    stopReason: 'tool_use',
    usage: { inputTokens: 25, outputTokens: 40, cacheReadTokens: 2000, cacheWriteTokens: 1500 },
  });
});

test('Converse stop reasons map; malformed output is a retryable upstream error; a 200 error body is not an answer', () => {
  const answer = (stopReason: string) =>
    new TextEncoder().encode(
      JSON.stringify({ output: { message: { role: 'assistant', content: [] } }, stopReason }),
    );
  const mapped: Array<[string, string]> = [
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['stop_sequence', 'stop_sequence'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['model_context_window_exceeded', 'context_window_exceeded'],
  ];
  for (const [wire, canonical] of mapped) {
    const response = adapter.decodeResponse(answer(wire), {});
    assert.equal(response.stopReason, canonical, wire);
    assert.deepEqual(response.usage, {}, 'absent usage stays absent');
  }
  assert.throws(
    () => adapter.decodeResponse(answer('malformed_tool_use'), {}),
    (error) =>
      error instanceof UpstreamError &&
      error.code === 'upstream_error' &&
      error.retryable &&
      error.upstreamType === 'malformed_tool_use',
  );
  assert.throws(
    () => adapter.decodeResponse(new TextEncoder().encode('{"message":"Internal failure"}'), {}),
    (error) => error instanceof UpstreamError && /Internal failure/.test(error.message),
  );
  assert.throws(
    () => adapter.decodeResponse(new Uint8Array(), {}),
    (error) => error instanceof UpstreamError && error.code === 'empty_response',
  );
});

test('ConverseStream replayed in random chunkings yields the same events, finish after metadata with usage', async () => {
  const bytes = joinBytes(frames(STREAM));
  for (let seed = 1; seed <= 30; seed++) {
    const { events, error } = await drain(
      adapter.decodeStream(bodyOf(randomChunks(bytes, seededRandom(seed))), HEADERS),
    );
    assert.equal(error, undefined, `seed ${seed}`);
    assert.deepEqual(events, EXPECTED_EVENTS, `seed ${seed}`);
  }
});

test('a stream that ends after messageStop without metadata finishes with usage absent (not zero)', async () => {
  const { events, error } = await drain(adapter.decodeStream(bodyOf(frames(STREAM.slice(0, -1))), HEADERS));
  assert.equal(error, undefined);
  assert.deepEqual(events.at(-1), { type: 'finish', stopReason: 'tool_use', usage: {} });
});

test('an exception frame mid-stream throws stream_error with its retryability, responseStarted after content', async () => {
  const cases: Array<[type: string, retryable: boolean]> = [
    ['internalServerException', true],
    ['modelStreamErrorException', true],
    ['validationException', false],
    ['throttlingException', true],
    ['serviceUnavailableException', true],
    ['modelTimeoutException', true],
  ];
  for (const [type, retryable] of cases) {
    const body = [...frames(STREAM.slice(0, 3)), exceptionFrame(type, { message: `${type} boom` })];
    const { events, error } = await drain(adapter.decodeStream(bodyOf(body), HEADERS));
    assert.equal(events.length, 4, type);
    assert.ok(error instanceof UpstreamError, type);
    assert.equal(error.code, 'stream_error');
    assert.equal(error.upstreamType, type);
    assert.equal(error.retryable, retryable, type);
    assert.equal(error.responseStarted, true, type);
    assert.equal(error.provider, 'bedrock-converse');
    assert.equal(error.upstreamRequestId, 'req-7');
    assert.match(error.message, new RegExp(`${type} boom`));
  }
  const early = await drain(
    adapter.decodeStream(
      bodyOf([frames(STREAM)[0]!, exceptionFrame('throttlingException', { message: 'x' })]),
      HEADERS,
    ),
  );
  assert.deepEqual(early.events, [{ type: 'start', id: 'req-7', model: '' }]);
  assert.ok(
    early.error instanceof UpstreamError && early.error.responseStarted === false,
    'only start was yielded',
  );
});

test('cut streams: before messageStop → stream_interrupted; inside a frame → stream_interrupted; nothing → empty_response', async () => {
  const beforeStop = await drain(adapter.decodeStream(bodyOf(frames(STREAM.slice(0, 5))), HEADERS));
  assert.ok(beforeStop.error instanceof UpstreamError);
  assert.equal(beforeStop.error.code, 'stream_interrupted');
  assert.equal(beforeStop.error.responseStarted, true);

  const bytes = joinBytes(frames(STREAM));
  const midFrame = await drain(adapter.decodeStream(bodyOf([bytes.slice(0, bytes.length - 7)]), HEADERS));
  assert.ok(midFrame.error instanceof UpstreamError);
  assert.equal(midFrame.error.code, 'stream_interrupted');
  assert.equal(midFrame.error.responseStarted, true);

  const empty = await drain(adapter.decodeStream(bodyOf([]), HEADERS));
  assert.ok(empty.error instanceof UpstreamError);
  assert.equal(empty.error.code, 'empty_response');
  assert.deepEqual(empty.events, []);
});

test('skipped content (reasoning) opens no block; malformed_tool_use mid-stream is an error', async () => {
  const reasoning = [
    eventFrame('messageStart', { role: 'assistant' }),
    eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'hmm' } } }),
    eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
    eventFrame('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Hi' } }),
    eventFrame('contentBlockStop', { contentBlockIndex: 1 }),
    eventFrame('messageStop', { stopReason: 'end_turn' }),
    eventFrame('metadata', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }),
  ];
  const { events } = await drain(adapter.decodeStream(bodyOf(reasoning), {}));
  assert.deepEqual(events.slice(1), [
    { type: 'text_start', index: 0 },
    { type: 'text_delta', index: 0, text: 'Hi' },
    { type: 'block_end', index: 0 },
    { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 2 } },
  ]);
  const malformed = await drain(
    adapter.decodeStream(
      bodyOf([
        ...frames(STREAM.slice(0, 3)),
        eventFrame('messageStop', { stopReason: 'malformed_tool_use' }),
      ]),
      {},
    ),
  );
  assert.ok(
    malformed.error instanceof UpstreamError &&
      malformed.error.code === 'upstream_error' &&
      malformed.error.responseStarted,
  );
});
