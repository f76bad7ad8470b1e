import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisAclProvisioner, type RedisUserCredentials } from './redis-acl-provisioner.js';
import { redisAclUsername } from './redis-acl-rules.js';

// Real Redis at 127.0.0.1:6379 (scripts/setup.mjs starts it for tests). Unique ids; every ACL user is deleted.
const admin = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const provisioner = createRedisAclProvisioner(admin);
const userA = `t${randomUUID().slice(0, 8)}a`;
const userB = `t${randomUUID().slice(0, 8)}b`;
const clients: Redis[] = [];

function login(credentials: RedisUserCredentials): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port: 6379,
    ...credentials,
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  clients.push(client);
  return client;
}

before(() => admin.connect());
after(async () => {
  for (const client of clients) client.disconnect();
  await provisioner.remove(userA);
  await provisioner.remove(userB);
  await admin.del(`user:${userA}:k`, `user:${userB}:k`);
  admin.disconnect();
});

test("a user's credentials reach its own keys and nothing else", async () => {
  const a = login(await provisioner.provision(userA));
  await provisioner.provision(userB);
  await admin.set(`user:${userB}:k`, 'secret of B');
  await a.connect();
  assert.equal(await a.set(`user:${userA}:k`, '1'), 'OK');
  assert.equal(await a.incr(`user:${userA}:k`), 2);
  await a.rpush(`queue:${userA}:jobs`, 'j');
  assert.equal(await a.lpop(`queue:${userA}:jobs`), 'j');
  await assert.rejects(a.get(`user:${userB}:k`), /NOPERM/);
  await assert.rejects(a.get('unscoped'), /NOPERM/);
  await assert.rejects(a.publish(`user:${userB}:events`, 'x'), /NOPERM/);
  for (const command of [
    ['FLUSHALL'],
    ['FLUSHDB'],
    ['KEYS', '*'],
    ['SCAN', '0'],
    ['CONFIG', 'GET', '*'],
    ['EVAL', 'return 1', '0'],
    ['ACL', 'LIST'],
    ['CLIENT', 'KILL', 'USER', 'default'],
  ]) {
    await assert.rejects(a.call(command[0] as string, ...command.slice(1)), /NOPERM/, command.join(' '));
  }
  // Never really sent: if the ACL were wrong they would stop the shared Redis. DRYRUN asks the ACL itself.
  for (const command of [
    ['SHUTDOWN'],
    ['DEBUG', 'SLEEP', '0'],
    ['MODULE', 'LIST'],
    ['MIGRATE', 'h', '1', 'k', '0', '1'],
  ]) {
    const verdict = String(await admin.call('ACL', 'DRYRUN', redisAclUsername(userA), ...command));
    assert.match(verdict, /no permissions/, command.join(' '));
  }
  assert.equal(await admin.get(`user:${userB}:k`), 'secret of B', 'B survived');
});

test('provisioning is idempotent and rotation invalidates the old password', async () => {
  const first = await provisioner.provision(userA, 'fixed-password-1');
  const again = await provisioner.provision(userA, 'fixed-password-1');
  assert.deepEqual(first, again);
  const rules = (await admin.call('ACL', 'GETUSER', redisAclUsername(userA))) as unknown[];
  assert.equal((rules[3] as string[]).length, 1, 'exactly one password');
  const rotated = await provisioner.rotate(userA);
  assert.notEqual(rotated.password, first.password);
  const probe = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 0 });
  clients.push(probe);
  await probe.connect();
  await assert.rejects(probe.call('AUTH', first.username, first.password), /WRONGPASS/);
  const fresh = login(rotated);
  await fresh.connect();
  assert.equal(await fresh.ping(), 'PONG');
});

test('remove deletes the user and is a no-op the second time', async () => {
  const id = `t${randomUUID().slice(0, 8)}c`;
  await provisioner.provision(id);
  await provisioner.remove(id);
  await provisioner.remove(id);
  assert.equal(((await admin.call('ACL', 'USERS')) as string[]).includes(redisAclUsername(id)), false);
});

test('ids that would widen a glob are refused', () => {
  assert.throws(() => redisAclUsername('*'));
  assert.throws(() => redisAclUsername('a:b'));
  assert.throws(() => redisAclUsername('a[b]'));
});
