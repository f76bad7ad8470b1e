import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessStateStore } from '@rampart/state';
import type { Principal } from '../tenancy/principal.js';
import { LimitExceededError } from './limit-exceeded-error.js';
import { holdsOf } from './limit-plan.js';
import { budgetPeriod } from './limit-windows.js';
import { RequestLimiter } from './request-limiter.js';
import { formatUsd, usdToNanos } from './usd-nanos.js';

const T0 = Date.UTC(2026, 10, 28, 23, 59, 30);
const estimate = { inputTokens: 60, outputTokens: 40, tokens: 100, costNanos: 1_000, pricedModel: 'm' };
const who = (limits: Partial<Principal['limits']>): Principal => ({
  keyId: 'key_a',
  userId: 'user_a',
  teamId: 'team_a',
  scopes: {},
  limits: { key: {}, user: {}, team: {}, ...limits },
});

function setup(spentNanos = 0n) {
  let now = T0;
  const clock = { now: () => now };
  const state = new InProcessStateStore({ clock: { now: () => now, sleep: async () => undefined } as never });
  let seeds = 0;
  const limiter = new RequestLimiter({
    state,
    now: clock.now,
    instanceId: 'gw_test',
    ledgerSpend: async () => {
      seeds++;
      return { tokens: 0, costNanos: spentNanos };
    },
  });
  return { limiter, state, advance: (ms: number) => (now += ms), seeds: () => seeds };
}

test('USD strings are exact nano-USD; huge budgets are held at 2^53; display', () => {
  assert.equal(usdToNanos('5.00'), 5_000_000_000);
  assert.equal(usdToNanos('0.000000001'), 1);
  assert.equal(usdToNanos('99999999999'), Number.MAX_SAFE_INTEGER);
  assert.throws(() => usdToNanos('-1'), RangeError);
  assert.throws(() => usdToNanos('1.0000000001'), RangeError);
  assert.equal(formatUsd(5_000_000_000), '$5.00');
  assert.equal(formatUsd(1_500), '$0.0000015');
});

test('budget periods are UTC hour, day and month', () => {
  assert.deepEqual(budgetPeriod('usd-day', T0), {
    label: '2026-11-28',
    start: Date.UTC(2026, 10, 28),
    end: Date.UTC(2026, 10, 29),
  });
  assert.equal(budgetPeriod('usd-month', T0).end, Date.UTC(2026, 11, 1));
  assert.equal(budgetPeriod('tokens-hour', T0).label, '2026-11-28T23');
});

test('reserve, settle to actual, refuse with level, window and reset; a new day starts from zero', async () => {
  const { limiter, advance } = setup();
  const p = who({ user: { usdPerDay: '0.0000025' } });
  const a = await limiter.admit(p, estimate, 'r1');
  const b = await limiter.admit(p, estimate, 'r2');
  await assert.rejects(limiter.admit(p, estimate, 'r3'), (error: unknown) => {
    assert.ok(error instanceof LimitExceededError);
    assert.equal(error.code, 'budget_exceeded');
    assert.equal(error.status, 429);
    assert.equal(error.message, 'user budget of $0.0000025 per day exceeded; resets at 2026-11-29T00:00:00Z');
    assert.equal(error.retryAfterMs, 30_000);
    return true;
  });
  // The first two spent less than estimated: the difference is free again.
  await limiter.settle(a, 'r1', { tokens: 10, costNanos: 200 });
  await limiter.settle(b, 'r2', { tokens: 10, costNanos: 200 });
  const c = await limiter.admit(p, estimate, 'r3');
  assert.equal(c.reservations.length, 1);
  await limiter.release(c, 'r3');
  advance(60_000); // past midnight UTC
  for (let i = 0; i < 2; i++) await limiter.admit(p, estimate, `next-${i}`);
});

test('requests per minute refuse with x-ratelimit headers; refused token charges are given back', async () => {
  const { limiter } = setup();
  const p = who({ key: { requestsPerMinute: 1, tokensPerMinute: 1_000 }, team: { tokensPerMinute: 150 } });
  await limiter.admit(p, estimate, 'r1');
  await assert.rejects(limiter.admit(p, estimate, 'r2'), (error: unknown) => {
    assert.ok(error instanceof LimitExceededError);
    assert.equal(error.code, 'rate_limit_exceeded');
    assert.match(error.message, /^key rate limit of 1 requests per minute exceeded; retry in \d+ s/);
    assert.equal(error.headers['x-ratelimit-limit-requests'], '1');
    return true;
  });
});

test('a missing counter is seeded once from the ledger: spend recorded before still counts', async () => {
  const { limiter, seeds } = setup(2_500n);
  const p = who({ team: { usdPerDay: '0.000003' } });
  await assert.rejects(limiter.admit(p, estimate, 'r1'), LimitExceededError);
  await assert.rejects(limiter.admit(p, estimate, 'r2'), LimitExceededError);
  assert.equal(seeds(), 1);
});

test('no principal, or no limits: nothing is checked', async () => {
  const { limiter } = setup();
  assert.deepEqual(await limiter.admit(undefined, estimate, 'r'), {
    reservations: [],
    holdsJson: '[]',
    tokenRates: [],
  });
  assert.deepEqual(await limiter.admit(who({}), estimate, 'r'), {
    reservations: [],
    holdsJson: '[]',
    tokenRates: [],
  });
});

test('budget counters are kept for the rest of their period plus an hour, then dropped', async () => {
  const { limiter, state, advance } = setup();
  const p = who({ key: { usdPerDay: '1', tokensPerHour: 1_000 } });
  const a = await limiter.admit(p, estimate, 'r1');
  assert.deepEqual(
    a.reservations.map((r) => r.keepUntil),
    [Date.UTC(2026, 10, 29) + 3_600_000, Date.UTC(2026, 10, 29) + 3_600_000],
    'the hour (23:00) and the day both end at midnight',
  );
  await limiter.settle(a, 'r1', { tokens: 80, costNanos: 700 });
  const day = 'budget:key:key_a:usd:2026-11-28';
  advance(30_000 + 3_600_000 - 1);
  assert.equal((await state.release(day, 'none')).used, 700, 'kept until an hour after the day');
  advance(1);
  assert.equal((await state.release(day, 'none')).used, 0, 'then gone');
});

test("a pending row's holds rebuild the admission's reservations exactly, at every level and window", async () => {
  const { limiter, advance } = setup();
  const all = { tokensPerHour: 1_000_000, usdPerDay: '100', usdPerMonth: '1000' };
  const p = who({ key: all, user: all, team: { usdPerMonth: '1000' } });
  // Just before midnight (day and month turn at T0 + 30 s), and again just after.
  for (const id of ['before', 'after']) {
    const admission = await limiter.admit(p, estimate, id);
    assert.equal(admission.reservations.length, 7);
    assert.deepEqual(
      holdsOf(admission.holdsJson, p, estimate),
      admission.reservations.map(({ key, unit, amount, keepUntil }) => ({ key, unit, amount, keepUntil })),
    );
    advance(45_000);
  }
  // Rows written before holds were planned keep the list itself.
  const legacy = [{ key: 'budget:key:key_a:usd:2026-11-28', unit: 'usd' as const, amount: 5 }];
  assert.deepEqual(holdsOf(JSON.stringify(legacy), p, estimate), legacy);
});
