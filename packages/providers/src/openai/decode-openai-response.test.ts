import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UpstreamError } from '@rampart/spec';
import { createOpenAIAdapter } from './openai-adapter.js';

const bytes = (value: unknown): Uint8Array =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const adapter = createOpenAIAdapter();

test('decodes text, tool calls, finish reason and usage of a real response', () => {
  const body = readFileSync(new URL('./__fixtures__/response-tool-calls.json', import.meta.url));
  assert.deepEqual(adapter.decodeResponse(body, {}), {
    id: 'chatcmpl-BBx7f3zHJvWbGDFsmOyg4L1vM3N2q',
    model: 'gpt-4.1-2025-04-14',
    content: [
      { type: 'text', text: 'Checking.' },
      {
        type: 'tool_call',
        id: 'call_Z1nKhS0b7gSq8Dt0uWQf0a9E',
        name: 'get_weather',
        input: { location: 'Paris, France' },
      },
      { type: 'tool_call', id: 'call_2', name: 'now', input: {} },
    ],
    stopReason: 'tool_use',
    usage: { inputTokens: 158, cacheReadTokens: 1152, outputTokens: 18, reasoningTokens: 0 },
  });
});

test('a lenient server: no id, no usage, null finish_reason, unparseable arguments kept raw', () => {
  const response = adapter.decodeResponse(
    bytes({
      model: 'llama3.2',
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ function: { name: 'f', arguments: '{"a":' } }],
          },
          finish_reason: null,
        },
      ],
    }),
    {},
  );
  assert.match(response.id, /^chatcmpl-[0-9a-f]{32}$/);
  assert.deepEqual(response.usage, {});
  assert.equal(response.stopReason, 'tool_use');
  const call = response.content[0];
  assert.equal(call?.type, 'tool_call');
  assert.equal(call.type === 'tool_call' ? call.input : undefined, '{"a":');
  assert.match(call.type === 'tool_call' ? call.id : '', /^call-[0-9a-f]{32}$/);
});

test('a refusal becomes text with stop reason refusal', () => {
  const response = adapter.decodeResponse(
    bytes({
      id: 'x',
      model: 'm',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: "I can't help" },
          finish_reason: 'stop',
        },
      ],
    }),
    {},
  );
  assert.deepEqual(response.content, [{ type: 'text', text: "I can't help" }]);
  assert.equal(response.stopReason, 'refusal');
});

test('finish_reason maps to canonical stop reasons', () => {
  const cases: Array<[unknown, string]> = [
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'content_filter'],
    [null, 'end_turn'],
    ['eos', 'end_turn'],
  ];
  for (const [finish, stop] of cases) {
    const body = bytes({
      id: 'x',
      model: 'm',
      choices: [{ index: 0, message: { content: 'a' }, finish_reason: finish }],
    });
    assert.equal(adapter.decodeResponse(body, {}).stopReason, stop, String(finish));
  }
});

test('a 200 that is really an error, or has no choice, or is not JSON, is thrown as UpstreamError', () => {
  const cases: Array<[unknown, string, string | undefined]> = [
    [
      { error: { message: 'overloaded', type: 'server_error', param: null, code: null } },
      'upstream_error',
      'server_error',
    ],
    [{ error: 'model "x" not found, try pulling it first' }, 'upstream_error', undefined],
    [
      { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 },
      'invalid_request',
      'BadRequestError',
    ],
    [
      { error: { message: 'pay', type: 'insufficient_quota', code: 'insufficient_quota' } },
      'payment_required',
      'insufficient_quota',
    ],
    [{ id: 'x', choices: [] }, 'empty_response', undefined],
    ['<html>502</html>', 'upstream_error', undefined],
  ];
  for (const [body, code, type] of cases) {
    assert.throws(
      () => adapter.decodeResponse(bytes(body), { 'x-request-id': 'req_9' }),
      (error: unknown) => {
        assert.ok(error instanceof UpstreamError, JSON.stringify(body));
        assert.equal(error.code, code, JSON.stringify(body));
        assert.equal(error.upstreamType, type, JSON.stringify(body));
        assert.equal(error.upstreamRequestId, 'req_9');
        assert.equal(error.responseStarted, false);
        return true;
      },
    );
  }
});
