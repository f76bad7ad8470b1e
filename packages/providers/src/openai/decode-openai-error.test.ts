import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderMap } from '../provider-adapter.js';
import { createOpenAIAdapter } from './openai-adapter.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const adapter = createOpenAIAdapter({ now: () => NOW });
const body = (error: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify({ error }));

type Row = {
  name: string;
  status: number;
  headers?: HeaderMap;
  body: Uint8Array;
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
  type?: string;
  message: string;
};

const rows: Row[] = [
  {
    name: 'bad request',
    status: 400,
    body: body({
      message: "Invalid 'messages[1].content'",
      type: 'invalid_request_error',
      param: 'messages[1].content',
      code: null,
    }),
    code: 'invalid_request',
    retryable: false,
    type: 'invalid_request_error',
    message: "Invalid 'messages[1].content'",
  },
  {
    name: 'bad key',
    status: 401,
    body: body({
      message: 'Incorrect API key provided',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    }),
    code: 'authentication_failed',
    retryable: false,
    type: 'invalid_request_error',
    message: 'Incorrect API key provided',
  },
  {
    name: 'forbidden region',
    status: 403,
    body: body({
      message: 'Country not supported',
      type: 'request_forbidden',
      code: 'unsupported_country_region_territory',
    }),
    code: 'permission_denied',
    retryable: false,
    type: 'request_forbidden',
    message: 'Country not supported',
  },
  {
    name: 'unknown model',
    status: 404,
    body: body({
      message: 'The model `gpt-9` does not exist',
      type: 'invalid_request_error',
      code: 'model_not_found',
    }),
    code: 'not_found',
    retryable: false,
    type: 'invalid_request_error',
    message: 'The model `gpt-9` does not exist',
  },
  {
    name: 'rate limit with retry-after-ms winning over retry-after',
    status: 429,
    headers: { 'retry-after-ms': '1500.4', 'retry-after': '9' },
    body: body({ message: 'Rate limit reached', type: 'tokens', param: null, code: 'rate_limit_exceeded' }),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 1500,
    type: 'tokens',
    message: 'Rate limit reached',
  },
  {
    name: 'rate limit with retry-after as an HTTP date',
    status: 429,
    headers: { 'retry-after': new Date(NOW + 3000).toUTCString() },
    body: body({ message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' }),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 3000,
    type: 'requests',
    message: 'slow down',
  },
  {
    name: 'quota exhausted (429 that must not be retried)',
    status: 429,
    headers: { 'retry-after': '2' },
    body: body({
      message: 'You exceeded your current quota',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    }),
    code: 'payment_required',
    retryable: false,
    retryAfterMs: 2000,
    type: 'insufficient_quota',
    message: 'You exceeded your current quota',
  },
  {
    name: 'server error the upstream says not to retry',
    status: 500,
    headers: { 'x-should-retry': 'false' },
    body: body({ message: 'The server had an error', type: 'server_error', param: null, code: null }),
    code: 'upstream_error',
    retryable: false,
    type: 'server_error',
    message: 'The server had an error',
  },
  {
    name: 'overloaded behind a proxy with an HTML body',
    status: 503,
    headers: { 'retry-after': '1' },
    body: new TextEncoder().encode('<html><body>503 Service Unavailable</body></html>'),
    code: 'upstream_unavailable',
    retryable: true,
    retryAfterMs: 1000,
    message: 'HTTP 503: <html><body>503 Service Unavailable</body></html>',
  },
  {
    name: 'Ollama string error',
    status: 404,
    body: body('model "llama9" not found, try pulling it first'),
    code: 'not_found',
    retryable: false,
    message: 'model "llama9" not found, try pulling it first',
  },
  {
    name: 'gateway timeout with empty body',
    status: 504,
    body: new Uint8Array(),
    code: 'upstream_timeout',
    retryable: true,
    message: 'HTTP 504',
  },
];

for (const row of rows) {
  test(`decodeError: ${row.name}`, () => {
    const error = adapter.decodeError(row.status, { 'x-request-id': 'req_abc', ...row.headers }, row.body);
    assert.equal(error.name, 'UpstreamError');
    assert.equal(error.provider, 'openai');
    assert.equal(error.upstreamStatus, row.status);
    assert.equal(error.upstreamRequestId, 'req_abc');
    assert.deepEqual(
      {
        code: error.code,
        retryable: error.retryable,
        retryAfterMs: error.retryAfterMs,
        type: error.upstreamType,
        message: error.message,
      },
      {
        code: row.code,
        retryable: row.retryable,
        retryAfterMs: row.retryAfterMs,
        type: row.type,
        message: row.message,
      },
    );
  });
}

test('a retry-after date in the past means now, garbage means unknown', () => {
  const past = adapter.decodeError(
    429,
    { 'retry-after': new Date(NOW - 5000).toUTCString() },
    body({ message: 'x' }),
  );
  assert.equal(past.retryAfterMs, 0);
  const garbage = adapter.decodeError(429, { 'retry-after': 'soon' }, body({ message: 'x' }));
  assert.equal(garbage.retryAfterMs, undefined);
});
