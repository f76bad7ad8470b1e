import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from './store-open.js';
import type { StartRun } from './store-runs.js';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from './testing/store-testing-urls.js';

const LEASE = 10_000;

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`threads, messages, runs and run events on ${dialect}`, () => {
    let target: TestStoreUrl;
    let store: Store;
    let n = 0;
    const thread = async (userId = 'u1') =>
      store.threads.create({ id: `th-${++n}`, userId, teamId: 'team1', title: null, now: 1000 });
    const start = (threadId: string, key: string, i: number, text = 'hello'): StartRun => ({
      runId: `run-${threadId}-${key}-${i}`,
      threadId,
      userId: 'u1',
      idempotencyKey: key,
      principalJson: null,
      message: {
        id: `msg-${threadId}-${key}-${i}`,
        role: 'user',
        contentJson: JSON.stringify([{ type: 'text', text }]),
        runId: `run-${threadId}-${key}-${i}`,
      },
      now: 2000 + i,
    });

    before(async () => {
      target = fresh();
      store = await openStore({ url: target.url });
    });
    after(async () => {
      await store.close();
      await target.cleanup();
    });

    test('threads are found only by their owner', async () => {
      const t = await thread('alice');
      assert.equal((await store.threads.getOwned(t.id, 'alice'))?.id, t.id);
      assert.equal(await store.threads.getOwned(t.id, 'bob'), undefined);
      assert.equal(await store.threads.getOwned('th-missing', 'alice'), undefined);
    });

    test('concurrent appends get distinct consecutive seqs', async () => {
      const t = await thread();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.messages.append(
            t.id,
            [{ id: `m-${t.id}-${i}`, role: 'user', contentJson: '[]', runId: null }],
            3000,
          ),
        ),
      );
      const seqs = (await store.messages.list(t.id)).map((m) => m.seq);
      assert.deepEqual(
        seqs,
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      assert.equal((await store.threads.get(t.id))?.messageCount, 20);
      assert.deepEqual(
        (await store.messages.list(t.id, { afterSeq: 18 })).map((m) => m.seq),
        [19, 20],
      );
    });

    test('three concurrent posts with one idempotency key start one run and write one message', async () => {
      const t = await thread();
      const results = await Promise.all([0, 1, 2].map((i) => store.runs.start(start(t.id, 'same-key', i))));
      const created = results.filter((r) => r.kind === 'created');
      assert.equal(created.length, 1);
      const runIds = new Set(results.map((r) => (r.kind === 'busy' ? 'busy' : r.run.id)));
      assert.equal(runIds.size, 1, 'every caller got the same run id');
      for (const r of results) {
        assert.notEqual(r.kind, 'busy');
        if (r.kind !== 'busy') assert.equal(r.message?.seq, 1, 'the losers are told the winner’s message');
      }
      assert.equal((await store.messages.list(t.id)).length, 1);
      // A later retry (the run may be long finished by then) still gets the same run.
      const retry = await store.runs.start(start(t.id, 'same-key', 9));
      assert.equal(retry.kind, 'existing');
      assert.equal(
        retry.kind === 'existing' && retry.run.id,
        created[0]?.kind === 'created' && created[0].run.id,
      );
    });

    test('a different message while a run is active is refused (busy)', async () => {
      const t = await thread();
      const first = await store.runs.start(start(t.id, 'k1', 0));
      assert.equal(first.kind, 'created');
      const second = await store.runs.start(start(t.id, 'k2', 1));
      assert.deepEqual(second, {
        kind: 'busy',
        activeRunId: first.kind === 'created' ? first.run.id : '',
      });
      assert.equal((await store.messages.list(t.id)).length, 1, 'the refused message was not written');
    });

    test('lease: claim, renew, fenced checkpoint CAS, takeover after expiry, fenced events, finish', async () => {
      const t = await thread();
      const s = await store.runs.start(start(t.id, 'lease', 0));
      assert.equal(s.kind, 'created');
      const runId = s.kind === 'created' ? s.run.id : '';

      const a = await store.runs.claim({ runId, workerId: 'A', now: 10_000, leaseMs: LEASE });
      assert.equal(a?.status, 'running');
      assert.equal(a?.claims, 1);
      assert.equal(await store.runs.claim({ runId, workerId: 'B', now: 15_000, leaseMs: LEASE }), undefined);
      assert.deepEqual(await store.runs.renewLease({ runId, workerId: 'A', now: 15_000, leaseMs: LEASE }), {
        cancelRequested: false,
      });

      const version = a.checkpointVersion;
      const save = (workerId: string, expectedVersion: number, json: string, now: number) =>
        store.runs.saveCheckpoint({
          runId,
          workerId,
          expectedVersion,
          checkpointJson: json,
          now,
          leaseMs: LEASE,
        });
      assert.equal(await save('A', version, '{"steps":1}', 16_000), true);
      assert.equal(await save('A', version, '{"steps":1}', 16_001), false, 'a stale version loses the CAS');
      assert.equal(await save('B', version + 1, '{"steps":9}', 16_002), false, 'a non-holder loses the CAS');

      assert.equal(
        await store.runEvents.append(runId, 'A', [
          { seq: 1, type: 'run_started', bodyJson: '{}', at: 1 },
          { seq: 2, type: 'content', bodyJson: '{"text":"hi"}', at: 2 },
        ]),
        true,
      );
      assert.equal(
        await store.runEvents.append(runId, 'B', [{ seq: 3, type: 'x', bodyJson: '{}', at: 3 }]),
        false,
      );

      // A goes silent: its lease (renewed by the checkpoint to 26 000) expires and B takes over.
      assert.equal(await store.runs.claim({ runId, workerId: 'B', now: 25_999, leaseMs: LEASE }), undefined);
      const b = await store.runs.claim({ runId, workerId: 'B', now: 26_001, leaseMs: LEASE });
      assert.equal(b?.workerId, 'B');
      assert.equal(b?.claims, 2);
      assert.equal(b?.checkpointJson, '{"steps":1}', 'the successor resumes from the last checkpoint');
      assert.ok(b.checkpointVersion > version + 1, 'the claim moved the fencing version');
      assert.equal(await store.runEvents.lastSeq(runId), 2);

      // The old holder is fenced out of every write.
      assert.equal(await save('A', version + 1, '{"steps":2}', 26_002), false);
      assert.equal(
        await store.runEvents.append(runId, 'A', [{ seq: 3, type: 'x', bodyJson: '{}', at: 3 }]),
        false,
      );
      assert.equal(
        await store.runs.renewLease({ runId, workerId: 'A', now: 26_003, leaseMs: LEASE }),
        undefined,
      );
      assert.equal(
        await store.runs.finish({ runId, workerId: 'A', status: 'completed', messages: [], now: 26_004 }),
        false,
      );

      assert.equal(
        await store.runEvents.append(runId, 'B', [{ seq: 3, type: 'done', bodyJson: '{}', at: 3 }]),
        true,
      );
      assert.deepEqual(
        (await store.runEvents.list(runId, 1)).map((e) => [e.seq, e.type]),
        [
          [2, 'content'],
          [3, 'done'],
        ],
      );
      assert.equal(
        await store.runs.finish({
          runId,
          workerId: 'B',
          status: 'completed',
          messages: [{ id: `asst-${runId}`, role: 'assistant', contentJson: '[]', runId }],
          now: 27_000,
        }),
        true,
      );
      const done = await store.runs.get(runId);
      assert.equal(done?.status, 'completed');
      assert.equal(done?.leaseExpiresAt, null);
      assert.deepEqual(
        (await store.messages.listByRun(runId)).map((m) => [m.seq, m.role]),
        [
          [1, 'user'],
          [2, 'assistant'],
        ],
      );
      // Finished runs are never claimed again, and the thread takes a new message.
      assert.equal(await store.runs.claim({ runId, workerId: 'C', now: 99_999, leaseMs: LEASE }), undefined);
      assert.equal((await store.runs.start(start(t.id, 'next', 1))).kind, 'created');
    });

    test('appendMany: several runs in one transaction, each fenced by its own claim token', async () => {
      const ids: string[] = [];
      for (const key of ['m1', 'm2', 'm3']) {
        const t = await thread();
        const s = await store.runs.start(start(t.id, key, 0));
        const runId = s.kind === 'created' ? s.run.id : '';
        await store.runs.claim({ runId, workerId: `W-${key}`, now: 10_000, leaseMs: LEASE });
        ids.push(runId);
      }
      const ev = (seq: number) => ({ seq, type: 'content', bodyJson: `{"n":${seq}}`, at: seq });
      assert.deepEqual(
        await store.runEvents.appendMany([
          { runId: ids[0]!, workerId: 'W-m1', events: [ev(1), ev(2)] },
          // Not the holder of m2: fenced out, the others still written.
          { runId: ids[1]!, workerId: 'W-m1', events: [ev(1)] },
          { runId: ids[2]!, workerId: 'W-m3', events: [ev(1)] },
          { runId: ids[1]!, workerId: 'W-m2', events: [] },
        ]),
        [true, false, true, true],
      );
      assert.deepEqual(
        (await store.runEvents.list(ids[0]!, 0)).map((e) => e.seq),
        [1, 2],
      );
      assert.equal(await store.runEvents.lastSeq(ids[1]!), 0);
      assert.equal(await store.runEvents.lastSeq(ids[2]!), 1);
      // A duplicate seq fails the whole batch: nothing of it is written.
      await assert.rejects(
        store.runEvents.appendMany([
          { runId: ids[2]!, workerId: 'W-m3', events: [ev(2)] },
          { runId: ids[0]!, workerId: 'W-m1', events: [ev(2)] },
        ]),
      );
      assert.equal(await store.runEvents.lastSeq(ids[2]!), 1);
    });

    test('saveCheckpoints: many compare-and-swaps in one transaction, each answered on its own', async () => {
      const claimed = [];
      for (const key of ['c1', 'c2']) {
        const t = await thread();
        const s = await store.runs.start(start(t.id, key, 0));
        const runId = s.kind === 'created' ? s.run.id : '';
        claimed.push((await store.runs.claim({ runId, workerId: 'W', now: 10_000, leaseMs: LEASE }))!);
      }
      const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
      const save = (runId: string, workerId: string, expectedVersion: number, json: string) => ({
        runId,
        workerId,
        expectedVersion,
        checkpointJson: json,
        now: 11_000,
        leaseMs: LEASE,
      });
      assert.deepEqual(
        await store.runs.saveCheckpoints([
          save(a.id, 'W', a.checkpointVersion, '{"a":1}'),
          save(b.id, 'W', b.checkpointVersion + 7, '{"b":1}'),
          save(b.id, 'X', b.checkpointVersion, '{"b":2}'),
        ]),
        [true, false, false],
      );
      assert.equal((await store.runs.get(a.id))?.checkpointJson, '{"a":1}');
      assert.equal((await store.runs.get(b.id))?.checkpointJson, null);
    });

    test('cancel: a queued run ends at once with its final event; a running one is flagged for its holder', async () => {
      const t1 = await thread();
      const q = await store.runs.start(start(t1.id, 'c', 0));
      const queuedId = q.kind === 'created' ? q.run.id : '';
      const cancelled = await store.runs.requestCancel(queuedId, 5000, {
        type: 'error',
        bodyJson: '{"code":"x"}',
      });
      assert.equal(cancelled?.status, 'cancelled');
      assert.deepEqual(
        (await store.runEvents.list(queuedId, 0)).map((e) => [e.seq, e.type]),
        [[1, 'error']],
      );
      assert.equal(
        await store.runs.claim({ runId: queuedId, workerId: 'W', now: 6000, leaseMs: LEASE }),
        undefined,
      );

      const t2 = await thread();
      const r = await store.runs.start(start(t2.id, 'c', 0));
      const runningId = r.kind === 'created' ? r.run.id : '';
      await store.runs.claim({ runId: runningId, workerId: 'W', now: 6000, leaseMs: LEASE });
      const flagged = await store.runs.requestCancel(runningId, 6500, { type: 'error', bodyJson: '{}' });
      assert.equal(flagged?.status, 'running');
      assert.equal(flagged?.cancelRequestedAt, 6500);
      assert.deepEqual(
        await store.runs.renewLease({ runId: runningId, workerId: 'W', now: 7000, leaseMs: LEASE }),
        {
          cancelRequested: true,
        },
      );
      assert.equal(
        await store.runs.requestCancel('run-missing', 7000, { type: 'error', bodyJson: '{}' }),
        undefined,
      );
    });

    test('recoverable: expired leases and long-queued runs', async () => {
      const t1 = await thread();
      const t2 = await thread();
      const t3 = await thread();
      const ids: string[] = [];
      for (const t of [t1, t2, t3]) {
        const s = await store.runs.start({ ...start(t.id, 'rec', 0), now: 50_000 });
        ids.push(s.kind === 'created' ? s.run.id : '');
      }
      await store.runs.claim({ runId: ids[0]!, workerId: 'dead', now: 50_000, leaseMs: 1000 });
      await store.runs.claim({ runId: ids[1]!, workerId: 'alive', now: 50_000, leaseMs: 100_000 });
      const found = (await store.runs.listRecoverable(52_000, 51_000)).map((r) => r.id);
      assert.ok(found.includes(ids[0]!), 'expired lease');
      assert.ok(!found.includes(ids[1]!), 'live lease');
      assert.ok(found.includes(ids[2]!), 'queued since before the cut-off');
      assert.ok(!(await store.runs.listRecoverable(52_000, 40_000)).some((r) => r.id === ids[2]));
    });
  });
}
