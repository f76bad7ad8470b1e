import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from './store-open.js';
import type { UsageRecord } from './store-usage-records.js';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from './testing/store-testing-urls.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 28, 10); // 2026-11-28T10:00Z

function record(requestId: string, overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId,
    teamId: 'team_a',
    userId: 'user_a',
    keyId: 'key_a',
    threadId: null,
    endpoint: 'chat.completions',
    requestedModel: 'claude-sonnet-4-5',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    cacheWrite5mTokens: null,
    cacheWrite1hTokens: null,
    reasoningTokens: null,
    estimated: false,
    costNanos: 450_000n,
    latencyMs: 12,
    ttftMs: 5,
    attempts: [{ provider: 'anthropic', outcome: 'served' }],
    startedAt: T0,
    ...overrides,
  };
}

const pending = (requestId: string, instanceId: string, startedAt = T0) => ({
  requestId,
  instanceId,
  principalJson: '{}',
  estimateJson: '{"inputTokens":5}',
  reservationsJson: '[]',
  startedAt,
});

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`ledger on ${dialect}`, () => {
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

    test('a commit writes pending rows, records and outbox rows; a record replaces its pending row', async () => {
      await store.usageRecords.commit({ pending: [pending('r1', 'g1'), pending('r2', 'g1')], entries: [] });
      assert.equal(await store.pendingUsage.count(), 2);
      const big = 9_007_199_254_740_993n; // above 2^53: must survive exactly
      const inserted = await store.usageRecords.commit({
        pending: [],
        entries: [
          {
            record: record('r1', { costNanos: big, cacheWrite1hTokens: 7, threadId: 'th1' }),
            outbox: [
              {
                id: 'wh_r1',
                endpoint: 'http://x',
                event: 'usage.recorded',
                payloadJson: '{}',
                createdAt: T0,
                nextAttemptAt: T0,
              },
            ],
          },
        ],
      });
      assert.deepEqual(inserted, ['r1']);
      assert.equal(await store.pendingUsage.count(), 1);
      assert.equal((await store.pendingUsage.get('r2'))?.instanceId, 'g1');
      const got = await store.usageRecords.get('r1');
      assert.equal(got?.costNanos, big);
      assert.equal(got?.cacheWrite1hTokens, 7);
      assert.equal(got?.cacheReadTokens, null, 'absent stays absent');
      assert.equal(got?.threadId, 'th1');
      assert.deepEqual(got?.attempts, [{ provider: 'anthropic', outcome: 'served' }]);
      assert.equal((await store.webhookOutbox.get('wh_r1'))?.attempts, 0);
    });

    test('a duplicate record is ignored, with no second outbox row', async () => {
      const entry = (id: string) => ({
        record: record('dup', { outputTokens: 999 }),
        outbox: [
          {
            id,
            endpoint: 'http://x',
            event: 'usage.recorded',
            payloadJson: '{}',
            createdAt: T0,
            nextAttemptAt: T0,
          },
        ],
      });
      assert.deepEqual(await store.usageRecords.commit({ pending: [], entries: [entry('wh_d1')] }), ['dup']);
      assert.deepEqual(await store.usageRecords.commit({ pending: [], entries: [entry('wh_d2')] }), []);
      assert.equal(await store.usageRecords.count({ keyId: 'key_a', from: T0, to: T0 + 1 }), 2);
      assert.equal(await store.webhookOutbox.get('wh_d2'), undefined);
      // Racing commits of the same request: exactly one wins.
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.usageRecords.commit({ pending: [], entries: [{ record: record('race'), outbox: [] }] }),
        ),
      );
      assert.equal(results.flat().length, 1);
    });

    test('aggregation by every dimension, with filters; spend for budget seeding', async () => {
      const entries = [
        record('a1', { userId: 'u1', keyId: 'k1', threadId: 't1', costNanos: 100n, startedAt: T0 }),
        record('a2', { userId: 'u1', keyId: 'k2', threadId: 't1', costNanos: 200n, startedAt: T0 + 1 }),
        record('a3', {
          userId: 'u2',
          keyId: 'k3',
          threadId: 't2',
          model: 'gpt-4o',
          costNanos: 50n,
          inputTokens: null,
          startedAt: T0 + DAY,
        }),
        record('a4', { userId: null, keyId: null, teamId: null, costNanos: 1n, startedAt: T0 + DAY }),
      ].map((r) => ({ record: { ...r, teamId: r.teamId === null ? null : 'team_agg' }, outbox: [] }));
      await store.usageRecords.commit({ pending: [], entries });
      const filter = { teamId: 'team_agg' };
      const byUser = await store.usageRecords.aggregate('user', filter);
      assert.deepEqual(
        byUser.map((g) => [g.group, g.requests, g.costNanos, g.inputTokens]),
        [
          ['u1', 2, 300n, 200],
          ['u2', 1, 50n, 0],
        ],
      );
      const byDay = await store.usageRecords.aggregate('day', { from: T0, to: T0 + 2 * DAY });
      const days = Object.fromEntries(byDay.map((g) => [g.group, g.requests]));
      assert.equal(days['2026-11-28'], 2 + 3); // r1, dup and race from earlier tests are on T0 too
      assert.equal(days['2026-11-29'], 2);
      assert.deepEqual(
        (await store.usageRecords.aggregate('thread', filter)).map((g) => g.group),
        ['t1', 't2'],
      );
      assert.deepEqual(
        (await store.usageRecords.aggregate('model', { ...filter, userId: 'u2' })).map((g) => g.group),
        ['gpt-4o'],
      );
      assert.deepEqual(
        (await store.usageRecords.aggregate('key', { ...filter, from: T0, to: T0 + DAY })).map(
          (g) => g.group,
        ),
        ['k2', 'k1'],
      );
      const unattributed = await store.usageRecords.aggregate('user', { from: T0 + DAY, to: T0 + 2 * DAY });
      assert.ok(unattributed.some((g) => g.group === null && g.costNanos === 1n));
      assert.deepEqual(await store.usageRecords.spent({ level: 'user', id: 'u1', from: T0, to: T0 + DAY }), {
        tokens: 220,
        costNanos: 300n,
      });
      assert.deepEqual(
        await store.usageRecords.spent({ level: 'key', id: 'k1', from: T0 + 1, to: T0 + DAY }),
        { tokens: 0, costNanos: 0n },
      );
    });

    test('gateway instances: heartbeat, lapse, removal; pending rows by instance', async () => {
      await store.gatewayInstances.register({
        id: 'gw1',
        hostname: 'h',
        pid: 1,
        startedAt: 0,
        heartbeatAt: 100,
      });
      await store.gatewayInstances.register({
        id: 'gw2',
        hostname: 'h',
        pid: 2,
        startedAt: 0,
        heartbeatAt: 100,
      });
      assert.equal(await store.gatewayInstances.heartbeat('gw2', 5_000), true);
      assert.deepEqual(
        (await store.gatewayInstances.listLapsed(1_000)).map((i) => i.id),
        ['gw1'],
      );
      await store.usageRecords.commit({
        pending: [pending('p1', 'gw1', 2), pending('p2', 'gw1', 1), pending('p3', 'gw2')],
        entries: [],
      });
      assert.deepEqual(
        (await store.pendingUsage.listByInstances(['gw1'])).map((p) => p.requestId),
        ['p2', 'p1'],
      );
      assert.ok((await store.pendingUsage.listInstances()).includes('gw2'));
      await store.pendingUsage.remove(['p1', 'p2', 'p3']);
      await store.gatewayInstances.remove('gw1');
      assert.equal(await store.gatewayInstances.heartbeat('gw1', 6_000), false);
      assert.ok(!(await store.gatewayInstances.listIds()).includes('gw1'));
    });

    test('outbox: concurrent claims never share a row; leases fence outcomes; failures reschedule', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => ({
        id: `wh_c${i}`,
        endpoint: 'http://recv',
        event: 'usage.recorded',
        payloadJson: `{"i":${i}}`,
        createdAt: 1_000,
        nextAttemptAt: 1_000 + i,
      }));
      await store.webhookOutbox.insert(rows);
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => store.webhookOutbox.claim(`w${i}`, 2_000, 10_000, 10)),
      );
      const ids = claims.flat().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'no row leased twice');
      // wh_r1 from the first test is due too.
      assert.ok(ids.length >= 30);
      const owned = claims.findIndex((c) => c.some((r) => r.id === 'wh_c0'));
      assert.equal(await store.webhookOutbox.markDelivered('wh_c0', 'not-the-owner', 2_001), false);
      assert.equal(await store.webhookOutbox.markDelivered('wh_c0', `w${owned}`, 2_001), true);
      const c1Owner = claims.findIndex((c) => c.some((r) => r.id === 'wh_c1'));
      assert.equal(await store.webhookOutbox.markFailed('wh_c1', `w${c1Owner}`, 'HTTP 500', 50_000), true);
      // Nothing is due until leases lapse or retries come due.
      assert.deepEqual(await store.webhookOutbox.claim('w9', 3_000, 10_000, 100), []);
      const later = await store.webhookOutbox.claim('w9', 13_000, 10_000, 100);
      assert.ok(!later.some((r) => r.id === 'wh_c0' || r.id === 'wh_c1'), 'delivered / not yet due');
      assert.ok(
        later.some((r) => r.id === 'wh_c2'),
        'a lapsed lease is claimable again',
      );
      const retry = await store.webhookOutbox.claim('w9', 60_000, 10_000, 100);
      const c1 = retry.find((r) => r.id === 'wh_c1');
      assert.equal(c1?.attempts, 1);
      assert.equal(c1?.lastError, 'HTTP 500');
      assert.equal(await store.webhookOutbox.markFailed('wh_c1', 'w9', 'gave up', null), true);
      assert.equal((await store.webhookOutbox.get('wh_c1'))?.nextAttemptAt, null);
      assert.deepEqual(
        (await store.webhookOutbox.claim('w10', 1e12, 10, 100)).filter((r) => r.id === 'wh_c1'),
        [],
      );
      assert.equal((await store.webhookOutbox.get('wh_c0'))?.deliveredAt, 2_001);
    });
  });
}
