import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EgressAllowlist } from './egress-allowlist.js';

test('exact hosts, suffix wildcards and ports', () => {
  const list = new EgressAllowlist(['gateway.rampart.internal', '*.example.com', 'redis.internal:6379']);
  assert.equal(list.allows('gateway.rampart.internal', 443), true);
  assert.equal(list.allows('GATEWAY.rampart.internal.', 80), true);
  assert.equal(list.allows('gateway.rampart.internal', 22), false, 'no port means web ports only');
  assert.equal(list.allows('api.example.com', 443), true);
  assert.equal(list.allows('example.com', 443), false, '*.x does not match x itself');
  assert.equal(list.allows('evil-example.com', 443), false);
  assert.equal(list.allows('example.com.evil.net', 443), false);
  assert.equal(list.allows('redis.internal', 6379), true);
  assert.equal(list.allows('redis.internal', 6380), false);
  assert.throws(() => new EgressAllowlist(['bad host:x']));
});
