import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bulkhead } from './bulkhead.js';
import { BulkheadRejectedError } from './resilience-errors.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

test('runs at most maxConcurrent, queues maxQueued in order, refuses the rest', async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 2, maxQueued: 1 });
  const gates = [gate(), gate(), gate()];
  const order: number[] = [];
  const runs = gates.map((g, i) =>
    bulkhead.execute(async () => {
      order.push(i);
      await g.opened;
      return i;
    }),
  );
  await assert.rejects(
    bulkhead.execute(async () => 'x'),
    BulkheadRejectedError,
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual([bulkhead.active, bulkhead.queued], [2, 1]);
  assert.deepEqual(order, [0, 1]);
  gates[0]?.open();
  await runs[0];
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [0, 1, 2], 'the queued call got the freed slot');
  gates[1]?.open();
  gates[2]?.open();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
  assert.deepEqual([bulkhead.active, bulkhead.queued], [0, 0]);
});

test('a queued caller that aborts leaves the queue', async () => {
  const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueued: 5 });
  const release = bulkhead.tryAcquire();
  assert.ok(release);
  assert.equal(bulkhead.tryAcquire(), undefined);
  const controller = new AbortController();
  const waiting = bulkhead.acquire(controller.signal);
  assert.equal(bulkhead.queued, 1);
  controller.abort(new Error('gone'));
  await assert.rejects(waiting, /gone/);
  assert.equal(bulkhead.queued, 0);
  release();
  release();
  assert.equal(bulkhead.active, 0, 'releasing twice frees one slot only');
});
