import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPairedRounds } from './run-paired-rounds.js';

test('rounds alternate which arm goes first and warm-up is discarded', async () => {
  const calls: string[] = [];
  let n = 0;
  const result = await runPairedRounds({
    warmup: 1,
    rounds: 3,
    maxMs: 60_000,
    baseline: async () => (calls.push('b'), n++),
    measured: async () => (calls.push('m'), n++),
  });
  assert.deepEqual(calls, ['b', 'm', 'b', 'm', 'm', 'b', 'b', 'm']);
  // Values stay paired by round even when the measured arm ran first.
  assert.deepEqual(result.baseline, [2, 5, 6]);
  assert.deepEqual(result.measured, [3, 4, 7]);
  assert.equal(result.truncated, false);
});

test('a run past its time budget stops early and says so', async () => {
  const result = await runPairedRounds({
    warmup: 0,
    rounds: 1000,
    maxMs: 0,
    baseline: async () => 1,
    measured: async () => 1,
  });
  assert.equal(result.truncated, true);
  assert.equal(result.baseline.length, result.measured.length);
  assert.ok(result.baseline.length < 1000);
});
