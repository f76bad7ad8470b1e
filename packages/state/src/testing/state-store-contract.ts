// One behaviour suite every StateStore must pass. The in-process store runs it on fake time; the Redis store on
// real (short) time, because its scripts read Redis server TIME. `a` and `b` are two handles on the same state:
// the same object in-process, two separate connections for Redis, so "across replicas" is exercised too.
import assert from 'node:assert/strict';
import { describe, test, beforeEach, afterEach } from 'node:test';
import type { BreakerThresholds } from '../breaker-state.js';
import type { StateStore } from '../state-store.js';

/** Two handles on one shared state and a way to let time pass. */
export interface ContractHarness {
  a: StateStore;
  b: StateStore;
  /** Lets `ms` pass: advances a fake clock, or really waits (keep these short). */
  advance(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

const thresholds = (overrides: Partial<BreakerThresholds> = {}): BreakerThresholds => ({
  consecutiveFailures: 3,
  failureRate: 0,
  minimumCalls: 10,
  windowMs: 10_000,
  buckets: 10,
  openMs: 100,
  ...overrides,
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Registers the contract suite for one store implementation. */
export function stateStoreContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`${name}: StateStore contract`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    describe('circuit breaker', () => {
      test('is closed for an unknown key', async () => {
        const snapshot = await h.a.breakerRead('unknown');
        assert.equal(snapshot.state.kind, 'closed');
        assert.equal(snapshot.consecutiveFailures, 0);
      });

      test('opens after N consecutive failures; a success resets the run', async () => {
        const t = thresholds();
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.b.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.a.breakerRecord('k', { outcome: 'success', thresholds: t });
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        let snapshot = await h.b.breakerRecord('k', { outcome: 'failure', thresholds: t });
        assert.equal(snapshot.state.kind, 'closed');
        assert.equal(snapshot.consecutiveFailures, 2);
        snapshot = await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        assert.equal(snapshot.state.kind, 'open');
        assert.ok(snapshot.state.kind === 'open' && snapshot.state.until - snapshot.state.since === 100);
        assert.equal((await h.b.breakerRead('k')).state.kind, 'open');
      });

      test('opens on failure rate only once the minimum number of calls is reached', async () => {
        const t = thresholds({ consecutiveFailures: 0, failureRate: 0.5, minimumCalls: 6 });
        for (const outcome of ['failure', 'success', 'failure', 'success', 'failure'] as const) {
          const snapshot = await h.a.breakerRecord('k', { outcome, thresholds: t });
          assert.equal(snapshot.state.kind, 'closed', 'below minimum calls');
        }
        const snapshot = await h.b.breakerRecord('k', { outcome: 'success', thresholds: t });
        assert.equal(snapshot.state.kind, 'closed', '3/6 but the call that reached 6 was a success');
        assert.equal(snapshot.failures, 3);
        assert.equal(snapshot.successes, 3);
        const opened = await h.b.breakerRecord('k', { outcome: 'failure', thresholds: t });
        assert.equal(opened.state.kind, 'open', '4/7 ≥ 0.5');
      });

      test('forgets calls that slid out of the rolling window', async () => {
        const t = thresholds({
          consecutiveFailures: 0,
          failureRate: 0.5,
          minimumCalls: 4,
          windowMs: 200,
          buckets: 4,
        });
        for (let i = 0; i < 3; i += 1) await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.advance(260);
        const snapshot = await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        assert.equal(snapshot.state.kind, 'closed', 'old failures are gone, 1 call < minimum');
        assert.equal(snapshot.failures, 1);
      });

      test('open → half-open after the cool-down; exactly one probe; success closes', async () => {
        const t = thresholds({ consecutiveFailures: 1, openMs: 80 });
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        const early = await h.b.breakerAcquireProbe('k', 'p1', 1000);
        assert.equal(early.granted, false, 'still cooling down');
        assert.equal(early.snapshot.state.kind, 'open');
        await h.advance(100);
        assert.equal((await h.a.breakerRead('k')).state.kind, 'half-open');
        const first = await h.b.breakerAcquireProbe('k', 'p1', 1000);
        const second = await h.a.breakerAcquireProbe('k', 'p2', 1000);
        assert.equal(first.granted, true);
        assert.equal(second.granted, false);
        assert.deepEqual(
          second.snapshot.state.kind === 'half-open' && second.snapshot.state.probe?.owner,
          'p1',
        );
        assert.equal(
          (await h.a.breakerAcquireProbe('k', 'p1', 1000)).granted,
          true,
          'the holder asking again',
        );
        // Outcomes of calls that are not the probe change nothing.
        await h.a.breakerRecord('k', { outcome: 'success', thresholds: t });
        await h.a.breakerRecord('k', { outcome: 'failure', owner: 'p2', thresholds: t });
        assert.equal((await h.a.breakerRead('k')).state.kind, 'half-open');
        const closed = await h.b.breakerRecord('k', { outcome: 'success', owner: 'p1', thresholds: t });
        assert.equal(closed.state.kind, 'closed');
        assert.equal(closed.consecutiveFailures, 0);
      });

      test('probe failure reopens for a fresh cool-down', async () => {
        const t = thresholds({ consecutiveFailures: 1, openMs: 60 });
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.advance(80);
        assert.equal((await h.a.breakerAcquireProbe('k', 'p1', 1000)).granted, true);
        const reopened = await h.b.breakerRecord('k', { outcome: 'failure', owner: 'p1', thresholds: t });
        assert.equal(reopened.state.kind, 'open');
        assert.equal((await h.b.breakerAcquireProbe('k', 'p2', 1000)).granted, false);
      });

      test('a lapsed probe lease (crashed prober) or a released one frees the slot', async () => {
        const t = thresholds({ consecutiveFailures: 1, openMs: 40 });
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.advance(60);
        assert.equal((await h.a.breakerAcquireProbe('k', 'crashed', 60)).granted, true);
        assert.equal((await h.b.breakerAcquireProbe('k', 'p2', 60)).granted, false);
        await h.advance(80);
        assert.equal((await h.b.breakerAcquireProbe('k', 'p2', 1000)).granted, true);
        // The crashed prober's late verdict no longer counts.
        await h.a.breakerRecord('k', { outcome: 'success', owner: 'crashed', thresholds: t });
        assert.equal((await h.a.breakerRead('k')).state.kind, 'half-open');
        await h.b.breakerRecord('k', { outcome: 'release', owner: 'p2', thresholds: t });
        assert.equal((await h.a.breakerAcquireProbe('k', 'p3', 1000)).granted, true);
      });

      test('50 concurrent probe requests from two handles grant exactly one', async () => {
        const t = thresholds({ consecutiveFailures: 1, openMs: 20 });
        await h.a.breakerRecord('k', { outcome: 'failure', thresholds: t });
        await h.advance(40);
        const racers = Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? h.a : h.b).breakerAcquireProbe('k', `owner-${i}`, 5000),
        );
        const granted = (await Promise.all(racers)).filter((r) => r.granted);
        assert.equal(granted.length, 1);
      });

      test('restore overwrites the state and watchers on the other handle hear of transitions', async () => {
        const seen: string[] = [];
        const stop = await h.b.watchBreakers((key, snapshot) => seen.push(`${key}:${snapshot.state.kind}`));
        const t = thresholds({ consecutiveFailures: 1, openMs: 60_000 });
        await h.a.breakerRecord('w', { outcome: 'failure', thresholds: t });
        const saved = await h.a.breakerRead('w');
        await h.a.breakerRestore('w', { ...saved, state: { kind: 'closed', since: saved.at } });
        assert.equal((await h.b.breakerRead('w')).state.kind, 'closed');
        await h.a.breakerRestore('w', saved);
        assert.equal((await h.b.breakerRead('w')).state.kind, 'open');
        await flush();
        assert.deepEqual(seen, ['w:open', 'w:closed', 'w:open']);
        await stop();
      });
    });

    describe('counters and rates', () => {
      test('counterAdd adds across handles and expires after its TTL', async () => {
        assert.equal(await h.a.counterAdd('c', 2, 100), 2);
        assert.equal(await h.b.counterAdd('c', 3, 100), 5);
        await h.advance(130);
        assert.equal(await h.a.counterAdd('c', 1, 100), 1);
      });

      test('a fixed window refuses what would exceed the limit and adds nothing when refusing', async () => {
        const options = { windowMs: 3_600_000, limit: 10 };
        assert.equal((await h.a.rateAdd('r', { ...options, amount: 6 })).allowed, true);
        const refused = await h.b.rateAdd('r', { ...options, amount: 5 });
        assert.equal(refused.allowed, false);
        assert.equal(refused.count, 6);
        assert.ok(refused.retryAfterMs > 0);
        const fits = await h.b.rateAdd('r', { ...options, amount: 4 });
        assert.deepEqual([fits.allowed, fits.count], [true, 10]);
      });

      test('rate counts are exact under 200 concurrent adds from two handles', async () => {
        const options = { windowMs: 3_600_000, limit: 150, amount: 1, mode: 'sliding' as const };
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? h.a : h.b).rateAdd('rc', options)),
        );
        assert.equal(results.filter((r) => r.allowed).length, 150);
        assert.equal((await h.a.rateAdd('rc', { ...options, amount: 0 })).count, 150);
      });

