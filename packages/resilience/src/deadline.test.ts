import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Deadline } from './deadline.js';
import { watchFirstToken } from './first-token-watch.js';
import { DeadlineExceededError, FirstTokenTimeoutError } from './resilience-errors.js';
import { FakeClock } from './testing/fake-clock.js';

describe('Deadline', () => {
  test('its signal fires exactly at the deadline with DeadlineExceededError', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(1000, { clock });
    assert.equal(deadline.remaining(), 1000);
    await clock.advance(999);
    assert.equal(deadline.signal.aborted, false);
    assert.equal(deadline.remaining(), 1);
    await clock.advance(1);
    assert.equal(deadline.signal.aborted, true);
    assert.ok(deadline.signal.reason instanceof DeadlineExceededError);
    assert.equal(deadline.remaining(), 0);
    assert.throws(() => deadline.throwIfExpired(), DeadlineExceededError);
  });

  test("the caller's signal aborts it early, with the caller's reason", async () => {
    const clock = new FakeClock();
    const caller = new AbortController();
    const deadline = Deadline.after(1000, { clock, signal: caller.signal });
    const reason = new Error('client disconnected');
    caller.abort(reason);
    assert.equal(deadline.signal.reason, reason);
    assert.equal(deadline.expired, true);
    await clock.advance(0);
    assert.equal(clock.pendingTimers, 0, 'its timer was cleared');
  });

  test('a child may be sooner but never later; aborting the parent aborts the child', async () => {
    const clock = new FakeClock();
    const parent = Deadline.after(1000, { clock });
    const sooner = parent.child({ timeoutMs: 300 });
    const later = parent.child({ timeoutMs: 5000 });
    assert.equal(sooner.at, parent.at - 700);
    assert.equal(later.at, parent.at);
    await clock.advance(300);
    assert.equal(sooner.signal.aborted, true);
    assert.equal(parent.signal.aborted, false);
    await clock.advance(700);
    assert.equal(later.signal.aborted, true);
    assert.ok(later.signal.reason instanceof DeadlineExceededError);
  });

  test('a child combines the parent with its own signal', () => {
    const parent = Deadline.none({ clock: new FakeClock() });
    const own = new AbortController();
    const child = parent.child({ signal: own.signal });
    own.abort(new Error('stop'));
    assert.equal(child.signal.aborted, true);
    assert.equal(parent.signal.aborted, false);
  });

  test('dispose stops the timer', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(1000, { clock });
    deadline.dispose();
    await clock.advance(0);
    assert.equal(clock.pendingTimers, 0);
    await clock.advance(2000);
    assert.equal(deadline.signal.aborted, false);
  });

  test('a deadline already past is aborted from the start', () => {
    const clock = new FakeClock();
    assert.equal(new Deadline(clock.now() - 1, { clock }).signal.aborted, true);
  });
});

describe('watchFirstToken', () => {
  test('aborts with FirstTokenTimeoutError when no token arrives in time', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(10_000, { clock });
    const watch = watchFirstToken(deadline, 500, clock);
    await clock.advance(500);
    assert.ok(watch.signal.reason instanceof FirstTokenTimeoutError);
    assert.equal(deadline.signal.aborted, false, 'the request may still fall back');
    deadline.dispose();
  });

  test('after the first token only the deadline applies', async () => {
    const clock = new FakeClock();
    const deadline = Deadline.after(2000, { clock });
    const watch = watchFirstToken(deadline, 500, clock);
    await clock.advance(200);
    watch.received();
    await clock.advance(1000);
    assert.equal(watch.signal.aborted, false);
    await clock.advance(800);
    assert.ok(watch.signal.reason instanceof DeadlineExceededError);
  });
});
