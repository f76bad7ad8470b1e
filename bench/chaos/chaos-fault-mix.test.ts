import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALL_FAULTS,
  STREAM_FAULTS,
  faultRulesFor,
  perRuleProbability,
  type SimTarget,
} from './chaos-fault-mix.js';

const targets: SimTarget[] = [
  { label: 'A/X', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-5-20250929' },
  { label: 'B/X', provider: 'bedrock', upstreamModel: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
];

test('k independent rules at the per-rule probability fail a call with exactly the total', () => {
  for (const kinds of [1, 7, 11]) {
    const q = perRuleProbability(0.1, kinds);
    assert.ok(Math.abs(1 - Math.pow(1 - q, kinds) - 0.1) < 1e-12, `kinds ${kinds}`);
  }
  assert.equal(perRuleProbability(0, 5), 0);
  assert.throws(() => perRuleProbability(1, 3), RangeError);
  assert.throws(() => perRuleProbability(0.1, 0), RangeError);
});

test('every target gets every effect once, matched by its provider and exact upstream model', () => {
  const effects = [...CALL_FAULTS, ...STREAM_FAULTS];
  const rules = faultRulesFor(targets, effects, 0.1);
  assert.equal(rules.length, targets.length * effects.length);
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'ids are unique');
  const forBx = rules.filter((r) => r.match.model === targets[1]!.upstreamModel);
  assert.deepEqual(
    forBx.map((r) => r.effect),
    effects,
  );
  assert.ok(forBx.every((r) => r.match.provider === 'bedrock'));
});

test('a simulated draw of the rules fails close to the total (seeded, 200k calls)', () => {
  const rules = faultRulesFor(targets.slice(0, 1), CALL_FAULTS, 0.1);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let failed = 0;
  const calls = 200_000;
  for (let i = 0; i < calls; i++) {
    let fired = false;
    for (const rule of rules) if (random() < rule.when.probability) fired = true;
    if (fired) failed++;
  }
  assert.ok(Math.abs(failed / calls - 0.1) < 0.003, `rate ${failed / calls}`);
});
