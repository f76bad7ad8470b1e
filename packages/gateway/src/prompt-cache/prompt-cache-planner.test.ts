import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CacheControl, ChatRequest, Message } from '@rampart/spec';
import { agentConversation, prose, tools } from './__fixtures__/cache-requests.js';
import { prepareRules } from './prompt-cache-canonicalize.js';
import { planBreakpoints, firstPositionReaching, CACHE_LOOKBACK_POSITIONS } from './prompt-cache-planner.js';
import { promptPositions } from './prompt-cache-positions.js';
import { preparePromptCache, type PrepareOptions } from './prompt-cache-prepare.js';
import { DEFAULT_VOLATILE_RULES } from './prompt-cache-volatile-rules.js';

const OPTIONS: PrepareOptions = {
  enabled: true,
  canonicalize: true,
  rules: prepareRules(DEFAULT_VOLATILE_RULES),
  largeContentTokens: 4096,
  stableTtl: '5m',
  conversationTtl: '5m',
};
const ANTHROPIC = { providerType: 'anthropic', model: 'claude-sonnet-4-5-20250929' };

/** Every cache_control marker in prefix order (tools → system → messages, inner tool-result parts included). */
function markers(request: ChatRequest): CacheControl[] {
  const found: CacheControl[] = [];
  const add = (cc: CacheControl | undefined) => cc && found.push(cc);
  for (const t of request.tools ?? []) add(t.cacheControl);
  for (const s of request.system ?? []) add(s.cacheControl);
  for (const m of request.messages)
    for (const part of m.content) {
      add(part.cacheControl);
      if (part.type === 'tool_result') for (const inner of part.content) add(inner.cacheControl);
    }
  return found;
}

const ttlOrderKept = (ccs: CacheControl[]) => {
  const first5m = ccs.findIndex((cc) => (cc.ttl ?? '5m') === '5m');
  return first5m < 0 || ccs.slice(first5m).every((cc) => (cc.ttl ?? '5m') === '5m');
};

/** A random conversation with random client breakpoints (0–4, TTLs valid among themselves). */
const arbitraryRequest = fc
  .record({
    toolCount: fc.integer({ min: 0, max: 6 }),
    toolWords: fc.integer({ min: 1, max: 400 }),
    systemWords: fc.integer({ min: 0, max: 1500 }),
    turns: fc.integer({ min: 0, max: 12 }),
    parallel: fc.integer({ min: 1, max: 4 }),
    marks: fc.array(fc.record({ at: fc.nat(), ttl: fc.constantFrom<'5m' | '1h'>('5m', '1h') }), {
      maxLength: 4,
    }),
  })
  .map(({ toolCount, toolWords, systemWords, turns, parallel, marks }) => {
    const base = agentConversation(turns, 1, parallel);
    const request: ChatRequest = {
      ...base,
      tools: toolCount > 0 ? tools(toolCount, toolWords) : [],
      system: systemWords > 0 ? [{ type: 'text', text: prose(systemWords) }] : [],
    };
    // Client markers on distinct message parts, 1h ones first so the client's own request is valid.
    const slots = request.messages.flatMap((m, mi) => m.content.map((_, pi) => [mi, pi] as const));
    const ttls = marks.map((m) => m.ttl).sort((a, b) => (a === b ? 0 : a === '1h' ? -1 : 1));
    const chosen = [...new Set(marks.map((m) => m.at % slots.length))].sort((a, b) => a - b);
    const messages = request.messages.map((m) => ({ ...m, content: [...m.content] })) as Message[];
    chosen.forEach((slot, i) => {
      const [mi, pi] = slots[slot]!;
      const content = messages[mi]!.content as Array<Message['content'][number]>;
      content[pi] = { ...content[pi]!, cacheControl: { type: 'ephemeral', ttl: ttls[i]! } };
    });
    return { ...request, messages };
  });

test('never more than 4 breakpoints, client ones included; the TTL order holds (property)', () => {
  fc.assert(
    fc.property(arbitraryRequest, (request) => {
      const before = markers(request);
      const after = markers(preparePromptCache(request, ANTHROPIC, OPTIONS).request);
      assert.ok(after.length <= Math.max(4, before.length));
      if (before.length >= 4) assert.equal(after.length, before.length);
      assert.ok(ttlOrderKept(after), JSON.stringify(after));
    }),
    { numRuns: 150 },
  );
});

