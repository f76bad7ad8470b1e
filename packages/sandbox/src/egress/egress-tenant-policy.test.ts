import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tenantEgressPolicy } from './egress-tenant-policy.js';

const subject = (userId: string) => ({ sandboxId: 's', threadId: 't', userId });

test("a tenant's own list replaces the default; unknown users get the default", async () => {
  const tenants: Record<string, string> = { alice: 'team-a', bob: 'team-b' };
  const policy = tenantEgressPolicy(
    { default: ['pypi.org'], tenants: { 'team-a': ['*.example.com', 'redis.internal:6379'] } },
    (userId) => tenants[userId],
  );
  assert.deepEqual(await policy(subject('alice')), {
    tenantId: 'team-a',
    allow: ['*.example.com', 'redis.internal:6379'],
  });
  assert.deepEqual(await policy(subject('bob')), { tenantId: 'team-b', allow: ['pypi.org'] });
  assert.deepEqual(await policy(subject('nobody')), { allow: ['pypi.org'] });
});

test('an invalid entry fails at once, naming where it is', () => {
  assert.throws(
    () => tenantEgressPolicy({ tenants: { 'team-a': ['ok.example.com', 'bad host:x'] } }, () => undefined),
    /egress\.tenants\.team-a\[1\]: invalid egress allowlist entry "bad host:x"/,
  );
});
