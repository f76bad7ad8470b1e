import { randomUUID } from 'node:crypto';
import { RedisStateStore } from './redis-state-store.js';
import { stateStoreContract } from './testing/state-store-contract.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

stateStoreContract('RedisStateStore', async () => {
  // A random prefix per test isolates it from others running at the same time; deleted afterwards.
  const prefix = `rampart-test:${randomUUID()}:`;
  const a = new RedisStateStore({ url, prefix });
  const b = new RedisStateStore({ url, prefix });
  return {
    a,
    b,
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    dispose: async () => {
      await a.deleteAllKeys();
      await Promise.all([a.close(), b.close()]);
    },
  };
});