test("a client's own cache_control survives untouched, and stays where it was (property)", () => {
  fc.assert(
    fc.property(arbitraryRequest, (request) => {
      const prepared = preparePromptCache(request, ANTHROPIC, OPTIONS).request;
      request.messages.forEach((m, mi) =>
        m.content.forEach((part, pi) => {
          if (part.cacheControl)
            assert.deepEqual(prepared.messages[mi]!.content[pi]!.cacheControl, part.cacheControl);
        }),
      );
    }),
    { numRuns: 100 },
  );
});

test('a 1h client breakpoint late in the prompt makes the planned ones before it 1h too', () => {
  const request = agentConversation(3, 1);
  const last = request.messages.at(-1)!;
  const marked: ChatRequest = {
    ...request,
    messages: [
      ...request.messages.slice(0, -1),
      {
        ...last,
        content: last.content.map((p) => ({ ...p, cacheControl: { type: 'ephemeral', ttl: '1h' } })),
      } as Message,
    ],
  };
  const prepared = preparePromptCache(marked, ANTHROPIC, OPTIONS).request;
  const ccs = markers(prepared);
  assert.ok(ccs.length > 1);
  assert.ok(ccs.every((cc) => cc.ttl === '1h'));
});

test('minimums: nothing is planned under the model minimum; every breakpoint clears it', () => {
  // ~1300 cl100k tokens: above Sonnet 4.5's 1024, below Haiku 4.5's 4096.
  const request: ChatRequest = {
    model: 'x',
    system: [{ type: 'text', text: prose(1000) }],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    stream: false,
  };
  const sonnet = preparePromptCache(request, ANTHROPIC, OPTIONS);
  assert.deepEqual(
    sonnet.planned.map((bp) => bp.reason),
    ['system', 'tail'],
  );
  const haiku = preparePromptCache(
    request,
    { providerType: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    OPTIONS,
  );
  assert.deepEqual(haiku.planned, []);
  assert.equal(haiku.request, request, 'an unplanned request is passed through as the same object');

  // The minimum is checked on the prefix through each breakpoint: a short system before long messages is skipped.
  const short: ChatRequest = {
    model: 'x',
    system: [{ type: 'text', text: prose(100) }],
    messages: [{ role: 'user', content: [{ type: 'text', text: prose(2000) }] }],
    stream: false,
  };
  const layout = promptPositions(short);
  const planned = planBreakpoints(layout, {
    minCacheTokens: 1024,
    largeContentTokens: 4096,
    stableTtl: '5m',
    conversationTtl: '5m',
  });
  assert.deepEqual(
    planned.map((bp) => bp.reason),
    ['tail'],
  );
  assert.equal(firstPositionReaching(layout.positions, 1024), 1);
});

test('a bridge breakpoint keeps the previous write within the 20-position lookback after many parallel calls', () => {
  const request = agentConversation(2, 1, 12); // 13 + 12 positions added by the last exchange
  const { planned } = preparePromptCache(request, ANTHROPIC, OPTIONS);
  const layout = promptPositions(request);
  const tail = planned.find((bp) => bp.reason === 'tail')!;
  const bridge = planned.find((bp) => bp.reason === 'bridge');
  assert.ok(bridge, JSON.stringify(planned));
  assert.equal(tail.position, layout.positions.length - 1);
  assert.ok(tail.position - bridge.position >= CACHE_LOOKBACK_POSITIONS);
  // The bridge sits exactly where the previous request (one exchange shorter) put its tail.
  const previous = agentConversation(1, 1, 12);
  const previousTail = preparePromptCache(previous, ANTHROPIC, OPTIONS).planned.find(
    (bp) => bp.reason === 'tail',
  )!;
  assert.equal(bridge.position, previousTail.position);

  const few = preparePromptCache(agentConversation(2, 1, 2), ANTHROPIC, OPTIONS).planned;
  assert.equal(
    few.find((bp) => bp.reason === 'bridge'),
    undefined,
    'no bridge when the tail reaches back',
  );
});

test('off, or a target that does not take breakpoints: the request passes through untouched', () => {
  const request = agentConversation(2, 1);
  assert.equal(preparePromptCache(request, ANTHROPIC, { ...OPTIONS, enabled: false }).request, request);
  assert.equal(
    preparePromptCache(request, { providerType: 'openai', model: 'gpt-4o' }, OPTIONS).request,
    request,
  );
  assert.equal(
    preparePromptCache(request, { providerType: 'bedrock', model: 'amazon.nova-pro-v1:0' }, OPTIONS).request,
    request,
  );
  assert.notEqual(
    preparePromptCache(
      request,
      { providerType: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
      OPTIONS,
    ).request,
    request,
  );
});
