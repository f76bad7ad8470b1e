import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTally, mergeTallies, record } from './fallback-tally.js';

test('counts completes, failures by kind, continuations, fallbacks and per-target attempts', () => {
  const a = emptyTally();
  record(a, 0, { kind: 'complete', continuations: 0 }, [{ target: 'anthropic/x', outcome: 'served' }], '', 5);
  record(
    a,
    1,
    { kind: 'complete', continuations: 1 },
    [
      { target: 'anthropic/x', outcome: 'failed', status: 429 },
      { target: 'bedrock/x', outcome: 'served' },
    ],
    'h',
    9,
  );
  const b = emptyTally();
  record(b, 2, { kind: 'explicit-error', code: 'stream_interrupted' }, [], 'h2', 20);
  record(
    b,
    3,
    { kind: 'http-error', status: 502, code: 'upstream_error' },
    [
      { target: 'bedrock/x', outcome: 'skipped', status: 503, reason: 'circuit_open' },
      { target: 'anthropic/x', outcome: 'skipped', status: 429, reason: 'cooling' },
    ],
    'h3',
    1,
  );
  const total = mergeTallies([a, b]);
  assert.equal(total.requests, 4);
  assert.equal(total.complete, 2);
  assert.equal(total.failed, 2);
  assert.equal(total.continuedStreams, 1);
  assert.equal(total.servedAfterFallback, 1);
  assert.deepEqual(total.failuresByKind, { 'explicit-error': 1, 'http-error': 1 });
  assert.deepEqual(total.attemptsByTarget, {
    'anthropic/x': { served: 1, failed: 1, skipped: 1 },
    'bedrock/x': { served: 1, failed: 0, skipped: 1 },
  });
  assert.equal(total.breakerSkips, 1, 'a cooling skip is not a breaker skip');
  assert.equal(total.failureSamples.length, 2);
  assert.deepEqual(total.latenciesMs, [5, 9, 20, 1]);
});
