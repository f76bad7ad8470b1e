import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UpstreamError, type ChatRequest } from '@rampart/spec';
import { CircuitBreakerRegistry, Deadline, TargetThrottledError } from '@rampart/resilience';
import { FakeClock, seededRandom } from '@rampart/resilience/testing';
import { InProcessStateStore } from '@rampart/state';
import { parseGatewayConfig } from '../config/load-gateway-config.js';
import { createProviderRegistry } from '../providers/create-provider-registry.js';
import { compileRoute, type RouteLeaf } from './compile-route.js';
import { ModelResolver } from './resolve-model.js';
import { RouteExecutor, type RouteRun } from './route-executor.js';
import { routeConfigSchema } from './strategy-config-schema.js';

const config = parseGatewayConfig(
  {
    providers: {
      anthropic: { type: 'anthropic', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' },
      bedrock: { type: 'bedrock', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' },
    },
  },
  {},
  'test',
);
const resolver = new ModelResolver(config, createProviderRegistry(config));
const request: ChatRequest = {
  model: 'claude-sonnet-4-5',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  stream: false,
};

/** The talk's 4-level fallback: provider A/B × model X/Y. */
const FOUR_LEVELS = {
  strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504] },
  targets: [
    { provider: 'anthropic', model: 'claude-sonnet-4-5' },
    { provider: 'bedrock', model: 'claude-sonnet-4-5' },
    { provider: 'anthropic', model: 'claude-sonnet-4' },
    { provider: 'bedrock', model: 'claude-sonnet-4' },
  ],
};

function setup(routeConfig: unknown, breaker: { consecutiveFailures?: number; openMs?: number } = {}) {
  const clock = new FakeClock();
  const breakers = new CircuitBreakerRegistry({
    store: new InProcessStateStore({ clock }),
    clock,
    random: seededRandom(7),
    openJitter: 0,
    consecutiveFailures: breaker.consecutiveFailures ?? 100,
    openMs: breaker.openMs ?? 30_000,
  });
  const executor = new RouteExecutor({ breakers, clock, random: seededRandom(42) });
  const route = compileRoute(routeConfigSchema.parse(routeConfig), request.model, resolver, 'test');
  const newRun = (deadlineMs?: number): RouteRun => ({
    deadline: deadlineMs === undefined ? Deadline.none({ clock }) : Deadline.after(deadlineMs, { clock }),
    attempts: [],
  });
  return { clock, breakers, executor, route, newRun };
}

