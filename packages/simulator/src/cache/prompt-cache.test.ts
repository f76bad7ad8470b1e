import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createManualClock } from '../core/clock.js';
import type { PromptBlock } from '../prompt/prompt-block.js';
import { PromptCache } from './prompt-cache.js';

const block = (id: string, tokens: number, breakpoint?: '5m' | '1h'): PromptBlock => ({
  key: id,
  tokens,
  ...(breakpoint ? { breakpoint } : {}),
});

test('a breakpoint write is read back by the next identical prefix', () => {
  const cache = new PromptCache(createManualClock());
  const blocks = [block('sys', 1500, '5m'), block('q1', 10)];
  const first = cache.planBreakpoints('acct', blocks, 1024);
  assert.deepEqual(first.usage, { readTokens: 0, write5mTokens: 1500, write1hTokens: 0, uncachedTokens: 10 });
  first.commit();
  const second = cache.planBreakpoints('acct', [block('sys', 1500, '5m'), block('q2', 7)], 1024);
  assert.deepEqual(second.usage, { readTokens: 1500, write5mTokens: 0, write1hTokens: 0, uncachedTokens: 7 });
});

test('entries are readable only once the writing response has begun (commit)', () => {
  const cache = new PromptCache(createManualClock());
  const blocks = [block('sys', 2000, '5m')];
  cache.planBreakpoints('acct', blocks, 1024);
  assert.equal(cache.planBreakpoints('acct', blocks, 1024).usage.readTokens, 0);
});

test('prefixes below the model minimum are silently not cached', () => {
  const cache = new PromptCache(createManualClock());
  const plan = cache.planBreakpoints('acct', [block('sys', 1000, '5m'), block('q', 5)], 1024);
  assert.deepEqual(plan.usage, { readTokens: 0, write5mTokens: 0, write1hTokens: 0, uncachedTokens: 1005 });
  plan.commit();
  assert.equal(cache.size, 0);
});

test('a read walks back from the breakpoint up to 20 positions, not further', () => {
  const cache = new PromptCache(createManualClock());
  const base = [block('sys', 1200, '5m')];
  cache.planBreakpoints('acct', base, 1024).commit();
  const grown = (extra: number): PromptBlock[] => [
    block('sys', 1200),
    ...Array.from({ length: extra }, (_, i) => block(`m${i}`, 10, i === extra - 1 ? '5m' : undefined)),
  ];
  // Breakpoint 19 blocks after the write: the write is the 20th position checked.
  const near = cache.planBreakpoints('acct', grown(19), 1024);
  assert.deepEqual(near.usage, { readTokens: 1200, write5mTokens: 190, write1hTokens: 0, uncachedTokens: 0 });
  const far = cache.planBreakpoints('acct', grown(20), 1024);
  assert.equal(far.usage.readTokens, 0);
  assert.equal(far.usage.write5mTokens, 1400);
});

test('several breakpoints: the 1h segment and the 5m segment are written separately', () => {
  const cache = new PromptCache(createManualClock());
  const plan = cache.planBreakpoints(
    'acct',
    [block('tools', 600, '1h'), block('sys', 600, '1h'), block('hist', 300, '5m'), block('q', 9)],
    1024,
  );
  // tools alone (600) is below the minimum, so its tokens ride with the next breakpoint that qualifies.
  assert.deepEqual(plan.usage, { readTokens: 0, write5mTokens: 300, write1hTokens: 1200, uncachedTokens: 9 });
});

test('5m entries expire on the clock; a read refreshes the TTL; 1h outlives 5m', async () => {
  const clock = createManualClock();
  const cache = new PromptCache(clock);
  const five = [block('five', 1100, '5m')];
  const hour = [block('hour', 1100, '1h')];
  cache.planBreakpoints('acct', five, 1024).commit();
  cache.planBreakpoints('acct', hour, 1024).commit();
  await clock.advance(4 * 60_000);
  const refreshed = cache.planBreakpoints('acct', five, 1024);
  assert.equal(refreshed.usage.readTokens, 1100);
  refreshed.commit();
  await clock.advance(4 * 60_000);
  assert.equal(cache.planBreakpoints('acct', five, 1024).usage.readTokens, 1100, 'refreshed 4 minutes ago');
  await clock.advance(60_001 + 60_000);
  assert.equal(cache.planBreakpoints('acct', five, 1024).usage.readTokens, 0, 'expired');
  assert.equal(cache.planBreakpoints('acct', hour, 1024).usage.readTokens, 1100);
});

test('cache state is per scope (account / key / model)', () => {
  const cache = new PromptCache(createManualClock());
  cache.planBreakpoints('alice', [block('sys', 1500, '5m')], 1024).commit();
  assert.equal(cache.planBreakpoints('bob', [block('sys', 1500, '5m')], 1024).usage.readTokens, 0);
});

test('automatic caching (OpenAI): 1024 tokens minimum, hits in 128-token steps', () => {
  const cache = new PromptCache(createManualClock());
  const sys = 'x'.repeat(6000);
  const prompt = (q: string): PromptBlock[] => [
    { key: `system\u0000${sys}`, tokens: 1500 },
    { key: `user\u0000${q}`, tokens: 1 },
  ];
  const first = cache.planAutomatic('acct', prompt('a'), 1024);
  assert.equal(first.usage.readTokens, 0);
  first.commit();
  const second = cache.planAutomatic('acct', prompt('b'), 1024);
  assert.equal(second.usage.readTokens, 1408);
  assert.equal(second.usage.uncachedTokens, 1501 - 1408);
  const short = cache.planAutomatic('acct', [{ key: 'user\u0000hi', tokens: 1000 }], 1024);
  assert.deepEqual(short.usage, { readTokens: 0, write5mTokens: 0, write1hTokens: 0, uncachedTokens: 1000 });
});
