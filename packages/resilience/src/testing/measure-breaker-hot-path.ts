// Measures what asking a Redis-backed breaker costs on the gateway's hot path:
//   node --import tsx packages/resilience/src/testing/measure-breaker-hot-path.ts
// It compares tryAcquire() (local cached view) with a store round trip per call, and times how fast another
// replica learns of a transition through pub/sub. Keys use a random prefix and are deleted at the end.
import { randomUUID } from 'node:crypto';
import { RedisStateStore } from '@rampart/state';
import { CircuitBreakerRegistry } from '../circuit-breaker-registry.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `rampart-measure:${randomUUID()}:`;
const a = new RedisStateStore({ url, prefix });
const b = new RedisStateStore({ url, prefix });
const replicaA = new CircuitBreakerRegistry({
  store: a,
  consecutiveFailures: 1,
  failureRate: 0,
  openMs: 60_000,
});
const replicaB = new CircuitBreakerRegistry({
  store: b,
  consecutiveFailures: 1,
  failureRate: 0,
  openMs: 60_000,
});
await Promise.all([replicaA.start(), replicaB.start()]);

function perCall(label: string, n: number, fn: () => void): void {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) fn();
  const ns = Number(process.hrtime.bigint() - start) / n;
  console.log(`${label.padEnd(44)} ${ns.toFixed(0).padStart(8)} ns/call`);
}

const breaker = replicaA.get('target');
await breaker.refresh();
perCall('tryAcquire(), closed (cached view)', 1_000_000, () => void breaker.tryAcquire());

const n = 2000;
let start = process.hrtime.bigint();
for (let i = 0; i < n; i += 1) await a.breakerRead('target');
console.log(
  `${'store.breakerRead() round trip (sequential)'.padEnd(44)} ${(Number(process.hrtime.bigint() - start) / n).toFixed(0).padStart(8)} ns/call`,
);

start = process.hrtime.bigint();
for (let i = 0; i < n; i += 1)
  await a.breakerRecord('other', {
    outcome: 'success',
    thresholds: {
      consecutiveFailures: 5,
      failureRate: 0.5,
      minimumCalls: 20,
      windowMs: 30_000,
      buckets: 10,
      openMs: 30_000,
    },
  });
console.log(
  `${'store.breakerRecord() round trip (sequential)'.padEnd(44)} ${(Number(process.hrtime.bigint() - start) / n).toFixed(0).padStart(8)} ns/call`,
);

const onB = replicaB.get('target');
const latencies: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const key = `propagate-${i}`;
  const remote = replicaB.get(key);
  const seen = new Promise<number>((resolve) => remote.onBreak(() => resolve(performance.now())));
  const t0 = performance.now();
  const local = replicaA.get(key);
  const permit = local.tryAcquire();
  if (permit.kind === 'allowed') await local.recordFailure(permit.permit);
  latencies.push((await seen) - t0);
}
latencies.sort((x, y) => x - y);
console.log(
  `open on A → onBreak on B (pub/sub), p50 / max     ${latencies[10]?.toFixed(2)} / ${latencies[19]?.toFixed(2)} ms`,
);

const open = replicaB.get('propagate-0');
perCall('tryAcquire(), open (skip at no cost)', 1_000_000, () => void open.tryAcquire());
void onB;

await Promise.all([replicaA.close(), replicaB.close()]);
await a.deleteAllKeys();
await Promise.all([a.close(), b.close()]);
