import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StoreError } from './store-errors.js';
import { openStore, type Store } from './store-open.js';
import type { NewVirtualKey } from './store-virtual-keys.js';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from './testing/store-testing-urls.js';

const newKey = (id: string, userId: string, teamId: string, now: number): NewVirtualKey => ({
  id,
  keyHash: `hash-${id}`,
  keyPrefix: 'rk_abcdefg',
  teamId,
  userId,
  name: `key ${id}`,
  scopes: { models: ['m1'] },
  route: { provider: 'anthropic' },
  limits: { requestsPerMinute: 10 },
  promptCache: false,
  now,
});

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`tenancy tables on ${dialect}`, () => {
    let target: TestStoreUrl;
    let store: Store;
    before(async () => {
      target = fresh();
      store = await openStore({ url: target.url });
      await store.teams.create({ id: 'team_a', name: 'alpha', limits: { usdPerDay: '5.00' }, now: 1 });
      await store.teams.create({ id: 'team_b', name: 'beta', now: 2 });
      await store.users.create({ id: 'user_a1', teamId: 'team_a', name: 'ann', email: 'a@x', now: 3 });
      await store.users.create({ id: 'user_b1', teamId: 'team_b', name: 'ann', now: 4 });
    });
    after(async () => {
      await store.close();
      await target.cleanup();
    });

    test('0002-tenancy is applied once, and reopening applies nothing', async () => {
      assert.ok(store.appliedMigrations.includes('0002-tenancy'));
      const again = await openStore({ url: target.url });
      assert.deepEqual(again.appliedMigrations, []);
      await again.close();
    });

    test('teams and users: unique names (per team for users), limits as JSON, lists by team', async () => {
      const team = await store.teams.getByName('alpha');
      assert.deepEqual(team, { id: 'team_a', name: 'alpha', limits: { usdPerDay: '5.00' }, createdAt: 1 });
      await assert.rejects(
        store.teams.create({ id: 'team_c', name: 'alpha', now: 5 }),
        (e: unknown) => e instanceof StoreError && e.code === 'store_conflict',
      );
      await assert.rejects(
        store.users.create({ id: 'user_a2', teamId: 'team_a', name: 'ann', now: 5 }),
        (e: unknown) => e instanceof StoreError && e.code === 'store_conflict',
      );
      assert.deepEqual(
        (await store.users.list({ teamId: 'team_b' })).map((u) => u.id),
        ['user_b1'],
      );
      const updated = await store.users.setLimits('user_a1', { tokensPerHour: 1000 });
      assert.deepEqual(updated?.limits, { tokensPerHour: 1000 });
      assert.equal(await store.teams.setLimits('team_nope', {}), undefined);
      // A user must belong to an existing team.
      await assert.rejects(store.users.create({ id: 'user_x', teamId: 'team_nope', name: 'x', now: 6 }));
    });

    test('credentials: unique per team, replaced with rotated_at, deleted', async () => {
      const created = await store.credentials.create({
        id: 'cred_1',
        teamId: 'team_a',
        name: 'prod',
        provider: 'anthropic',
        sealed: 'v1:AAAA',
        now: 10,
      });
      assert.equal(created.rotatedAt, null);
      await store.credentials.create({
        id: 'cred_2',
        teamId: 'team_b',
        name: 'prod',
        provider: 'openai',
        sealed: 'v1:BBBB',
        now: 11,
      });
      await assert.rejects(
        store.credentials.create({
          id: 'cred_3',
          teamId: 'team_a',
          name: 'prod',
          provider: 'openai',
          sealed: 'v1:CCCC',
          now: 12,
        }),
        (e: unknown) => e instanceof StoreError && e.code === 'store_conflict',
      );
      const replaced = await store.credentials.replace('cred_1', { sealed: 'v1:DDDD' }, 20);
      assert.equal(replaced?.sealed, 'v1:DDDD');
      assert.equal(replaced?.rotatedAt, 20);
      assert.equal((await store.credentials.getByName('team_b', 'prod'))?.id, 'cred_2');
      assert.equal(await store.credentials.delete('cred_2'), true);
      assert.equal(await store.credentials.delete('cred_2'), false);
      assert.deepEqual(
        (await store.credentials.list()).map((c) => c.id),
        ['cred_1'],
      );
    });

    test('virtual keys: found by hash, patched, revoked once, rotated once, touched forward only', async () => {
      const key = await store.virtualKeys.create(newKey('key_1', 'user_a1', 'team_a', 100));
      assert.deepEqual(key.scopes, { models: ['m1'] });
      assert.deepEqual(key.route, { provider: 'anthropic' });
      assert.equal(key.promptCache, false);
      assert.equal((await store.virtualKeys.getByHash('hash-key_1'))?.id, 'key_1');
      assert.equal(await store.virtualKeys.getByHash('hash-nope'), undefined);

      const patched = await store.virtualKeys.update('key_1', { route: null, promptCache: null, limits: {} });
      assert.equal(patched?.route, null);
      assert.equal(patched?.promptCache, null);
      assert.deepEqual(patched?.limits, {});
      assert.deepEqual(patched?.scopes, { models: ['m1'] }, 'fields not given stay');

      const rotated = await store.virtualKeys.rotate(
        'key_1',
        newKey('key_2', 'user_a1', 'team_a', 200),
        5000,
      );
      assert.equal(rotated?.old.expiresAt, 5000);
      assert.equal(rotated?.old.successorId, 'key_2');
      assert.equal(rotated?.successor.expiresAt, null);
      assert.equal(
        await store.virtualKeys.rotate('key_1', newKey('key_3', 'user_a1', 'team_a', 300), 6000),
        undefined,
        'a key is rotated once; its successor is what rotates next',
      );
      assert.equal(await store.virtualKeys.get('key_3'), undefined, 'the refused rotation inserted nothing');

      const revoked = await store.virtualKeys.revoke('key_2', 400);
      assert.equal(revoked?.revokedAt, 400);
      assert.equal((await store.virtualKeys.revoke('key_2', 500))?.revokedAt, 400);
      assert.equal(await store.virtualKeys.revoke('key_nope', 500), undefined);
      assert.equal(
        await store.virtualKeys.rotate('key_2', newKey('key_4', 'user_a1', 'team_a', 600), 7000),
        undefined,
        'a revoked key cannot be rotated',
      );

      await store.virtualKeys.touch([
        { id: 'key_1', at: 900 },
        { id: 'key_2', at: 800 },
      ]);
      await store.virtualKeys.touch([{ id: 'key_1', at: 850 }]);
      assert.equal((await store.virtualKeys.get('key_1'))?.lastUsedAt, 900);
      assert.equal((await store.virtualKeys.get('key_2'))?.lastUsedAt, 800);
      assert.deepEqual(
        (await store.virtualKeys.list({ userId: 'user_a1' })).map((k) => k.id),
        ['key_1', 'key_2'],
      );
      assert.deepEqual(await store.virtualKeys.list({ teamId: 'team_b' }), []);
    });

    test('concurrent rotations of one key: exactly one wins', async () => {
      await store.virtualKeys.create(newKey('key_c', 'user_b1', 'team_b', 1000));
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.virtualKeys.rotate('key_c', newKey(`key_c${i}`, 'user_b1', 'team_b', 1001), 9000),
        ),
      );
      assert.equal(results.filter((r) => r !== undefined).length, 1);
      assert.equal((await store.virtualKeys.list({ teamId: 'team_b' })).length, 2);
    });
  });
}
