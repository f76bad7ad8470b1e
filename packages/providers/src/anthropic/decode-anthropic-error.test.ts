import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAnthropicErrorBody } from './decode-anthropic-error.js';

const body = (type: string, message = 'msg') =>
  JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_body' });

// Error mapping table: status, headers, body → code, canonical status, retryable, retry-after.
const table: Array<{
  status: number;
  headers?: Record<string, string>;
  body: string;
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
}> = [
  { status: 400, body: body('invalid_request_error'), code: 'invalid_request', retryable: false },
  { status: 401, body: body('authentication_error'), code: 'authentication_failed', retryable: false },
  { status: 402, body: body('billing_error'), code: 'payment_required', retryable: false },
  { status: 403, body: body('permission_error'), code: 'permission_denied', retryable: false },
  { status: 404, body: body('not_found_error'), code: 'not_found', retryable: false },
  { status: 413, body: body('request_too_large'), code: 'request_too_large', retryable: false },
  {
    status: 429,
    headers: { 'retry-after': '7' },
    body: body('rate_limit_error'),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 7000,
  },
  // The spend-limit variant: no retry-after → waiting here does not help.
  { status: 429, body: body('rate_limit_error'), code: 'rate_limited', retryable: false },
  {
    status: 429,
    headers: { 'retry-after-ms': '1500', 'retry-after': '2' },
    body: body('rate_limit_error'),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 1500,
  },
  { status: 500, body: body('api_error'), code: 'upstream_error', retryable: true },
  { status: 504, body: body('timeout_error'), code: 'upstream_timeout', retryable: true },
  { status: 529, body: body('overloaded_error'), code: 'overloaded', retryable: true },
  // x-should-retry is the server's own verdict and wins both ways.
  {
    status: 529,
    headers: { 'x-should-retry': 'false' },
    body: body('overloaded_error'),
    code: 'overloaded',
    retryable: false,
  },
  {
    status: 400,
    headers: { 'x-should-retry': 'true' },
    body: body('invalid_request_error'),
    code: 'invalid_request',
    retryable: true,
  },
  // No usable body: the status decides.
  { status: 503, body: '<html>Service Unavailable</html>', code: 'upstream_unavailable', retryable: true },
  { status: 502, body: '', code: 'upstream_error', retryable: true },
  { status: 529, body: 'not json', code: 'overloaded', retryable: true },
];

for (const row of table) {
  test(`error ${row.status} ${JSON.stringify(row.headers ?? {})} ${row.body.slice(0, 60)}`, () => {
    const error = decodeAnthropicErrorBody(row.status, row.headers ?? {}, row.body, 'anthropic');
    assert.equal(error.code, row.code);
    assert.equal(error.retryable, row.retryable);
    assert.equal(error.retryAfterMs, row.retryAfterMs);
    assert.equal(error.upstreamStatus, row.status);
    assert.equal(error.provider, 'anthropic');
  });
}

test('message, type and request id are kept; the request-id header wins over the body', () => {
  const error = decodeAnthropicErrorBody(
    529,
    { 'request-id': ['req_header'] },
    body('overloaded_error', 'Overloaded'),
    'anthropic',
  );
  assert.equal(error.message, 'Overloaded');
  assert.equal(error.upstreamType, 'overloaded_error');
  assert.equal(error.upstreamRequestId, 'req_header');
  assert.equal(
    decodeAnthropicErrorBody(400, {}, body('invalid_request_error'), 'a').upstreamRequestId,
    'req_body',
  );
  assert.match(
    decodeAnthropicErrorBody(503, {}, '<html>\n  down </html>', 'a').message,
    /<html> down <\/html>/,
  );
});

test('a soft error in a 200 body keeps its type', () => {
  const error = decodeAnthropicErrorBody(200, {}, body('overloaded_error'), 'anthropic');
  assert.equal(error.code, 'overloaded');
  assert.equal(error.upstreamStatus, 200);
  assert.equal(decodeAnthropicErrorBody(200, {}, '{"type":"error"}', 'a').code, 'upstream_error');
});
