import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from './store-open.js';
import type { SandboxClaim } from './store-sandboxes.js';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from './testing/store-testing-urls.js';

const claimBy = (owner: string, threadId: string, now: number, i = 0): SandboxClaim => ({
  id: `sbx-${threadId}-${owner}-${i}`,
  threadId,
  userId: 'u1',
  owner,
  host: 'h1',
  now,
  leaseMs: 30_000,
});

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`sandboxes on ${dialect}`, () => {
    let target: TestStoreUrl;
    let store: Store;
    before(async () => {
      target = fresh();
      store = await openStore({ url: target.url });
    });
    after(async () => {
      await store.close();
      await target.cleanup();
    });

    test('100 concurrent claims of one thread: exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.sandboxes.claim(claimBy(`m${i % 7}`, 'cas-thread', 1000, i)),
        ),
      );
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.state, 'starting');
      assert.equal(winners[0]?.generation, 1);
    });

    test('writes are fenced by owner and generation; off frees the slot for the next claim', async () => {
      const won = await store.sandboxes.claim(claimBy('a', 't-fence', 1000));
      assert.ok(won);
      const fence = { threadId: 't-fence', owner: 'a', generation: won.generation };
      assert.equal(await store.sandboxes.update({ ...fence, owner: 'b' }, { state: 'running' }, 1001), false);
      assert.equal(
        await store.sandboxes.update(fence, { state: 'running', pid: 42 }, 1001, ['starting']),
        true,
      );
      assert.equal(await store.sandboxes.update(fence, { state: 'running' }, 1002, ['starting']), false);
      assert.equal(await store.sandboxes.claim(claimBy('b', 't-fence', 1003)), undefined);
      assert.equal(await store.sandboxes.update(fence, { state: 'off', pid: null }, 1004), true);
      const next = await store.sandboxes.claim(claimBy('b', 't-fence', 1005));
      assert.equal(next?.owner, 'b');
      assert.equal(next?.generation, 2);
      assert.equal(next?.id, won.id, 'the row (and its work dir) stays the thread’s');
      // The old owner's fence no longer holds.
      assert.equal(await store.sandboxes.update(fence, { state: 'off' }, 1006), false);
    });

    test('an expired lease can be taken over; renewing keeps it', async () => {
      const won = await store.sandboxes.claim(claimBy('lease-a', 't-lease', 0));
      assert.ok(won);
      assert.equal(await store.sandboxes.renewLeases('lease-a', 50_000, 10), 1);
      assert.equal(await store.sandboxes.claim(claimBy('lease-b', 't-lease', 40_000)), undefined);
      const stale = await store.sandboxes.listStale(60_000);
      assert.ok(stale.some((r) => r.threadId === 't-lease'));
      const taken = await store.sandboxes.claim(claimBy('lease-b', 't-lease', 60_000));
      assert.equal(taken?.owner, 'lease-b');
      assert.equal(taken?.generation, won.generation + 1);
      assert.deepEqual(
        (await store.sandboxes.listOwned('lease-b')).map((r) => r.threadId),
        ['t-lease'],
      );
    });

    test('managers and processes registries', async () => {
      await store.sandboxManagers.register({
        id: 'm1',
        hostname: 'h1',
        endpoint: 'http://127.0.0.1:1',
        pid: 1,
        startedAt: 0,
        leaseExpiresAt: 100,
      });
      assert.equal(await store.sandboxManagers.renew('m1', 200), true);
      assert.deepEqual(
        (await store.sandboxManagers.listExpired(300)).map((m) => m.id),
        ['m1'],
      );
      assert.equal((await store.sandboxManagers.get('m1'))?.endpoint, 'http://127.0.0.1:1');
      await store.sandboxManagers.remove('m1');
      assert.equal(await store.sandboxManagers.renew('m1', 300), false);
      await store.sandboxProcesses.record({
        sandboxId: 's1',
        owner: 'm1',
        hostname: 'h1',
        pid: 7,
        startedAt: 5,
      });
      assert.deepEqual(await store.sandboxProcesses.listOnHost('h1'), [
        { sandboxId: 's1', owner: 'm1', hostname: 'h1', pid: 7, startedAt: 5 },
      ]);
      await store.sandboxProcesses.remove('s1');
      assert.deepEqual(await store.sandboxProcesses.listOnHost('h1'), []);
    });
  });
}
