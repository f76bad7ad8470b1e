// Back-pressure across replicas on real Redis: a cooling time announced by one replica is honoured by the
// other, and two replicas pacing one target share one capacity bucket (never more than its rate in total).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { RedisStateStore } from '@rampart/state';
import { RateGuard } from './rate-guard.js';
import { TargetCooldowns } from './target-cooldowns.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('TargetCooldowns and RateGuard on Redis, across replicas', () => {
  const prefix = `rampart-test:${randomUUID()}:`;
  const storeA = new RedisStateStore({ url, prefix });
  const storeB = new RedisStateStore({ url, prefix });

  after(async () => {
    await storeA.deleteAllKeys();
    await Promise.all([storeA.close(), storeB.close()]);
  });

  test("one replica's retry-after cools the target on the other within milliseconds", async () => {
    const a = new TargetCooldowns({ store: storeA });
    const b = new TargetCooldowns({ store: storeB });
    await Promise.all([a.start(), b.start()]);
    try {
      assert.equal(b.remainingMs('bedrock|model'), 0);
      const startedAt = performance.now();
      a.recordThrottle('bedrock|model', 2_000);
      while (b.remainingMs('bedrock|model') === 0 && performance.now() - startedAt < 2_000)
        await new Promise((resolve) => setTimeout(resolve, 2));
      const remaining = b.remainingMs('bedrock|model');
      assert.ok(remaining > 1_000 && remaining <= 2_000, `B sees ${remaining} ms of cooling`);
      assert.ok(performance.now() - startedAt < 1_000, 'announced well within the cooling time');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('two replicas pacing one target share its bucket: 20/s with a burst of 2 admits ~2 + 20 in 1 s', async () => {
    const options = { key: `pace-${randomUUID()}`, requestsPerSecond: 20, burst: 2 };
    const a = new RateGuard({ store: storeA, ...options });
    const b = new RateGuard({ store: storeB, ...options });
    const signal = AbortSignal.timeout(1_000);
    const admitted: number[] = [];
    const startedAt = performance.now();
    const callers = Array.from({ length: 60 }, (_, i) =>
      (i % 2 === 0 ? a : b).take(signal).then(
        () => admitted.push(performance.now() - startedAt),
        () => undefined,
      ),
    );
    await Promise.all(callers);
    // Refill is continuous: in 1 s at most burst + rate turns exist across both replicas (+1 for timing).
    assert.ok(admitted.length >= 15 && admitted.length <= 23, `${admitted.length} admitted in 1 s`);
  });
});
