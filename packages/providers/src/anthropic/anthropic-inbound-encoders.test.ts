import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError, RampartError, UpstreamError } from '@rampart/spec';
import type { ErrorCode } from '@rampart/spec';
import { anthropicInboundCodec } from './anthropic-inbound-codec.js';

const options = { model: 'claude-haiku-4-5', stream: true };

test('encodeResponse: exact Messages body; absent cache fields are null, not 0', () => {
  const body = anthropicInboundCodec.encodeResponse(
    {
      id: 'msg_1',
      model: '',
      content: [{ type: 'text', text: 'hi' }],
      stopReason: 'stop_sequence',
      stopSequence: '###',
      usage: { inputTokens: 9, outputTokens: 2 },
    },
    options,
  );
  assert.deepEqual(body, {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text: 'hi' }],
    stop_reason: 'stop_sequence',
    stop_sequence: '###',
    usage: {
      input_tokens: 9,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      output_tokens: 2,
    },
  });
});

test('stream encoder: exact SSE for a text + tool stream, input usage at start, cumulative at the end', () => {
  const encoder = anthropicInboundCodec.createStreamEncoder(options);
  const text = [
    encoder.event({
      type: 'start',
      id: 'msg_s',
      model: 'claude-haiku-4-5-20251001',
      usage: { inputTokens: 4, cacheReadTokens: 2048, outputTokens: 1 },
    }),
    encoder.event({ type: 'text_start', index: 0 }),
    encoder.event({ type: 'text_delta', index: 0, text: 'a"b' }),
    encoder.event({ type: 'block_end', index: 0 }),
    encoder.event({ type: 'tool_call_start', index: 1, id: 'toolu_x', name: 'f' }),
    encoder.event({ type: 'tool_call_delta', index: 1, json: '{"k":' }),
    encoder.event({ type: 'block_end', index: 1 }),
    encoder.event({
      type: 'finish',
      stopReason: 'tool_use',
      usage: { inputTokens: 4, cacheReadTokens: 2048, outputTokens: 17 },
    }),
    encoder.event({ type: 'text_delta', index: 0, text: 'late' }),
  ].join('');
  assert.equal(
    text,
    [
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":4,"cache_creation_input_tokens":null,"cache_read_input_tokens":2048,"cache_creation":null,"output_tokens":1}}}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\\"b"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
      'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_x","name":"f","input":{}}}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"k\\":"}}\n\n',
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":4,"cache_read_input_tokens":2048,"output_tokens":17}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ].join(''),
  );
});

test('stream encoder: content before any start opens the message first', () => {
  const encoder = anthropicInboundCodec.createStreamEncoder(options);
  const out = encoder.event({ type: 'text_start', index: 0 });
  assert.match(
    out,
    /^event: message_start\ndata: \{"type":"message_start","message":\{"id":"msg_[0-9a-f]{24}"/,
  );
  assert.match(out, /"model":"claude-haiku-4-5"/);
  assert.match(out, /event: content_block_start\n/);
});

test('stream encoder: error is an `event: error` with the Anthropic type and the request id', () => {
  const encoder = anthropicInboundCodec.createStreamEncoder(options);
  const out = encoder.error(new UpstreamError('overloaded', 'Overloaded', { provider: 'bedrock' }), 'req_7');
  assert.equal(
    out,
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_7"}\n\n',
  );
  assert.equal(encoder.event({ type: 'block_end', index: 0 }), '', 'nothing after the error');
});

// Error mapping table for our Anthropic clients: code → status and Anthropic error type.
const table: Array<[ErrorCode, number, string]> = [
  ['invalid_request', 400, 'invalid_request_error'],
  ['unsupported_content', 400, 'invalid_request_error'],
  ['authentication_failed', 401, 'authentication_error'],
  ['payment_required', 402, 'billing_error'],
  ['permission_denied', 403, 'permission_error'],
  ['not_found', 404, 'not_found_error'],
  ['request_too_large', 413, 'request_too_large'],
  ['rate_limited', 429, 'rate_limit_error'],
  ['overloaded', 529, 'overloaded_error'],
  ['upstream_unavailable', 529, 'overloaded_error'],
  ['upstream_timeout', 504, 'timeout_error'],
  ['request_timeout', 504, 'timeout_error'],
  ['upstream_error', 502, 'api_error'],
  ['connection_failed', 502, 'api_error'],
  ['stream_interrupted', 502, 'api_error'],
  ['empty_response', 502, 'api_error'],
  ['stream_error', 502, 'api_error'],
  ['conflict', 409, 'api_error'],
  ['internal', 500, 'api_error'],
];
for (const [code, status, type] of table) {
  test(`encodeError: ${code} → ${status} ${type}`, () => {
    const encoded = anthropicInboundCodec.encodeError(new RampartError(code, 'detail'), 'req_1');
    assert.equal(encoded.status, status);
    assert.deepEqual(encoded.body, {
      type: 'error',
      error: { type, message: code === 'internal' ? 'Internal server error' : 'detail' },
      request_id: 'req_1',
    });
    assert.equal(encoded.headers['request-id'], 'req_1');
  });
}

test('encodeError: retry-after (rounded up) and retry-after-ms when known; x-should-retry from retryability', () => {
  const encoded = anthropicInboundCodec.encodeError(
    new UpstreamError('rate_limited', 'slow', { provider: 'anthropic', retryAfterMs: 1200 }),
    'req_2',
  );
  assert.equal(encoded.headers['retry-after'], '2');
  assert.equal(encoded.headers['retry-after-ms'], '1200');
  assert.equal(encoded.headers['x-should-retry'], 'true');
  const invalid = anthropicInboundCodec.encodeError(new InvalidRequestError('bad', { param: 'x' }), 'req_3');
  assert.equal(invalid.headers['retry-after'], undefined);
  assert.equal(invalid.headers['x-should-retry'], 'false');
});
