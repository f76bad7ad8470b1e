import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RampartError } from '@rampart/spec';
import { InProcessStateStore } from '@rampart/state';
import { CircuitBreaker } from './circuit-breaker.js';
import { Deadline } from './deadline.js';
import { wrap } from './policy.js';
import { AttemptTimeoutError, BrokenCircuitError } from './resilience-errors.js';
import { RetryPolicy } from './retry-policy.js';
import { TimeoutPolicy } from './timeout-policy.js';
import { FakeClock } from './testing/fake-clock.js';
import { seededRandom } from './testing/seeded-random.js';

function policies(clock: FakeClock) {
  const retry = new RetryPolicy({ clock, random: seededRandom(9), maxAttempts: 5, maxRetryAfterMs: 0 });
  const breaker = new CircuitBreaker({
    store: new InProcessStateStore({ clock }),
    key: 't',
    clock,
    consecutiveFailures: 2,
    failureRate: 0,
    openMs: 60_000,
  });
  return { retry, breaker, timeout: new TimeoutPolicy(100, { clock }) };
}

test('wrap(retry, breaker, timeout): timeouts are retried, count against the target, and open it', async () => {
  const clock = new FakeClock();
  const { retry, breaker, timeout } = policies(clock);
  const seen: { attempt: number; aborted: boolean }[] = [];
  const run = wrap(retry, breaker, timeout).execute(async ({ signal, attempt }) => {
    try {
      await clock.sleep(1000, signal);
    } finally {
      seen.push({ attempt, aborted: signal.aborted });
    }
  });
  // After 2 timeouts the breaker opens; the third attempt is refused by it without running; retry-after of
  // the open breaker (60 s) is more than the retry policy will wait, so it gives up with BrokenCircuitError.
  const settled = assert.rejects(run, BrokenCircuitError);
  await clock.runAll();
  await settled;
  assert.deepEqual(seen, [
    { attempt: 1, aborted: true },
    { attempt: 2, aborted: true },
  ]);
  assert.equal(breaker.state.kind, 'open');
});

test('the whole composition stops at the shared deadline', async () => {
  const clock = new FakeClock();
  const { retry, breaker } = policies(clock);
  const deadline = Deadline.after(250, { clock });
  let endedAt = NaN;
  const run = wrap(retry, breaker, new TimeoutPolicy(10_000, { clock }))
    .execute(({ signal }) => clock.sleep(1000, signal), { deadline })
    .finally(() => (endedAt = clock.now()));
  const settled = assert.rejects(
    run,
    (e) => e instanceof RampartError && !(e instanceof AttemptTimeoutError),
  );
  await clock.runAll();
  await settled;
  assert.equal(endedAt, deadline.at);
  await breaker.idle();
  assert.equal(breaker.state.kind, 'closed', 'running out of our own deadline is not the target failing');
});
