import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RampartError } from '@rampart/spec';
import { InProcessStateStore, type StateStore } from '@rampart/state';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { BrokenCircuitError } from './resilience-errors.js';
import { FakeClock } from './testing/fake-clock.js';
import { seededRandom } from './testing/seeded-random.js';

const down = () => new RampartError('upstream_unavailable', 'down');

/** Counts store round trips, to show that skipping an open breaker costs none. */
function countingStore(inner: StateStore): { store: StateStore; calls: () => number } {
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !property.startsWith('breaker')) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (...args: unknown[]) => {
        calls += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls: () => calls };
}

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = new FakeClock();
  const counted = countingStore(new InProcessStateStore({ clock }));
  const breaker = new CircuitBreaker({
    store: counted.store,
    key: 'anthropic:claude',
    clock,
    random: seededRandom(3),
    consecutiveFailures: 3,
    failureRate: 0,
    openMs: 1000,
    openJitter: 0.2,
    probeLeaseMs: 5000,
    ...options,
  });
  const events: string[] = [];
  breaker.onStateChange((state) => events.push(state.kind));
  return { clock, breaker, events, storeCalls: counted.calls };
}

async function fail(breaker: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await assert.rejects(breaker.execute(() => Promise.reject(down())));
  await breaker.idle();
}

describe('CircuitBreaker', () => {
  test('opens after consecutive failures and then skips the target with no call and no I/O', async () => {
    const { breaker, events, storeCalls } = setup();
    await fail(breaker, 2);
    assert.equal(breaker.state.kind, 'closed');
    await fail(breaker, 1);
    assert.equal(breaker.state.kind, 'open');
    assert.deepEqual(events, ['open']);

    const before = storeCalls();
    let called = false;
    for (let i = 0; i < 1000; i += 1) {
      const admission = breaker.tryAcquire();
      assert.equal(admission.kind, 'rejected');
    }
    await assert.rejects(
      breaker.execute(async () => {
        called = true;
      }),
      (error) => error instanceof BrokenCircuitError && error.retryable && (error.retryAfterMs ?? 0) > 0,
    );
    assert.equal(called, false);
    assert.equal(storeCalls(), before, 'an open breaker is skipped from the local view');
  });

  test('opens on failure rate over the minimum number of calls', async () => {
    const { breaker } = setup({ consecutiveFailures: 0, failureRate: 0.5, minimumCalls: 10 });
    for (let i = 0; i < 5; i += 1) {
      await breaker.execute(async () => 'ok');
      await assert.rejects(breaker.execute(() => Promise.reject(down())));
      await breaker.idle();
      if (i < 4) assert.equal(breaker.state.kind, 'closed', `after ${2 * (i + 1)} calls`);
    }
    assert.equal(breaker.state.kind, 'open', '5 of 10 failed');
  });

  test('non-retryable errors (the request was wrong) do not count against the target', async () => {
    const { breaker } = setup({ consecutiveFailures: 2 });
    for (let i = 0; i < 5; i += 1) {
      await assert.rejects(breaker.execute(() => Promise.reject(new RampartError('invalid_request', 'bad'))));
    }
    await breaker.idle();
    assert.equal(breaker.state.kind, 'closed');
  });

  test('the cool-down is jittered within [openMs, openMs × 1.2]', async () => {
    const untils = new Set<number>();
    for (let seed = 1; seed <= 20; seed += 1) {
      const { breaker } = setup({ random: seededRandom(seed) });
      await fail(breaker, 3);
      const state = breaker.state;
      assert.ok(state.kind === 'open');
      const cooldown = state.until - state.since;
      assert.ok(cooldown >= 1000 && cooldown <= 1200, `cool-down ${cooldown}`);
      untils.add(cooldown);
    }
    assert.ok(untils.size > 10, 'replicas would not probe in lockstep');
  });

  test('half-open grants exactly one probe; its success closes the breaker', async () => {
    const { clock, breaker, events } = setup({ openJitter: 0 });
    await fail(breaker, 3);
    await clock.advance(1000);
    const admissions = Array.from({ length: 20 }, () => breaker.tryAcquire());
    const probes = admissions.filter((a) => a.kind === 'probe');
    assert.equal(probes.length, 20, 'every caller is told a probe may be available…');
    const permits = await Promise.all(
      probes.map((p) => (p.kind === 'probe' ? p.acquire() : Promise.resolve(undefined))),
    );
    const granted = permits.filter((p) => p !== undefined);
    assert.equal(granted.length, 1, '…but only one gets it');
    const [probe] = granted;
    assert.ok(probe?.probe);
    assert.equal(breaker.tryAcquire().kind, 'rejected', 'others skip while the probe runs');
    await breaker.recordSuccess(probe);
    assert.equal(breaker.state.kind, 'closed');
    assert.deepEqual(events, ['open', 'half-open', 'closed']);
  });

  test('a probe failure reopens the breaker for another cool-down', async () => {
    const { clock, breaker, events } = setup({ openJitter: 0 });
    await fail(breaker, 3);
    await clock.advance(1000);
    await assert.rejects(
      breaker.execute(() => Promise.reject(down())),
      /down/,
    );
    await breaker.idle();
    const state = breaker.state;
    assert.ok(state.kind === 'open' && state.until === clock.now() + 1000);
    assert.deepEqual(events, ['open', 'half-open', 'open']);
    await clock.advance(999);
    assert.equal(breaker.tryAcquire().kind, 'rejected');
  });

  test('a cancelled probe gives the slot back at once', async () => {
    const { clock, breaker } = setup({ openJitter: 0 });
    await fail(breaker, 3);
    await clock.advance(1000);
    const controller = new AbortController();
    const run = breaker.execute(({ signal }) => clock.sleep(60_000, signal), { signal: controller.signal });
    await clock.advance(1);
    controller.abort(new Error('client left'));
    await assert.rejects(run, /client left/);
    await breaker.idle();
    const next = breaker.tryAcquire();
    assert.equal(next.kind, 'probe');
    assert.ok(next.kind === 'probe' && (await next.acquire())?.probe);
  });

  test('a snapshot can be saved and restored', async () => {
    const { breaker } = setup();
    await fail(breaker, 3);
    const saved = breaker.snapshot();
    await breaker.restore({ ...saved, state: { kind: 'closed', since: saved.at } });
    assert.equal(breaker.state.kind, 'closed');
    await breaker.restore(saved);
    assert.equal(breaker.state.kind, 'open');
  });
});
