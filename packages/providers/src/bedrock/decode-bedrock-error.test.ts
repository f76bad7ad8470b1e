import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBedrockError } from './decode-bedrock-error.js';

const body = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));
const errortype = (name: string) => `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`;

test('Bedrock error types map to codes and retryability, whatever the status says', () => {
  const table: Array<[status: number, type: string, code: string, retryable: boolean]> = [
    [400, 'ValidationException', 'invalid_request', false],
    [403, 'AccessDeniedException', 'permission_denied', false],
    [403, 'UnrecognizedClientException', 'authentication_failed', false],
    [403, 'ExpiredTokenException', 'authentication_failed', false],
    [404, 'ResourceNotFoundException', 'not_found', false],
    [408, 'ModelTimeoutException', 'request_timeout', true],
    [424, 'ModelErrorException', 'upstream_error', true],
    [429, 'ThrottlingException', 'rate_limited', true],
    [429, 'ModelNotReadyException', 'upstream_unavailable', true],
    [429, 'ServiceQuotaExceededException', 'rate_limited', true],
    [400, 'ServiceQuotaExceededException', 'rate_limited', true],
    [500, 'InternalServerException', 'upstream_error', true],
    [503, 'ServiceUnavailableException', 'upstream_unavailable', true],
  ];
  for (const [status, type, code, retryable] of table) {
    const error = decodeBedrockError(
      status,
      { 'x-amzn-errortype': errortype(type), 'x-amzn-requestid': 'req-42' },
      body({ message: `${type} happened` }),
      'bedrock',
    );
    assert.equal(error.code, code, type);
    assert.equal(error.retryable, retryable, type);
    assert.equal(error.upstreamType, type);
    assert.equal(error.upstreamStatus, status);
    assert.equal(error.upstreamRequestId, 'req-42');
    assert.equal(error.provider, 'bedrock');
    assert.match(error.message, new RegExp(`${type} happened`));
  }
});

test('the type may come from the body (`__type`, namespaced) and the message from `Message`', () => {
  const error = decodeBedrockError(
    429,
    {},
    body({ __type: 'com.amazon.coral.availability#ThrottlingException', Message: 'Too many tokens' }),
    'bedrock-converse',
  );
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.upstreamType, 'ThrottlingException');
  assert.match(error.message, /Too many tokens/);
  assert.equal(error.upstreamRequestId, undefined);
});

test('unknown types and non-JSON bodies fall back to the status; retry-after is honoured when present', () => {
  const gateway = decodeBedrockError(
    502,
    { 'retry-after': '3' },
    new TextEncoder().encode('<html>Bad Gateway</html>'),
    'bedrock',
  );
  assert.equal(gateway.code, 'upstream_error');
  assert.equal(gateway.retryable, true);
  assert.equal(gateway.retryAfterMs, 3000);
  assert.equal(gateway.upstreamType, undefined);
  assert.match(gateway.message, /Bad Gateway/);
  const odd = decodeBedrockError(
    409,
    { 'x-amzn-errortype': 'ConflictException' },
    new Uint8Array(),
    'bedrock',
  );
  assert.equal(odd.code, 'conflict');
  assert.equal(odd.upstreamType, 'ConflictException');
  assert.match(odd.message, /HTTP 409/);
});
