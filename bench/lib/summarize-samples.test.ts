import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedDifferences, percentile, summarize } from './summarize-samples.js';

test('nearest-rank percentiles pick observed samples', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile(sorted, 0.5), 1);
  // With 2,000 samples the p99 is the 1,980th: the 20 slowest stay above it.
  const many = Array.from({ length: 2000 }, (_, i) => i + 1);
  assert.equal(percentile(many, 99), 1980);
});

test('percentile of a single sample is that sample', () => {
  assert.equal(percentile([7], 1), 7);
  assert.equal(percentile([7], 99), 7);
});

test('percentile refuses empty input and out-of-range p', () => {
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});

test('summarize sorts a copy and reports order statistics', () => {
  const samples = [5, 1, 4, 2, 3];
  const summary = summarize(samples);
  assert.deepEqual(summary, { count: 5, min: 1, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 });
  assert.deepEqual(samples, [5, 1, 4, 2, 3]);
});

test('summarize sorts numerically, not as strings', () => {
  assert.equal(summarize([10, 9, 100, 2]).max, 100);
  assert.equal(summarize([10, 9, 100, 2]).min, 2);
});

test('summarize refuses no samples', () => {
  assert.throws(() => summarize([]), RangeError);
});

test('paired differences subtract round by round', () => {
  assert.deepEqual(pairedDifferences([1.5, 2, 10], [1, 1, 1]), [0.5, 1, 9]);
  assert.throws(() => pairedDifferences([1], [1, 2]), RangeError);
});
