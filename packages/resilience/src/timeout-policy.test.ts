import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Deadline } from './deadline.js';
import { TimeoutPolicy } from './timeout-policy.js';
import { AttemptTimeoutError, DeadlineExceededError } from './resilience-errors.js';
import { FakeClock } from './testing/fake-clock.js';

test('aborts the work and rejects with AttemptTimeoutError when the attempt runs too long', async () => {
  const clock = new FakeClock();
  const policy = new TimeoutPolicy(100, { clock });
  let sawAbort = false;
  const run = policy.execute(async ({ signal }) => {
    signal.addEventListener('abort', () => (sawAbort = true));
    await clock.sleep(10_000, signal);
    return 'late';
  });
  const settled = assert.rejects(run, AttemptTimeoutError);
  await clock.advance(100);
  await settled;
  assert.equal(sawAbort, true, 'the work was told to stop');
  assert.equal(clock.pendingTimers, 0, 'its sleep was cancelled, nothing left running');
});

test('releases the caller even if the work ignores its signal', async () => {
  const clock = new FakeClock();
  const policy = new TimeoutPolicy(100, { clock });
  const run = policy.execute(() => new Promise<never>(() => undefined));
  const settled = assert.rejects(run, AttemptTimeoutError);
  await clock.advance(100);
  await settled;
});

test('the overall deadline wins when it is sooner than the attempt timeout', async () => {
  const clock = new FakeClock();
  const deadline = Deadline.after(50, { clock });
  const policy = new TimeoutPolicy(100, { clock });
  const run = policy.execute(({ signal }) => clock.sleep(10_000, signal), { deadline });
  const settled = assert.rejects(run, DeadlineExceededError);
  await clock.advance(50);
  await settled;
});

test('clears its timer when the work finishes first', async () => {
  const clock = new FakeClock();
  const policy = new TimeoutPolicy(100, { clock });
  assert.equal(await policy.execute(async () => 'fast'), 'fast');
  await clock.advance(0);
  assert.equal(clock.pendingTimers, 0);
});
