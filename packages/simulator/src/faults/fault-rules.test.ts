import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createManualClock } from '../core/clock.js';
import { seededRandom } from '../core/seeded-random.js';
import { FaultRules } from './fault-rules.js';
import { faultRuleProblem } from './validate-fault-rule.js';

const subject = { provider: 'openai' as const, modelIds: ['gpt-4o'], path: '/v1/chat/completions' };
const fired = (rules: FaultRules, n: number, s = subject): boolean[] =>
  Array.from({ length: n }, () => rules.choose(s).terminal !== undefined);

test('times limits how often a rule fires', () => {
  const rules = new FaultRules(createManualClock(), seededRandom(1));
  rules.add({ effect: { type: 'status', status: 500 }, when: { times: 2 } });
  assert.deepEqual(fired(rules, 4), [true, true, false, false]);
});

test('everyNth fires on the Nth, 2Nth … matching request', () => {
  const rules = new FaultRules(createManualClock(), seededRandom(1));
  rules.add({ effect: { type: 'status', status: 503 }, when: { everyNth: 3 } });
  assert.deepEqual(fired(rules, 7), [false, false, true, false, false, true, false]);
});

test('match narrows by provider, model and path', () => {
  const rules = new FaultRules(createManualClock(), seededRandom(1));
  rules.add({ match: { provider: 'anthropic' }, effect: { type: 'reset' } });
  rules.add({ match: { model: 'gpt-4o-mini' }, effect: { type: 'reset' } });
  rules.add({ match: { path: '/converse' }, effect: { type: 'reset' } });
  assert.deepEqual(fired(rules, 1), [false]);
  assert.deepEqual(fired(rules, 1, { ...subject, path: '/model/x/converse-stream' }), [true]);
});

test('fromMs/untilMs open a window on the clock, counted from when the rule was added', async () => {
  const clock = createManualClock();
  const rules = new FaultRules(clock, seededRandom(1));
  rules.add({ effect: { type: 'status', status: 500 }, when: { fromMs: 1000, untilMs: 2000 } });
  assert.deepEqual(fired(rules, 1), [false]);
  await clock.advance(1000);
  assert.deepEqual(fired(rules, 1), [true]);
  await clock.advance(999);
  assert.deepEqual(fired(rules, 1), [true]);
  await clock.advance(1);
  assert.deepEqual(fired(rules, 1), [false]);
});

test('probability uses the seeded generator: same seed, same pattern; roughly the asked share', () => {
  const run = (seed: number): boolean[] => {
    const rules = new FaultRules(createManualClock(), seededRandom(seed));
    rules.add({ effect: { type: 'status', status: 500 }, when: { probability: 0.3 } });
    return fired(rules, 1000);
  };
  const a = run(7);
  assert.deepEqual(a, run(7));
  assert.notDeepEqual(a, run(8));
  const share = a.filter(Boolean).length / a.length;
  assert.ok(share > 0.25 && share < 0.35, `share ${share}`);
});

test('delays add up; the first terminal and the first stream effect win', () => {
  const rules = new FaultRules(createManualClock(), seededRandom(1));
  rules.add({ effect: { type: 'latency', ms: 100 } });
  rules.add({ effect: { type: 'latency', ms: 50 } });
  rules.add({ effect: { type: 'slow-first-byte', ms: 10 } });
  rules.add({ effect: { type: 'status', status: 429 } });
  rules.add({ effect: { type: 'status', status: 500 } });
  rules.add({ effect: { type: 'cut-stream', afterEvents: 2 } });
  const chosen = rules.choose(subject);
  assert.equal(chosen.latencyMs, 150);
  assert.equal(chosen.firstByteDelayMs, 10);
  assert.deepEqual(chosen.terminal, { type: 'status', status: 429 });
  assert.deepEqual(chosen.stream, { type: 'cut-stream', afterEvents: 2 });
});

test('malformed rules are refused with the path of the problem', () => {
  assert.equal(
    faultRuleProblem({ effect: { type: 'status', status: 200 } }),
    'effect.status: expected 400..599',
  );
  assert.equal(faultRuleProblem({ effect: { type: 'explode' } })?.startsWith('effect.type'), true);
  assert.equal(
    faultRuleProblem({ effect: { type: 'reset' }, when: { probability: 2 } }),
    'when.probability: expected 0..1',
  );
  assert.equal(
    faultRuleProblem({ match: { provider: 'azure' }, effect: { type: 'reset' } }),
    'match.provider: expected openai | anthropic | bedrock',
  );
  assert.equal(faultRuleProblem({ effect: { type: 'cut-stream', afterEvents: 3 } }), undefined);
});
