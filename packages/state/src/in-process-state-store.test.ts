import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InProcessStateStore } from './in-process-state-store.js';
import { rateDecision } from './rate-math.js';
import { stateStoreContract } from './testing/state-store-contract.js';

stateStoreContract('InProcessStateStore', async () => {
  let now = 1_700_000_000_000;
  const store = new InProcessStateStore({ clock: { now: () => now } });
  return {
    a: store,
    b: store,
    advance: async (ms) => void (now += ms),
    dispose: () => store.close(),
  };
});

test('sliding window weighs the previous window by its overlap', () => {
  const base = { current: 2, previous: 10, amount: 1, windowMs: 1000 };
  // 25% into the window: 75% of the previous window still counts.
  assert.deepEqual(rateDecision({ ...base, limit: undefined, elapsed: 250 }), {
    allowed: true,
    count: 10.5,
    retryAfterMs: 0,
  });
  const refused = rateDecision({ ...base, limit: 8, elapsed: 250 });
  assert.equal(refused.allowed, false);
  // Fits once previous × (1 − elapsed/window) ≤ 5, i.e. at elapsed 500.
  assert.equal(refused.retryAfterMs, 250);
});
