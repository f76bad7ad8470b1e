import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkChatStream, checkCompletion, isComplete } from './check-chat-answer.js';

const expected = 'Simulated reply to: hello there';
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const head =
  `: rampart {"target":{"provider":"anthropic"},"attempts":[]}\n\n` +
  chunk({ role: 'assistant', content: '' });
const finish = chunk({}, 'stop') + 'data: [DONE]\n\n';

test('a non-streamed 200 with the whole text and a clean finish is complete', () => {
  const body = JSON.stringify({ choices: [{ message: { content: expected }, finish_reason: 'stop' }] });
  assert.deepEqual(checkCompletion(200, body, expected), { kind: 'complete', continuations: 0 });
});

test('non-streamed failures: error status, wrong text, truncated finish', () => {
  const error = JSON.stringify({ error: { message: 'x', type: 'rate_limit_error', code: 'rate_limited' } });
  assert.deepEqual(checkCompletion(429, error, expected), {
    kind: 'http-error',
    status: 429,
    code: 'rate_limited',
  });
  const short = JSON.stringify({ choices: [{ message: { content: 'Simulated' }, finish_reason: 'stop' }] });
  assert.equal(checkCompletion(200, short, expected).kind, 'wrong-text');
  const cut = JSON.stringify({ choices: [{ message: { content: expected }, finish_reason: 'length' }] });
  assert.equal(checkCompletion(200, cut, expected).kind, 'wrong-text');
  assert.equal(checkCompletion(200, 'not json', expected).kind, 'wrong-text');
});

test('a stream ending with finish_reason and [DONE] over the whole text is complete', () => {
  const sse = head + chunk({ content: 'Simulated reply ' }) + chunk({ content: 'to: hello there' }) + finish;
  const verdict = checkChatStream(200, sse, expected);
  assert.deepEqual(verdict, { kind: 'complete', continuations: 0 });
  assert.ok(isComplete(verdict));
});

test('a stream that just stops is a silent truncation, even with all its text', () => {
  const sse = head + chunk({ content: expected });
  assert.equal(checkChatStream(200, sse, expected).kind, 'silent-truncation');
  assert.equal(checkChatStream(200, sse + chunk({}, 'stop'), expected).kind, 'silent-truncation');
});

test('a stream that ends with an in-band error event is an explicit error', () => {
  const sse =
    head +
    chunk({ content: 'Simulated ' }) +
    `data: {"error":{"message":"cut","code":"stream_interrupted"}}\n\n`;
  assert.deepEqual(checkChatStream(200, sse, expected), {
    kind: 'explicit-error',
    code: 'stream_interrupted',
  });
});

test('a continued stream is whole when earlier segments are prefixes and the last is the full reply', () => {
  const marker = `: rampart {"continuedOn":{"provider":"bedrock"},"after":"stream_interrupted"}\n\n`;
  const sse = head + chunk({ content: 'Simulated reply' }) + marker + chunk({ content: expected }) + finish;
  assert.deepEqual(checkChatStream(200, sse, expected), { kind: 'complete', continuations: 1 });
  const notPrefix = head + chunk({ content: 'Garbled' }) + marker + chunk({ content: expected }) + finish;
  assert.equal(checkChatStream(200, notPrefix, expected).kind, 'wrong-text');
  const lastShort = head + chunk({ content: 'Simulated' }) + marker + chunk({ content: 'reply' }) + finish;
  assert.equal(checkChatStream(200, lastShort, expected).kind, 'wrong-text');
});

test('a stream with the wrong text, a non-stop finish or data after [DONE] is not complete', () => {
  assert.equal(checkChatStream(200, head + chunk({ content: 'nope' }) + finish, expected).kind, 'wrong-text');
  const length = head + chunk({ content: expected }) + chunk({}, 'length') + 'data: [DONE]\n\n';
  assert.equal(checkChatStream(200, length, expected).kind, 'wrong-text');
  const after = head + chunk({ content: expected }) + finish + chunk({ content: 'x' });
  assert.equal(checkChatStream(200, after, expected).kind, 'wrong-text');
});

test('a stream refused before it started reports the status and code', () => {
  const body = JSON.stringify({ error: { message: 'x', code: 'upstream_unavailable' } });
  assert.deepEqual(checkChatStream(503, body, expected), {
    kind: 'http-error',
    status: 503,
    code: 'upstream_unavailable',
  });
});
