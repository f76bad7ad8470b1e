// Child process for the cross-replica test: one "replica" with its own Redis connection that, on "go" from
// its parent, races 50 concurrent probe requests on a half-open breaker and prints how many it won.
import { RedisStateStore } from '@rampart/state';
import { CircuitBreaker } from '../circuit-breaker.js';

const [prefix, key, url] = process.argv.slice(2) as [string, string, string];
const store = new RedisStateStore({ url, prefix });
await store.breakerRead(key); // connect before saying ready, so the race starts together
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  void (async () => {
    // 50 breakers = 50 independent callers (one breaker would single-flight them locally).
    const racers = Array.from(
      { length: 50 },
      (_, i) => new CircuitBreaker({ store, key, replicaId: `child-${process.pid}-${i}` }),
    );
    const permits = await Promise.all(
      racers.map(async (breaker) => {
        await breaker.refresh();
        const admission = breaker.tryAcquire();
        return admission.kind === 'probe' ? admission.acquire() : undefined;
      }),
    );
    process.stdout.write(`${permits.filter((p) => p?.probe).length}\n`);
    await store.close();
  })();
});
