import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError } from '@rampart/spec';
import type { StreamEvent } from '@rampart/spec';
import { createAnthropicEventDecoder } from './create-anthropic-event-decoder.js';

const start = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    stop_reason: null,
    usage: {
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 2000,
      output_tokens: 1,
    },
  },
};

function feed(events: unknown[]): StreamEvent[] {
  const decoder = createAnthropicEventDecoder('anthropic');
  const out = events.flatMap((e) => decoder.push(e));
  decoder.end();
  return out;
}

function catchError(fn: () => void): UpstreamError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UpstreamError, `expected UpstreamError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a throw');
}

test('text and tool blocks, ping and unknown events tolerated, usage split merged', () => {
  const out = feed([
    start,
    { type: 'ping' },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    { type: 'some_future_event', payload: 1 },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'calc', input: {} },
    },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
    { type: 'content_block_stop', index: 1 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 30 },
    },
    { type: 'message_delta', delta: {}, usage: { output_tokens: 42 } },
    { type: 'message_stop' },
  ]);
  assert.deepEqual(out, [
    {
      type: 'start',
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      usage: { inputTokens: 12, outputTokens: 1, cacheReadTokens: 2000, cacheWriteTokens: 0 },
    },
    { type: 'text_start', index: 0 },
    { type: 'text_delta', index: 0, text: 'Hi' },
    { type: 'block_end', index: 0 },
    { type: 'tool_call_start', index: 1, id: 'toolu_1', name: 'calc' },
    { type: 'tool_call_delta', index: 1, json: '{"a":' },
    { type: 'tool_call_delta', index: 1, json: '1}' },
    { type: 'block_end', index: 1 },
    {
      type: 'finish',
      stopReason: 'tool_use',
      // cumulative: 42 replaces 30, it is not added to it
      usage: { inputTokens: 12, outputTokens: 42, cacheReadTokens: 2000, cacheWriteTokens: 0 },
    },
  ]);
});

test('skipped block types do not shift canonical indexes', () => {
  const out = feed([
    start,
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } },
    { type: 'message_stop' },
  ]);
  assert.deepEqual(
    out.filter((e) => e.type !== 'start' && e.type !== 'finish'),
    [
      { type: 'text_start', index: 0 },
      { type: 'text_delta', index: 0, text: 'ok' },
      { type: 'block_end', index: 0 },
    ],
  );
});

test('in-band error before content: not started, code from the error type', () => {
  const decoder = createAnthropicEventDecoder('anthropic');
  decoder.push(start);
  const error = catchError(() =>
    decoder.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
  );
  assert.equal(error.code, 'overloaded');
  assert.equal(error.upstreamType, 'overloaded_error');
  assert.equal(error.message, 'Overloaded');
  assert.equal(error.responseStarted, false);
  assert.equal(error.retryable, true);
});

test('in-band error after content: responseStarted, each type mapped', () => {
  const cases: Array<[string, string]> = [
    ['overloaded_error', 'overloaded'],
    ['rate_limit_error', 'rate_limited'],
    ['api_error', 'upstream_error'],
    ['timeout_error', 'upstream_timeout'],
    ['invalid_request_error', 'invalid_request'],
    ['brand_new_error', 'stream_error'],
  ];
  for (const [type, code] of cases) {
    const decoder = createAnthropicEventDecoder('anthropic');
    decoder.push(start);
    decoder.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const error = catchError(() => decoder.push({ type: 'error', error: { type, message: 'x' } }));
    assert.equal(error.code, code, type);
    assert.equal(error.responseStarted, true);
  }
});

test('cut stream → stream_interrupted; nothing at all or only pings → empty_response', () => {
  const cut = createAnthropicEventDecoder('anthropic');
  cut.push(start);
  cut.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  const interrupted = catchError(() => cut.end());
  assert.equal(interrupted.code, 'stream_interrupted');
  assert.equal(interrupted.responseStarted, true);

  assert.equal(catchError(() => createAnthropicEventDecoder('anthropic').end()).code, 'empty_response');
  const pings = createAnthropicEventDecoder('anthropic');
  pings.push({ type: 'ping' });
  assert.equal(catchError(() => pings.end()).code, 'empty_response');

  const headless = createAnthropicEventDecoder('anthropic');
  headless.push(start);
  assert.equal(catchError(() => headless.end()).code, 'stream_interrupted');
});

test('out-of-order events are stream errors, not silent garbage', () => {
  const decoder = createAnthropicEventDecoder('anthropic');
  decoder.push(start);
  assert.equal(
    catchError(() =>
      decoder.push({ type: 'content_block_delta', index: 7, delta: { type: 'text_delta', text: 'x' } }),
    ).code,
    'stream_error',
  );
  assert.equal(
    catchError(() => createAnthropicEventDecoder('a').push({ type: 'message_stop' })).code,
    'stream_error',
  );
});

test('events after message_stop are ignored', () => {
  const decoder = createAnthropicEventDecoder('anthropic');
  decoder.push(start);
  assert.equal(decoder.push({ type: 'message_stop' }).length, 1);
  assert.deepEqual(decoder.push({ type: 'message_delta', delta: {}, usage: { output_tokens: 9 } }), []);
  decoder.end();
});
