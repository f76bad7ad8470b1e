import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ERROR_CODES,
  InvalidRequestError,
  RampartError,
  UpstreamError,
  errorCodeForStatus,
  toRampartError,
} from './index.js';

test('every error code is documented in ERROR-CODES.md with its status', () => {
  const doc = readFileSync(new URL('../ERROR-CODES.md', import.meta.url), 'utf8');
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.match(
      doc,
      new RegExp(`\\| \`${code}\` +\\| ${status} +\\|`),
      `${code} is not documented with status ${status}`,
    );
  }
});

test('errors keep name, code, status, retryability and cause', () => {
  const cause = new Error('socket hang up');
  const error = new UpstreamError('overloaded', 'Overloaded', {
    provider: 'anthropic',
    upstreamStatus: 529,
    upstreamType: 'overloaded_error',
    responseStarted: true,
    cause,
  });
  assert.equal(error.name, 'UpstreamError');
  assert.equal(error.code, 'overloaded');
  assert.equal(error.status, 529);
  assert.equal(error.retryable, true);
  assert.equal(error.responseStarted, true);
  assert.equal(error.cause, cause);
  assert.ok(error instanceof RampartError);

  const invalid = new InvalidRequestError('messages must be an array', { param: 'messages' });
  assert.equal(invalid.name, 'InvalidRequestError');
  assert.equal(invalid.status, 400);
  assert.equal(invalid.retryable, false);
  assert.equal(invalid.param, 'messages');
});

test('statuses map to codes; anything thrown becomes an internal error', () => {
  assert.equal(errorCodeForStatus(429), 'rate_limited');
  assert.equal(errorCodeForStatus(529), 'overloaded');
  assert.equal(errorCodeForStatus(500), 'upstream_error');
  assert.equal(errorCodeForStatus(418), 'invalid_request');
  const wrapped = toRampartError(new TypeError('boom'));
  assert.equal(wrapped.code, 'internal');
  assert.equal(wrapped.status, 500);
});
