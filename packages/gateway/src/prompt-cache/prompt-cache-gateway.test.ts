// End to end: clients → gateway (planner on by default) → simulator, whose provider cache semantics decide
// the hits. Turn 2 reads what turn 1 wrote, on every Anthropic-family upstream, though the client re-renders
// its tool results with fresh timestamps; `x-rampart-cache: off` passes requests through untouched.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Anthropic from '@anthropic-ai/sdk';
import { createManualClock } from '@rampart/simulator';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.js';
import { prose, renderedToolResult } from './__fixtures__/cache-requests.js';

let harness: GatewayHarness;
const clock = createManualClock();
before(async () => {
  harness = await startGatewayHarness({ sim: { clock } });
});
after(async () => {
  await harness.close();
});

const TOOLS = Array.from({ length: 6 }, (_, i) => ({
  name: `tool_${i}`,
  description: prose(200, i),
  input_schema: { type: 'object' as const, properties: { q: { type: 'string' } }, required: ['q'] },
}));

/** The conversation after `turns` tool round trips, as a client that re-renders tool results at `sentAt`. */
function conversation(
  system: string,
  turns: number,
  sentAt: number,
): Anthropic.MessageCreateParamsNonStreaming {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Research the topic, please.' }];
  for (let t = 0; t < turns; t++) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `toolu_${t}`, name: 'tool_0', input: { q: `q${t}` } }],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `toolu_${t}`, content: renderedToolResult(t, sentAt) }],
    });
  }
  return { model: '', max_tokens: 200, system: [{ type: 'text', text: system }], tools: TOOLS, messages };
}

type Usage = Anthropic.Usage;
const promptTokens = (u: Usage) =>
  u.input_tokens + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);

for (const upstream of [
  { name: 'Anthropic', model: 'anthropic/claude-sonnet-4-5', sim: 'anthropic' as const },
  { name: 'Bedrock InvokeModel', model: 'bedrock/claude-sonnet-4-5', sim: 'bedrock' as const },
  { name: 'Bedrock Converse', model: 'bedrock-converse/claude-sonnet-4-5', sim: 'bedrock' as const },
]) {
  describe(`prompt cache through the gateway to ${upstream.name}`, () => {
    async function send(
      body: Anthropic.MessageCreateParamsNonStreaming,
      headers: Record<string, string> = {},
    ) {
      harness.sim.script.push({ match: { provider: upstream.sim }, text: 'Noted.' });
      const reply = await harness.anthropic.messages.create({ ...body, model: upstream.model }, { headers });
      await clock.advance(30_000);
      return reply.usage;
    }

    test('each turn reads everything the previous turn wrote, though tool results carry fresh timestamps', async () => {
      const system = `${upstream.name}. ${prose(500)}`;
      const usages: Usage[] = [];
      for (let turn = 0; turn < 4; turn++) usages.push(await send(conversation(system, turn, turn * 30)));
      assert.equal(usages[0]!.cache_read_input_tokens ?? 0, 0);
      assert.equal(
        usages[0]!.cache_creation_input_tokens,
        promptTokens(usages[0]!),
        'turn 1 writes its whole prompt',
      );
      for (let turn = 1; turn < 4; turn++) {
        assert.equal(
          usages[turn]!.cache_read_input_tokens,
          promptTokens(usages[turn - 1]!),
          `turn ${turn + 1} reads turn ${turn}`,
        );
      }
    });

    test('x-rampart-cache: off sends no breakpoints; on (or absent) plans them', async () => {
      const system = `${upstream.name} off. ${prose(500)}`;
      const off = await send(conversation(system, 1, 0), { 'x-rampart-cache': 'off' });
      assert.equal(off.cache_creation_input_tokens ?? 0, 0);
      assert.equal(off.cache_read_input_tokens ?? 0, 0);
      const on = await send(conversation(system, 1, 0), { 'x-rampart-cache': 'on' });
      assert.ok((on.cache_creation_input_tokens ?? 0) > 0);
    });
  });
}

test('streamed turns are planned and accounted the same way', async () => {
  const system = `streamed. ${prose(500)}`;
  const before = harness.gateway.metrics.registry.getSingleMetric('rampart_prompt_cache_input_tokens_total');
  const readBefore = (await before!.get()).values
    .filter((v) => v.labels.class === 'read')
    .reduce((a, v) => a + v.value, 0);
  const usages: Usage[] = [];
  for (let turn = 0; turn < 2; turn++) {
    harness.sim.script.push({ match: { provider: 'anthropic' }, text: 'Noted, streaming.' });
    const stream = harness.anthropic.messages.stream({
      ...conversation(system, turn, turn * 30),
      model: 'anthropic/claude-sonnet-4-5',
    });
    usages.push((await stream.finalMessage()).usage);
    await clock.advance(30_000);
  }
  assert.equal(usages[1]!.cache_read_input_tokens, promptTokens(usages[0]!));
  const after = harness.gateway.metrics.registry.getSingleMetric('rampart_prompt_cache_input_tokens_total');
  const readAfter = (await after!.get()).values
    .filter((v) => v.labels.class === 'read')
    .reduce((a, v) => a + v.value, 0);
  assert.equal(readAfter - readBefore, usages[1]!.cache_read_input_tokens);
});

test('a client breakpoint passes through untouched next to the planned ones', async () => {
  const body = conversation(`client-set. ${prose(500)}`, 2, 0);
  body.tools = TOOLS.map((t, i) =>
    i === TOOLS.length - 1 ? { ...t, cache_control: { type: 'ephemeral', ttl: '1h' } } : t,
  );
  harness.sim.script.push({ match: { provider: 'anthropic' }, text: 'Noted.' });
  await harness.anthropic.messages.create({ ...body, model: 'anthropic/claude-sonnet-4-5' });
  const sent = harness.sim.requests.at(-1)!.body as {
    tools: Array<{ cache_control?: unknown }>;
    messages: Array<{ content: unknown }>;
  };
  assert.deepEqual(sent.tools.at(-1)!.cache_control, { type: 'ephemeral', ttl: '1h' });
  const markers = JSON.stringify(sent).match(/"cache_control"/g) ?? [];
  assert.ok(markers.length > 1 && markers.length <= 4, String(markers.length));
});

test('per-key hit rate, tokens and savings are exported as Prometheus metrics', async () => {
  const text = await (await fetch(`${harness.url}/metrics`)).text();
  const read =
    /rampart_prompt_cache_input_tokens_total\{key="([0-9a-f]{16})",provider="anthropic",model="claude-sonnet-4-5",class="read"\} (\d+)/.exec(
      text,
    );
  assert.ok(read && Number(read[2]) > 0, 'read tokens by hashed key');
  assert.notEqual(read[1], 'test', 'the credential itself never appears');
  const ratio = new RegExp(`rampart_prompt_cache_hit_ratio\\{key="${read[1]}"\\} ([0-9.]+)`).exec(text);
  assert.ok(ratio && Number(ratio[1]) > 0.3 && Number(ratio[1]) < 1);
  const saved = new RegExp(`rampart_prompt_cache_saved_usd\\{key="${read[1]}"\\} ([-0-9.e]+)`).exec(text);
  assert.ok(saved && Number(saved[1]) > 0);
});