      test('a fixed window starts over in the next window', async () => {
        const options = { windowMs: 300, limit: 1, amount: 1 };
        assert.equal((await h.a.rateAdd('rw', options)).allowed, true);
        const second = await h.a.rateAdd('rw', options);
        // On real time the two calls may straddle a window boundary; then the second is the new window's first.
        if (second.allowed) assert.equal(second.count, 1, 'allowed only as the first of a new window');
        else assert.equal(second.count, 1);
        await h.advance(310);
        const next = await h.b.rateAdd('rw', options);
        assert.deepEqual([next.allowed, next.count], [true, 1]);
      });
    });

    describe('token bucket', () => {
      test('starts full, refuses what is not there, refills over time', async () => {
        const options = { capacity: 5, refillPerSecond: 50 };
        assert.equal((await h.a.tokenBucketTake('tb', { ...options, amount: 5 })).allowed, true);
        const refused = await h.b.tokenBucketTake('tb', { ...options, amount: 2 });
        assert.equal(refused.allowed, false);
        assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 40, `retry ${refused.retryAfterMs}`);
        await h.advance(70);
        assert.equal((await h.b.tokenBucketTake('tb', { ...options, amount: 2 })).allowed, true);
        const never = await h.a.tokenBucketTake('tb', { ...options, amount: 6 });
        assert.deepEqual([never.allowed, never.retryAfterMs], [false, Infinity]);
      });

      test('is exact under 100 concurrent takes from two handles', async () => {
        const options = { capacity: 40, refillPerSecond: 0.001, amount: 1 };
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? h.a : h.b).tokenBucketTake('tbc', options)),
        );
        assert.equal(results.filter((r) => r.allowed).length, 40);
      });
    });

    describe('reservations', () => {
      test('reserve refuses beyond the limit; settle and release adjust; retried reserve holds once', async () => {
        const r1 = await h.a.reserve('bud', { id: 'r1', amount: 60, limit: 100, ttlMs: 60_000 });
        assert.deepEqual(r1, { ok: true, used: 0, reserved: 60 });
        assert.deepEqual(await h.b.reserve('bud', { id: 'r1', amount: 60, limit: 100, ttlMs: 60_000 }), r1);
        const r2 = await h.b.reserve('bud', { id: 'r2', amount: 50, limit: 100, ttlMs: 60_000 });
        assert.equal(r2.ok, false);
        assert.deepEqual(await h.b.settle('bud', 'r1', 35), { ok: true, used: 35, reserved: 0 });
        assert.equal(
          (await h.a.reserve('bud', { id: 'r2', amount: 50, limit: 100, ttlMs: 60_000 })).ok,
          true,
        );
        assert.deepEqual(await h.a.release('bud', 'r2'), { ok: true, used: 35, reserved: 0 });
        assert.equal((await h.a.release('bud', 'r2')).ok, false, 'released twice');
      });

      test('a lapsed reservation frees its amount; its late settle is still recorded', async () => {
        await h.a.reserve('bud', { id: 'crash', amount: 90, limit: 100, ttlMs: 60 });
        assert.equal(
          (await h.b.reserve('bud', { id: 'x', amount: 20, limit: 100, ttlMs: 60_000 })).ok,
          false,
        );
        await h.advance(90);
        assert.deepEqual(await h.b.reserve('bud', { id: 'x', amount: 20, limit: 100, ttlMs: 60_000 }), {
          ok: true,
          used: 0,
          reserved: 20,
        });
        assert.deepEqual(await h.a.settle('bud', 'crash', 7), { ok: false, used: 7, reserved: 20 });
      });

      test('a budget given keepMs is dropped that long after its last reserve or settle', async () => {
        const hold = { amount: 40, limit: 100, ttlMs: 60_000, keepMs: 300 };
        await h.a.reserve('kept', { id: 'r1', ...hold });
        assert.deepEqual(await h.b.settle('kept', 'r1', 30, 300), { ok: true, used: 30, reserved: 0 });
        await h.advance(180);
        // A write within keepMs pushes the end back.
        assert.equal((await h.b.reserve('kept', { id: 'r2', ...hold })).ok, true);
        await h.advance(180);
        assert.deepEqual(await h.a.release('kept', 'none'), { ok: false, used: 30, reserved: 40 });
        await h.advance(180);
        assert.deepEqual(await h.a.release('kept', 'r2'), { ok: false, used: 0, reserved: 0 }, 'gone');
        // Without keepMs a budget stays.
        await h.a.settle('forever', 'x', 5);
        await h.advance(200);
        assert.equal((await h.b.release('forever', 'none')).used, 5);
      });

      test('rateAddMany adds to each counter as rateAdd would', async () => {
        await h.a.rateAdd('rm2', { windowMs: 60_000, amount: 9, limit: 10 });
        const results = await h.b.rateAddMany([
          { key: 'rm1', windowMs: 60_000, amount: 1, limit: 10 },
          { key: 'rm2', windowMs: 60_000, amount: 2, limit: 10 },
          { key: 'rm3', windowMs: 60_000, amount: 5 },
        ]);
        assert.deepEqual(
          results.map((r) => [r.allowed, r.count]),
          [
            [true, 1],
            [false, 9],
            [true, 5],
          ],
        );
        assert.equal((await h.a.rateAdd('rm2', { windowMs: 60_000, amount: 1, limit: 10 })).count, 10);
      });

      test('reserveMany and settleMany act on each budget as reserve and settle would', async () => {
        await h.a.reserve('m2', { id: 'other', amount: 95, limit: 100, ttlMs: 60_000 });
        const reserved = await h.b.reserveMany([
          { key: 'm1', id: 'q', amount: 10, limit: 100, ttlMs: 60_000, keepMs: 60_000 },
          { key: 'm2', id: 'q', amount: 10, limit: 100, ttlMs: 60_000 },
          { key: 'm3', id: 'q', amount: 10, limit: 100, ttlMs: 60_000 },
        ]);
        assert.deepEqual(
          reserved.map((r) => [r.ok, r.used, r.reserved]),
          [
            [true, 0, 10],
            [false, 0, 95],
            [true, 0, 10],
          ],
        );
        const settled = await h.a.settleMany([
          { key: 'm1', id: 'q', actual: 7, keepMs: 60_000 },
          { key: 'm3', id: 'q', actual: 3 },
        ]);
        assert.deepEqual(settled, [
          { ok: true, used: 7, reserved: 0 },
          { ok: true, used: 3, reserved: 0 },
        ]);
        assert.deepEqual(await h.b.release('m2', 'other'), { ok: true, used: 0, reserved: 0 });
      });

      test('500 concurrent reserves from two handles never exceed the limit', async () => {
        const results = await Promise.all(
          Array.from({ length: 500 }, (_, i) =>
            (i % 2 === 0 ? h.a : h.b).reserve('race', { id: `r${i}`, amount: 3, limit: 1000, ttlMs: 60_000 }),
          ),
        );
        const granted = results.filter((r) => r.ok).length;
        assert.equal(granted, 333, 'floor(1000 / 3) fit');
        const after = await h.a.release('race', 'none');
        assert.equal(after.reserved, 999);
        assert.ok(results.every((r) => r.used + r.reserved <= 1000));
      });
    });

    describe('leases and compare-and-swap', () => {
      test('only the owner renews or releases; the TTL frees a crashed owner', async () => {
        assert.equal(await h.a.leaseAcquire('l', 'alice', 80), true);
        assert.equal(await h.b.leaseAcquire('l', 'bob', 80), false);
        assert.equal(await h.b.leaseRenew('l', 'bob', 80), false);
        assert.equal(await h.b.leaseRelease('l', 'bob'), false);
        assert.equal(await h.b.get('l'), 'alice');
        assert.equal(await h.a.leaseRenew('l', 'alice', 80), true);
        await h.advance(110);
        assert.equal(await h.b.leaseAcquire('l', 'bob', 1000), true);
        assert.equal(await h.b.leaseRelease('l', 'bob'), true);
        assert.equal(await h.a.get('l'), undefined);
      });

      test('compareAndSet swaps only from the expected value', async () => {
        assert.equal(await h.a.compareAndSet('cas', undefined, 'starting'), true);
        assert.equal(await h.b.compareAndSet('cas', undefined, 'starting'), false, 'second creator loses');
        assert.equal(await h.b.compareAndSet('cas', 'off', 'starting'), false);
        assert.equal(await h.b.compareAndSet('cas', 'starting', 'ready', 60), true);
        assert.equal(await h.a.get('cas'), 'ready');
        await h.advance(90);
        assert.equal(await h.a.get('cas'), undefined, 'TTL honoured');
        await h.a.compareAndSet('cas', undefined, 'x');
        assert.equal(await h.a.compareAndSet('cas', 'x', undefined), true);
        assert.equal(await h.a.get('cas'), undefined);
      });
    });

    describe('change notification', () => {
      test('a message published on one handle reaches the other, with the version', async () => {
        const got: string[] = [];
        const stop = await h.b.subscribe('revocations', (m) => got.push(`${m.version}:${m.message}`));
        assert.equal(await h.a.publish('revocations', 'vk_1'), 1);
        assert.equal(await h.a.publish('revocations', 'vk_2'), 2);
        await flush();
        assert.deepEqual(got, ['1:vk_1', '2:vk_2']);
        assert.equal(await h.b.topicVersion('revocations'), 2);
        await stop();
        await h.a.publish('revocations', 'vk_3');
        await flush();
        assert.equal(got.length, 2, 'unsubscribed');
      });
    });
  });
}
