import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runClosedLoop } from './run-closed-loop.js';

test('sends every index once with at most `concurrency` in flight', async () => {
  const seen: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const run = await runClosedLoop(50, 4, 10_000, async (i) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(i);
    inFlight--;
  });
  assert.equal(run.sent, 50);
  assert.equal(run.truncated, false);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(peak, 4);
});

test('stops at the time limit and says so', async () => {
  const run = await runClosedLoop(1_000_000, 2, 0, async () => {
    await new Promise((resolve) => setImmediate(resolve));
  });
  assert.equal(run.truncated, true);
  assert.ok(run.sent < 1_000_000);
});
