import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { agentConversation } from './__fixtures__/cache-requests.js';
import {
  canonicalToolResultText,
  canonicalizeRequest,
  prepareRules,
  sortKeysDeep,
} from './prompt-cache-canonicalize.js';
import { DEFAULT_VOLATILE_RULES } from './prompt-cache-volatile-rules.js';

const RULES = prepareRules(DEFAULT_VOLATILE_RULES);
const VOLATILE = new Set(
  [...DEFAULT_VOLATILE_RULES.topLevelKeys, ...DEFAULT_VOLATILE_RULES.anyDepthKeys].map((k) =>
    k.toLowerCase(),
  ),
);

/** JSON values whose numbers are doubles JSON can carry (what a tool can mean by a JSON number). */
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  // Tool results carrying the volatile fields, at the top and nested.
  fc.record(
    {
      timestamp: fc.string(),
      execution_time_ms: fc.nat(),
      request_id: fc.string(),
      data: fc.jsonValue({ maxDepth: 3 }),
      meta: fc.record({ requestId: fc.string(), timestamp: fc.string() }),
    },
    { requiredKeys: ['data'] },
  ),
);
/** The same value rendered with random whitespace and key order, as different clients would. */
function render(value: unknown, seed: number, indent: number): string {
  const shuffle = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(shuffle);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v);
    const rotated = entries
      .slice(seed % (entries.length || 1))
      .concat(entries.slice(0, seed % (entries.length || 1)));
    return Object.fromEntries(rotated.map(([k, x]) => [k, shuffle(x)]));
  };
  return JSON.stringify(shuffle(value), null, indent);
}

/** Integers past 2^53 are deliberately left as written (see the next test), so they have no canonical form. */
function numbersRoundTrip(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isInteger(value) || Number.isSafeInteger(value);
  if (value === null || typeof value !== 'object') return true;
  return Object.values(value).every(numbersRoundTrip);
}

/** The meaning a canonical form must keep: the value minus the volatile keys (top level and any-depth ids). */
function meaning(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => meaning(v, false));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => {
        const key = k.toLowerCase();
        return !(
          DEFAULT_VOLATILE_RULES.anyDepthKeys.some((a) => a.toLowerCase() === key) ||
          (top && VOLATILE.has(key))
        );
      })
      .map(([k, v]) => [k, meaning(v, false)]),
  );
}

test('canonicalization is idempotent on any text and any JSON rendering (property)', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        jsonValue.map((v) => JSON.stringify(v, null, 2)),
      ),
      (text) => {
        const once = canonicalToolResultText(text, RULES);
        assert.equal(canonicalToolResultText(once, RULES), once);
      },
    ),
    { numRuns: 500 },
  );
});

test('canonicalization preserves meaning: the same value minus volatile fields; other text untouched (property)', () => {
  fc.assert(
    fc.property(jsonValue, fc.nat(), fc.integer({ min: 0, max: 3 }), (value, seed, indent) => {
      fc.pre(numbersRoundTrip(value));
      const text = render(value, seed, indent);
      const canonical = canonicalToolResultText(text, RULES);
      const trimmed = text.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        assert.deepEqual(sortKeysDeep(JSON.parse(canonical)), sortKeysDeep(meaning(JSON.parse(text))));
      } else {
        assert.equal(canonical, text);
      }
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      fc.pre(!/^\s*[[{]/.test(text));
      assert.equal(canonicalToolResultText(text, RULES), text);
    }),
  );
});

test('the same value in any key order and whitespace becomes the same bytes (property)', () => {
  fc.assert(
    fc.property(jsonValue, fc.nat(), fc.nat(), (value, a, b) => {
      fc.pre(numbersRoundTrip(value));
      assert.equal(
        canonicalToolResultText(render(value, a, a % 3), RULES),
        canonicalToolResultText(render(value, b, 0), RULES),
      );
    }),
    { numRuns: 300 },
  );
});

test("the talk's tool result: timestamps, durations and request ids go, the result stays", () => {
  const first =
    '{"tool":"web_search","result":"Found 10 results","timestamp":"2024-09-15T14:32:17.293Z","execution_time_ms":1247,"meta":{"request_id":"r1","source":"bing"}}';
  const later =
    '{"execution_time_ms": 980, "timestamp": "2024-09-15T14:35:02.001Z", "result": "Found 10 results", "meta": {"source": "bing", "request_id": "r2"}, "tool": "web_search"}';
  const canonical = canonicalToolResultText(first, RULES);
  assert.equal(canonical, '{"meta":{"source":"bing"},"result":"Found 10 results","tool":"web_search"}');
  assert.equal(canonicalToolResultText(later, RULES), canonical);
  // A nested timestamp is data (when an event happened), not execution metadata: kept.
  assert.equal(
    canonicalToolResultText('{"events":[{"timestamp":"t1"}]}', RULES),
    '{"events":[{"timestamp":"t1"}]}',
  );
});

test('JSON whose numbers a double cannot hold is left exactly as written', () => {
  const text = '{"b": 1, "id": 12345678901234567890, "timestamp": "x"}';
  assert.equal(canonicalToolResultText(text, RULES), text);
  // Long digit runs inside strings are fine.
  assert.equal(
    canonicalToolResultText('{"id":"12345678901234567890","a":1e21}', RULES),
    '{"a":1e+21,"id":"12345678901234567890"}',
  );
});

test('text patterns remove volatile prose until nothing matches', () => {
  const rules = prepareRules({ ...DEFAULT_VOLATILE_RULES, textPatterns: [/\s*\(took \d+ ?ms\)/, /ab/] });
  assert.equal(canonicalToolResultText('Listed 3 files (took 41 ms)', rules), 'Listed 3 files');
  assert.equal(canonicalToolResultText('aabb', rules), '');
});

test('a request: tool results re-rendered each turn canonicalize to the same bytes; unchanged parts keep identity', () => {
  const turn1 = canonicalizeRequest(agentConversation(3, 10), RULES);
  const turn2 = canonicalizeRequest(agentConversation(3, 99), RULES);
  assert.notDeepEqual(agentConversation(3, 10), agentConversation(3, 99));
  assert.deepEqual(turn1, turn2);
  const raw = agentConversation(3, 10);
  const canonical = canonicalizeRequest(raw, RULES);
  assert.equal(canonical.messages[0], raw.messages[0], 'a plain user message is not copied');
  assert.equal(canonical.tools, raw.tools);
  const call = canonical.messages[1]!.content[1]!;
  assert.equal(call.type === 'tool_call' && JSON.stringify(call.input), '{"q":"query 0.0"}');
});
