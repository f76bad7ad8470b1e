// The breaker across replicas on real Redis: two connections in this process, then two child processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { RampartError } from '@rampart/spec';
import { RedisStateStore } from '@rampart/state';
import { CircuitBreaker } from './circuit-breaker.js';
import { CircuitBreakerRegistry } from './circuit-breaker-registry.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const down = () => new RampartError('upstream_unavailable', 'down');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CircuitBreaker on Redis, across replicas', () => {
  const prefix = `rampart-test:${randomUUID()}:`;
  const storeA = new RedisStateStore({ url, prefix });
  const storeB = new RedisStateStore({ url, prefix });
  const defaults = { consecutiveFailures: 2, failureRate: 0, openMs: 150, openJitter: 0, probeLeaseMs: 5000 };
  const replicaA = new CircuitBreakerRegistry({ store: storeA, ...defaults });
  const replicaB = new CircuitBreakerRegistry({ store: storeB, ...defaults });

  before(async () => {
    await Promise.all([replicaA.start(), replicaB.start()]);
  });
  after(async () => {
    await Promise.all([replicaA.close(), replicaB.close()]);
    await storeA.deleteAllKeys();
    await Promise.all([storeA.close(), storeB.close()]);
  });

  test('a breaker opened on one replica is skipped by the other within milliseconds', async () => {
    const a = replicaA.get('shared');
    const b = replicaB.get('shared');
    let openedAt = 0;
    const seenByB = new Promise<number>((resolve) => b.onBreak(() => resolve(performance.now())));
    for (let i = 0; i < 2; i += 1) await assert.rejects(a.execute(() => Promise.reject(down())));
    openedAt = performance.now();
    await a.idle();
    const latency = (await seenByB) - openedAt;
    assert.ok(latency < 1000, `B learned in ${latency.toFixed(1)} ms`);
    assert.equal(b.tryAcquire().kind, 'rejected');
  });

  test('50 concurrent callers on each of two connections: exactly one probe in total', async () => {
    const key = 'race';
    const t = {
      consecutiveFailures: 1,
      failureRate: 0,
      minimumCalls: 1,
      windowMs: 1000,
      buckets: 10,
      openMs: 50,
    };
    await storeA.breakerRecord(key, { outcome: 'failure', thresholds: t });
    await sleep(70);
    const callers = Array.from(
      { length: 100 },
      (_, i) => new CircuitBreaker({ store: i % 2 === 0 ? storeA : storeB, key, replicaId: `r${i}` }),
    );
    await Promise.all(callers.map((c) => c.refresh()));
    const permits = await Promise.all(
      callers.map((c) => {
        const admission = c.tryAcquire();
        assert.equal(admission.kind, 'probe');
        return admission.kind === 'probe' ? admission.acquire() : Promise.resolve(undefined);
      }),
    );
    assert.equal(permits.filter((p) => p?.probe).length, 1);
  });

  test('two child processes racing 50 probe requests each: exactly one probe in total', async () => {
    const key = 'child-race';
    const t = {
      consecutiveFailures: 1,
      failureRate: 0,
      minimumCalls: 1,
      windowMs: 1000,
      buckets: 10,
      openMs: 50,
    };
    await storeA.breakerRecord(key, { outcome: 'failure', thresholds: t });
    const script = fileURLToPath(new URL('./testing/race-probe-child.ts', import.meta.url));
    const children = [0, 1].map(() =>
      spawn(process.execPath, ['--import', 'tsx', script, prefix, key, url], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const lines = children.map((child) => {
      const out: string[] = [];
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => out.push(...chunk.split('\n').filter(Boolean)));
      return out;
    });
    const waitFor = async (index: number, count: number) => {
      // Generous: tsx start-up on a loaded machine can take seconds.
      for (let i = 0; i < 1500 && (lines[index]?.length ?? 0) < count; i += 1) await sleep(20);
    };
    try {
      await Promise.all([waitFor(0, 1), waitFor(1, 1)]);
      assert.deepEqual([lines[0]?.[0], lines[1]?.[0]], ['ready', 'ready']);
      await sleep(60); // the cool-down is over: the breaker is half-open for both
      for (const child of children) child.stdin.end('go\n');
      await Promise.all([waitFor(0, 2), waitFor(1, 2)]);
    } finally {
      // A child that never got "go" would wait forever: end the ones this test started.
      for (const child of children) if (child.exitCode === null) child.kill();
      await Promise.all(
        children.map((child) => (child.exitCode === null ? once(child, 'exit') : Promise.resolve())),
      );
    }
    const won = lines.map((l) => Number(l[1]));
    assert.equal(
      won.reduce((a, b) => a + b, 0),
      1,
      `probes won per child: ${won.join(', ')}`,
    );
  });
});
