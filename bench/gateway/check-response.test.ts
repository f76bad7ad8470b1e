import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestTiming } from '../lib/time-http-request.js';
import { chatCompletionProblem, chatStreamProblem } from './check-response.js';

const timing = (status: number, body: string, contentType = 'application/json'): RequestTiming => ({
  status,
  firstByteMs: 1,
  totalMs: 2,
  headers: { 'content-type': contentType },
  body,
});
const completion = (model: string, content: string) =>
  JSON.stringify({ model, choices: [{ index: 0, message: { role: 'assistant', content } }] });

test('a 200 completion with text passes; the model is checked when asked', () => {
  assert.equal(chatCompletionProblem(timing(200, completion('gpt-4o-2024-08-06', 'Hi'))), undefined);
  assert.equal(
    chatCompletionProblem(timing(200, completion('claude-sonnet-4-5-20250929', 'Hi')), 'claude-sonnet-4-5'),
    undefined,
  );
  assert.match(
    chatCompletionProblem(timing(200, completion('gpt-4o', 'Hi')), 'claude-sonnet-4-5') ?? '',
    /answered by model gpt-4o/,
  );
});

test('errors, empty answers and non-JSON are problems', () => {
  assert.match(chatCompletionProblem(timing(503, '{"error":{}}')) ?? '', /^status 503/);
  assert.match(chatCompletionProblem(timing(200, completion('gpt-4o', ''))) ?? '', /without choices/);
  assert.match(chatCompletionProblem(timing(200, '<html>')) ?? '', /not JSON/);
});

test('a stream needs content deltas and [DONE]', () => {
  const good = 'data: {"choices":[{"delta":{"content":"Hi"}}]}\n\ndata: [DONE]\n\n';
  assert.equal(chatStreamProblem(timing(200, good, 'text/event-stream; charset=utf-8')), undefined);
  assert.match(
    chatStreamProblem(timing(200, 'data: [DONE]\n\n', 'text/event-stream')) ?? '',
    /without any content/,
  );
  assert.match(
    chatStreamProblem(timing(200, good.replace('data: [DONE]', ''), 'text/event-stream')) ?? '',
    /\[DONE\]/,
  );
  assert.match(chatStreamProblem(timing(200, good)) ?? '', /content-type application\/json/);
  assert.match(chatStreamProblem(timing(500, 'boom', 'text/event-stream')) ?? '', /^status 500/);
});
