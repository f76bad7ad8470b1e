import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RampartError } from '@rampart/spec';
import { exponentialBackoff } from './backoff.js';
import { Deadline } from './deadline.js';
import { RetryPolicy, type GiveUpReason } from './retry-policy.js';
import { FakeClock } from './testing/fake-clock.js';
import { seededRandom } from './testing/seeded-random.js';

const unavailable = (options: { retryAfterMs?: number; responseStarted?: boolean } = {}) =>
  new RampartError('upstream_unavailable', 'down', options);

function setup(overrides: ConstructorParameters<typeof RetryPolicy>[0] = {}) {
  const clock = new FakeClock();
  const policy = new RetryPolicy({ clock, random: seededRandom(1), ...overrides });
  const gaveUp: GiveUpReason[] = [];
  policy.onGiveUp((e) => gaveUp.push(e.reason));
  return { clock, policy, gaveUp };
}

describe('RetryPolicy', () => {
  test('retries a retryable error up to maxAttempts, then rethrows the last error', async () => {
    const { clock, policy, gaveUp } = setup({ maxAttempts: 4 });
    const attempts: number[] = [];
    const errors = [1, 2, 3, 4].map(() => unavailable());
    const run = policy.execute(async ({ attempt }) => {
      attempts.push(attempt);
      throw errors[attempt - 1] ?? new Error('unexpected attempt');
    });
    const settled = assert.rejects(run, (error) => error === errors[3]);
    await clock.runAll();
    await settled;
    assert.deepEqual(attempts, [1, 2, 3, 4]);
    assert.deepEqual(gaveUp, ['attempts-exhausted']);
  });

  test('returns the first success', async () => {
    const { clock, policy } = setup();
    let calls = 0;
    const run = policy.execute(async () => {
      calls += 1;
      if (calls < 2) throw unavailable();
      return 'ok';
    });
    await clock.runAll();
    assert.equal(await run, 'ok');
    assert.equal(calls, 2);
  });

  test('does not retry a non-retryable error, nor a plain Error', async () => {
    for (const error of [new RampartError('invalid_request', 'bad'), new TypeError('bug')]) {
      const { policy, gaveUp } = setup();
      let calls = 0;
      await assert.rejects(
        policy.execute(async () => {
          calls += 1;
          throw error;
        }),
        (e) => e === error,
      );
      assert.equal(calls, 1);
      assert.deepEqual(gaveUp, ['not-retryable']);
    }
  });

  test('never retries once the response started, even if retryable', async () => {
    const { policy, gaveUp, clock } = setup();
    let calls = 0;
    await assert.rejects(
      policy.execute(async () => {
        calls += 1;
        throw new RampartError('stream_interrupted', 'cut', { responseStarted: true });
      }),
    );
    assert.equal(calls, 1);
    assert.deepEqual(gaveUp, ['response-started']);
    assert.equal(clock.pendingTimers, 0);
  });

  test('waits at least retry-after (and at most 20% more) before the next attempt', async () => {
    const { clock, policy } = setup();
    const startedAt: number[] = [];
    const run = policy.execute(async () => {
      startedAt.push(clock.now());
      if (startedAt.length === 1) throw unavailable({ retryAfterMs: 2000 });
      return 'ok';
    });
    await clock.advance(1999);
    assert.equal(startedAt.length, 1, 'not before retry-after');
    await clock.advance(401);
    assert.equal(await run, 'ok');
    const waited = (startedAt[1] ?? 0) - (startedAt[0] ?? 0);
    assert.ok(waited >= 2000 && waited <= 2400, `waited ${waited}`);
  });

  test('gives up at once, with the last error, when the wait would not fit in the deadline', async () => {
    const { clock, policy, gaveUp } = setup();
    const deadline = Deadline.after(1000, { clock });
    const error = unavailable({ retryAfterMs: 1500 });
    let calls = 0;
    await assert.rejects(
      policy.execute(
        async () => {
          calls += 1;
          throw error;
        },
        { deadline },
      ),
      (e) => e === error,
    );
    assert.equal(calls, 1);
    assert.equal(clock.now() - (deadline.at - 1000), 0, 'no time was spent sleeping');
    assert.deepEqual(gaveUp, ['deadline']);
    deadline.dispose();
  });

  test('gives up on a retry-after longer than maxRetryAfterMs', async () => {
    const { policy, gaveUp } = setup({ maxRetryAfterMs: 5000 });
    await assert.rejects(policy.execute(async () => Promise.reject(unavailable({ retryAfterMs: 60_000 }))));
    assert.deepEqual(gaveUp, ['retry-after-too-long']);
  });

  test('never runs past the deadline, whatever the jitter draws', async () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const clock = new FakeClock();
      const policy = new RetryPolicy({
        clock,
        random: seededRandom(seed),
        maxAttempts: 50,
        backoff: exponentialBackoff({ initialMs: 100, maxMs: 2000 }),
      });
      const deadline = Deadline.after(3000, { clock });
      const random = seededRandom(seed * 31);
      const run = policy.execute(
        async () => {
          // Each attempt takes time (and ignores the signal): waits and work together must fit the deadline.
          await clock.sleep(random() * 300);
          throw unavailable();
        },
        { deadline },
      );
      let endedAt = NaN;
      const settled = assert.rejects(run.finally(() => (endedAt = clock.now())));
      await clock.runAll();
      await settled;
      assert.ok(endedAt <= deadline.at, `seed ${seed}: ended ${endedAt - deadline.at} ms late`);
      deadline.dispose();
    }
  });

  test('a cancel during the backoff sleep stops at once, with no further attempt', async () => {
    const { clock, policy, gaveUp } = setup();
    const controller = new AbortController();
    let calls = 0;
    const run = policy.execute(
      async () => {
        calls += 1;
        throw unavailable({ retryAfterMs: 1000 });
      },
      { signal: controller.signal },
    );
    await clock.advance(10);
    const reason = new Error('client went away');
    controller.abort(reason);
    await assert.rejects(run, (e) => e === reason);
    await clock.runAll();
    assert.equal(calls, 1);
    assert.equal(clock.pendingTimers, 0);
    assert.deepEqual(gaveUp, []);
  });

  test('planRetry tells the routing engine the verdict without sleeping', () => {
    const { policy } = setup({ maxAttempts: 3 });
    assert.deepEqual(policy.planRetry(unavailable(), 3, 10_000), {
      retry: false,
      reason: 'attempts-exhausted',
    });
    assert.deepEqual(policy.planRetry(unavailable({ retryAfterMs: 500 }), 1, 400), {
      retry: false,
      reason: 'deadline',
    });
    const decision = policy.planRetry(unavailable(), 2, 10_000);
    assert.ok(decision.retry && decision.delayMs >= 0 && decision.delayMs <= 200);
  });
});