const label = (leaf: RouteLeaf) => `${leaf.candidate.provider.name}/${leaf.candidate.upstreamModel}`;
const failure = (status: number, retryAfterMs?: number) =>
  new UpstreamError(status === 429 ? 'rate_limited' : 'upstream_error', `status ${status}`, {
    provider: 'test',
    upstreamStatus: status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

for (const status of [429, 500, 502, 503, 504]) {
  test(`4-level fallback A/X → B/X → A/Y → B/Y on ${status}`, async () => {
    const { executor, route, newRun } = setup(FOUR_LEVELS);
    const tried: string[] = [];
    const run = newRun();
    const served = await executor.run(
      route.root,
      request,
      async (leaf) => {
        tried.push(label(leaf));
        if (tried.length < 4) throw failure(status);
        return 'ok';
      },
      run,
    );
    assert.deepEqual(tried, [
      'anthropic/claude-sonnet-4-5-20250929',
      'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'anthropic/claude-sonnet-4-20250514',
      'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
    assert.equal(served.value, 'ok');
    assert.deepEqual(
      run.attempts.map((a) => [a.path, a.outcome, a.status]),
      [
        ['targets[0]', 'failed', status],
        ['targets[1]', 'failed', status],
        ['targets[2]', 'failed', status],
        ['targets[3]', 'served', undefined],
      ],
    );
  });
}

test('a status not in on_status_codes does not fall back', async () => {
  const { executor, route, newRun } = setup(FOUR_LEVELS);
  const tried: string[] = [];
  await assert.rejects(
    executor.run(
      route.root,
      request,
      async (leaf) => (tried.push(label(leaf)), Promise.reject(failure(400))),
      newRun(),
    ),
    (error: unknown) => error instanceof UpstreamError && error.upstreamStatus === 400,
  );
  assert.equal(tried.length, 1);
});

test("the talk's loadbalance over fallbacks splits by weight and fails over inside each half", async () => {
  const { executor, route, newRun } = setup({
    strategy: { mode: 'loadbalance' },
    targets: [
      {
        weight: 0.5,
        strategy: { mode: 'fallback' },
        targets: [
          { provider: 'anthropic', model: 'claude-sonnet-4-5' },
          { provider: 'anthropic', model: 'claude-sonnet-4' },
        ],
      },
      {
        weight: 0.5,
        strategy: { mode: 'fallback' },
        targets: [
          { provider: 'bedrock', model: 'claude-sonnet-4-5' },
          { provider: 'bedrock', model: 'claude-sonnet-4' },
        ],
      },
    ],
  });
  const servedBy = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const served = await executor.run(
      route.root,
      request,
      async (leaf) => {
        // The first target of each half always fails: every request must end on the half's second target.
        if (leaf.path.endsWith('targets[0]')) throw failure(503);
        return label(leaf);
      },
      newRun(),
    );
    servedBy.set(served.value, (servedBy.get(served.value) ?? 0) + 1);
  }
  assert.deepEqual([...servedBy.keys()].sort(), [
    'anthropic/claude-sonnet-4-20250514',
    'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0',
  ]);
  const anthropicShare = (servedBy.get('anthropic/claude-sonnet-4-20250514') ?? 0) / 2000;
  assert.ok(anthropicShare > 0.45 && anthropicShare < 0.55, `share ${anthropicShare}`);
});

test('retry-after is honoured on the last resort, and never slept past the deadline', async () => {
  const { clock, executor, route, newRun } = setup({
    provider: 'anthropic',
    retry: { attempts: 2 },
    deadline: 10_000,
  });
  const times: number[] = [];
  const start = clock.now();
  const pending = executor.run(
    route.root,
    request,
    async () => {
      times.push(clock.now() - start);
      if (times.length === 1) throw failure(429, 2_000);
      return 'ok';
    },
    newRun(10_000),
  );
  await clock.runAll();
  assert.equal((await pending).value, 'ok');
  assert.equal(times.length, 2);
  assert.ok(times[1]! >= 2_000 && times[1]! <= 2_400, `retried after ${times[1]} ms`);

  const short = setup({ provider: 'anthropic', retry: { attempts: 2 } });
  let calls = 0;
  const tooLong = short.executor.run(
    short.route.root,
    request,
    async () => (calls++, Promise.reject(failure(429, 5_000))),
    short.newRun(1_000),
  );
  await assert.rejects(
    tooLong,
    (error: unknown) => error instanceof UpstreamError && error.upstreamStatus === 429,
  );
  assert.equal(calls, 1, 'a retry-after beyond the deadline is not waited for');
});

test('with a healthy alternative, a failure falls back at once instead of sleeping', async () => {
  const { clock, executor, route, newRun } = setup({
    strategy: { mode: 'fallback' },
    retry: { attempts: 3 },
    targets: [{ provider: 'anthropic' }, { provider: 'bedrock' }],
  });
  const start = clock.now();
  const served = await executor.run(
    route.root,
    request,
    async (leaf) => {
      if (leaf.candidate.provider.name === 'anthropic') throw failure(429, 5_000);
      return 'ok';
    },
    newRun(),
  );
  assert.equal(served.leaf.candidate.provider.name, 'bedrock');
  assert.equal(clock.now() - start, 0);
});

test('the breaker opens, skips at no cost, lets one probe through after the cool-down, and closes', async () => {
  const { clock, breakers, executor, route, newRun } = setup(
    { strategy: { mode: 'fallback' }, targets: [{ provider: 'anthropic' }, { provider: 'bedrock' }] },
    { consecutiveFailures: 3, openMs: 10_000 },
  );
  let anthropicCalls = 0;
  let anthropicHealthy = false;
  const attempt = async (leaf: RouteLeaf) => {
    if (leaf.candidate.provider.name === 'anthropic') {
      anthropicCalls++;
      if (!anthropicHealthy) throw failure(500);
    }
    return label(leaf);
  };
  for (let i = 0; i < 3; i++) await executor.run(route.root, request, attempt, newRun());
  await breakers.all()[0]!.idle();
  assert.equal(anthropicCalls, 3);
  assert.equal(breakers.get('anthropic|claude-sonnet-4-5-20250929').state.kind, 'open');

  const skippedRun = newRun();
  const served = await executor.run(route.root, request, attempt, skippedRun);
  assert.equal(anthropicCalls, 3, 'an open target is not called');
  assert.equal(served.leaf.candidate.provider.name, 'bedrock');
  assert.deepEqual(skippedRun.attempts[0], {
    path: 'targets[0]',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5-20250929',
    outcome: 'skipped',
    reason: 'circuit_open',
    status: 503,
    durationMs: 0,
  });

  await clock.advance(10_000);
  anthropicHealthy = true;
  const results = await Promise.all(
    Array.from({ length: 5 }, () => executor.run(route.root, request, attempt, newRun())),
  );
  assert.equal(anthropicCalls, 4, 'exactly one probe in half-open');
  assert.equal(results.filter((r) => r.leaf.candidate.provider.name === 'anthropic').length, 1);
  await breakers.get('anthropic|claude-sonnet-4-5-20250929').idle();
  assert.equal(breakers.get('anthropic|claude-sonnet-4-5-20250929').state.kind, 'closed');
});

test('config problems in a route name their exact path', () => {
  assert.throws(
    () =>
      compileRoute(
        routeConfigSchema.parse({
          strategy: { mode: 'fallback' },
          targets: [
            { provider: 'anthropic' },
            { strategy: { mode: 'fallback' }, targets: [{ provider: 'nope' }] },
          ],
        }),
        'm',
        resolver,
        'x-rampart-config',
      ),
    (error: unknown) =>
      (error as { param?: string }).param === 'x-rampart-config.targets[1].targets[0].provider',
  );
});

// The talk's rate-limit cascade: a 429 is back-pressure, never a reason to open the breaker for everyone.
test('a 429 with retry-after cools the target for every caller (and replica) instead of opening its breaker', async () => {
  const clock = new FakeClock();
  const store = new InProcessStateStore({ clock });
  const breakerDefaults = { store, clock, random: seededRandom(7), openJitter: 0, consecutiveFailures: 1 };
  const replicas = [1, 2].map((n) => {
    const breakers = new CircuitBreakerRegistry(breakerDefaults);
    const executor = new RouteExecutor({ breakers, clock, random: seededRandom(n), state: store });
    return { breakers, executor };
  });
  await Promise.all(replicas.map((r) => r.executor.start()));
  const route = compileRoute(
    routeConfigSchema.parse({
      strategy: { mode: 'fallback' },
      targets: [{ provider: 'anthropic' }, { provider: 'bedrock' }],
    }),
    request.model,
    resolver,
    'test',
  );
  const calls: string[] = [];
  const attempt = async (leaf: RouteLeaf) => {
    calls.push(leaf.candidate.provider.name);
    if (leaf.candidate.provider.name === 'anthropic') throw failure(429, 1_000);
    return 'ok';
  };
  const run = (): RouteRun => ({ deadline: Deadline.none({ clock }), attempts: [] });
  const first = run();
  await replicas[0]!.executor.run(route.root, request, attempt, first);
  assert.deepEqual(calls, ['anthropic', 'bedrock']);
  await replicas[0]!.breakers.get('anthropic|claude-sonnet-4-5-20250929').idle();
  assert.equal(replicas[0]!.breakers.get('anthropic|claude-sonnet-4-5-20250929').state.kind, 'closed');

  // Both replicas now skip the cooling primary without calling it, at no cost.
  await clock.advance(1);
  for (const replica of replicas) {
    const skipped = run();
    const served = await replica.executor.run(route.root, request, attempt, skipped);
    assert.equal(served.leaf.candidate.provider.name, 'bedrock');
    assert.equal(skipped.attempts[0]?.reason, 'cooling');
    assert.equal(skipped.attempts[0]?.status, 429);
  }
  assert.deepEqual(calls, ['anthropic', 'bedrock', 'bedrock', 'bedrock']);

  // After the retry-after, the primary is tried again.
  await clock.advance(1_000);
  await replicas[1]!.executor.run(route.root, request, attempt, run());
  assert.equal(calls[4], 'anthropic');
  await Promise.all(replicas.map((r) => r.executor.close()));
});

test('a 429 without retry-after is noise once, cooling when repeated, and reset by a success', async () => {
  const { clock, executor } = setup(FOUR_LEVELS);
  const key = 'bedrock|us.anthropic.claude-sonnet-4-5-20250929-v1:0';
  assert.equal(executor.cooldowns.recordThrottle(key, undefined), 0, 'one 429 in a row does not cool');
  executor.cooldowns.recordSuccess(key);
  assert.equal(executor.cooldowns.recordThrottle(key, undefined), 0, 'a success in between resets the count');
  const cooling = executor.cooldowns.recordThrottle(key, undefined);
  assert.ok(cooling >= 125 && cooling <= 250, `second 429 in a row cools for ${cooling} ms`);
  assert.equal(executor.cooldowns.spreadOf(key), 1, 'an estimated time: waiters spread over a whole period');
  executor.cooldowns.recordThrottle('anthropic|x', 1_000);
  assert.equal(executor.cooldowns.spreadOf('anthropic|x'), 0.2, "the upstream's own time: a little jitter");
  for (let i = 0; i < 20; i++) executor.cooldowns.recordThrottle(key, undefined);
  assert.equal(
    executor.cooldowns.remainingMs(key),
    cooling,
    '429s answering calls sent before the cooling began do not stretch it',
  );
  await clock.advance(cooling);
  const longer = executor.cooldowns.recordThrottle(key, undefined);
  assert.ok(longer >= 250 && longer <= 500, `throttled again after it ended: cools longer, ${longer} ms`);
});

test('a cooling last resort is waited for as a retry, jittered, never past the deadline', async () => {
  const { clock, executor, route, newRun } = setup({ provider: 'anthropic', retry: { attempts: 2 } });
  executor.cooldowns.recordThrottle('anthropic|claude-sonnet-4-5-20250929', 2_000);
  const start = clock.now();
  let calledAt = -1;
  const pending = executor.run(
    route.root,
    request,
    async () => ((calledAt = clock.now() - start), 'ok'),
    newRun(10_000),
  );
  await clock.runAll();
  assert.equal((await pending).value, 'ok');
  assert.ok(calledAt >= 2_000 && calledAt <= 2_400, `called after ${calledAt} ms`);

  // Without a retry to spend, the last resort is called anyway: the upstream's own answer is the final word.
  const noRetries = setup({ provider: 'anthropic' });
  noRetries.executor.cooldowns.recordThrottle('anthropic|claude-sonnet-4-5-20250929', 2_000);
  let calls = 0;
  const served = await noRetries.executor.run(
    noRetries.route.root,
    request,
    async () => (calls++, 'ok'),
    noRetries.newRun(),
  );
  assert.equal(served.value, 'ok');
  assert.equal(calls, 1);
  assert.equal(noRetries.clock.pendingTimers, 0, 'and not after a wait');

  // Both cooling: the primary (no retries) is not called but left to the backup, which waits out its own time.
  const both = setup({
    strategy: { mode: 'fallback' },
    targets: [{ provider: 'anthropic' }, { provider: 'bedrock', retry: { attempts: 1 } }],
  });
  both.executor.cooldowns.recordThrottle('anthropic|claude-sonnet-4-5-20250929', 5_000);
  both.executor.cooldowns.recordThrottle('bedrock|us.anthropic.claude-sonnet-4-5-20250929-v1:0', 1_000);
  const bothCalls: string[] = [];
  const bothStart = both.clock.now();
  const waited = both.executor.run(
    both.route.root,
    request,
    async (leaf) => (bothCalls.push(`${leaf.candidate.provider.name}@${both.clock.now() - bothStart}`), 'ok'),
    both.newRun(10_000),
  );
  await both.clock.runAll();
  assert.equal((await waited).leaf.candidate.provider.name, 'bedrock');
  assert.equal(bothCalls.length, 1);
  assert.match(bothCalls[0]!, /^bedrock@1\d{3}(\.\d+)?$/, `called ${bothCalls[0]}`);

  // A cooling target with a healthy alternative is skipped, and with none left the refusal is a 429.
  const pair = setup({
    strategy: { mode: 'fallback' },
    targets: [{ provider: 'anthropic' }, { provider: 'bedrock', capacity: { requests_per_second: 1 } }],
  });
  pair.executor.cooldowns.recordThrottle('anthropic|claude-sonnet-4-5-20250929', 2_000);
  await pair.executor.run(pair.route.root, request, async () => 'ok', pair.newRun(100));
  await assert.rejects(
    pair.executor.run(pair.route.root, request, async () => 'ok', pair.newRun(100)),
    (error: unknown) => error instanceof TargetThrottledError && error.status === 429,
    'backup out of capacity, primary cooling, no time to wait: 429 with retry-after',
  );
});

test('capacity paces a target across callers: queued in order without an alternative, skipped with one', async () => {
  const { clock, executor, route, newRun } = setup({
    provider: 'bedrock',
    capacity: { requests_per_second: 10, burst: 2 },
  });
  const calledAt: number[] = [];
  const start = clock.now();
  const pending = Array.from({ length: 6 }, () =>
    executor.run(route.root, request, async () => (calledAt.push(clock.now() - start), 'ok'), newRun(5_000)),
  );
  await clock.runAll();
  await Promise.all(pending);
  assert.equal(calledAt.length, 6);
  // Two at once (the burst), then one per 100 ms (jitter may only delay).
  assert.deepEqual(calledAt.slice(0, 2), [0, 0]);
  for (let i = 2; i < 6; i++)
    assert.ok(
      calledAt[i]! >= (i - 1) * 100 && calledAt[i]! <= (i - 1) * 100 + 60,
      `call ${i} at ${calledAt[i]}`,
    );

  const withBackup = setup({
    strategy: { mode: 'fallback' },
    targets: [{ provider: 'bedrock', capacity: { requests_per_second: 1 } }, { provider: 'anthropic' }],
  });
  const servedBy: string[] = [];
  for (let i = 0; i < 3; i++) {
    const run = withBackup.newRun();
    const served = await withBackup.executor.run(withBackup.route.root, request, async () => 'ok', run);
    servedBy.push(served.leaf.candidate.provider.name);
    if (i > 0) assert.equal(run.attempts[0]?.reason, 'capacity');
  }
  assert.deepEqual(servedBy, ['bedrock', 'anthropic', 'anthropic']);
  assert.equal(withBackup.clock.pendingTimers, 0, 'nobody waited');
});
