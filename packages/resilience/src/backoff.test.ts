import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exponentialBackoff } from './backoff.js';
import { seededRandom } from './testing/seeded-random.js';

test('full jitter draws uniformly from [0, min(cap, base·2^(n−1))]', () => {
  const backoff = exponentialBackoff({ initialMs: 100, maxMs: 1000, jitter: 'full' });
  const random = seededRandom(42);
  for (const [attempt, ceiling] of [
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [9, 1000],
  ] as const) {
    const samples = Array.from({ length: 4000 }, () => backoff.delay(attempt, 0, random));
    assert.ok(Math.min(...samples) >= 0);
    assert.ok(Math.max(...samples) <= ceiling);
    // Spread over the whole interval, not bunched around one value like ±25% jitter would be.
    assert.ok(Math.min(...samples) < ceiling * 0.05, `attempt ${attempt} reaches near 0`);
    assert.ok(Math.max(...samples) > ceiling * 0.95, `attempt ${attempt} reaches near the ceiling`);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    assert.ok(Math.abs(mean - ceiling / 2) < ceiling * 0.03, `mean ${mean} ≈ ${ceiling / 2}`);
  }
});

test('decorrelated jitter stays within [base, min(cap, 3·previous)]', () => {
  const backoff = exponentialBackoff({ initialMs: 100, maxMs: 5000, jitter: 'decorrelated' });
  const random = seededRandom(7);
  let previous = 0;
  for (let attempt = 1; attempt <= 200; attempt += 1) {
    const delay = backoff.delay(attempt, previous, random);
    assert.ok(
      delay >= 100 && delay <= Math.min(5000, 3 * Math.max(100, previous)),
      `${delay} after ${previous}`,
    );
    previous = delay;
  }
});

test('no jitter is the plain capped exponential', () => {
  const backoff = exponentialBackoff({ initialMs: 50, maxMs: 300, jitter: 'none' });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoff.delay(n, 0, Math.random)),
    [50, 100, 200, 300, 300],
  );
});
