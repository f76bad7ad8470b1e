// Golden usage: for every upstream × inbound format × stream or not, with cache reads and writes present,
// the usage the client receives equals the simulator's ground truth under that format's rules. OpenAI's
// prompt_tokens include cached tokens; Anthropic's input_tokens exclude them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness.js';
import { anthropicDriver, openaiDriver } from './testing/sdk-drivers.js';
import { UPSTREAMS } from './testing/upstreams.js';

/** Ground truth in canonical terms: uncached input, output, cache read, cache write. */
const TRUTH = { inputTokens: 1200, outputTokens: 35, cacheReadTokens: 3000, cacheWriteTokens: 500 };

let harness: GatewayHarness;
before(async () => {
  harness = await startGatewayHarness();
});
after(async () => {
  await harness.close();
});

for (const upstream of UPSTREAMS) {
  // OpenAI's wire reports no cache writes: they are inside prompt_tokens and cannot be told apart.
  const writesVisible = upstream.sim !== 'openai';
  describe(`usage from ${upstream.name}`, () => {
    for (const stream of [false, true]) {
      test(`OpenAI client${stream ? ', streamed' : ''}: prompt_tokens include cached tokens`, async () => {
        harness.sim.script.push({ match: { provider: upstream.sim }, text: 'Counted.', usage: TRUTH });
        const { usage } = await openaiDriver(harness.openai).text(upstream.model, 'Count me.', stream);
        const prompt = TRUTH.inputTokens + TRUTH.cacheReadTokens + TRUTH.cacheWriteTokens;
        assert.equal(usage?.prompt_tokens, prompt);
        assert.equal(usage?.completion_tokens, TRUTH.outputTokens);
        assert.equal(usage?.total_tokens, prompt + TRUTH.outputTokens);
        assert.equal(
          (usage?.prompt_tokens_details as { cached_tokens?: number } | undefined)?.cached_tokens,
          TRUTH.cacheReadTokens,
        );
      });

      test(`Anthropic client${stream ? ', streamed' : ''}: input_tokens exclude cache reads and writes`, async () => {
        harness.sim.script.push({ match: { provider: upstream.sim }, text: 'Counted.', usage: TRUTH });
        const { usage } = await anthropicDriver(harness.anthropic).text(upstream.model, 'Count me.', stream);
        assert.equal(usage?.cache_read_input_tokens, TRUTH.cacheReadTokens);
        assert.equal(usage?.output_tokens, TRUTH.outputTokens);
        if (writesVisible) {
          assert.equal(usage?.input_tokens, TRUTH.inputTokens);
          assert.equal(usage?.cache_creation_input_tokens, TRUTH.cacheWriteTokens);
        } else {
          // Writes are indistinguishable from plain input on OpenAI's wire; nothing is counted twice.
          assert.equal(usage?.input_tokens, TRUTH.inputTokens + TRUTH.cacheWriteTokens);
          assert.equal(usage?.cache_creation_input_tokens ?? 0, 0);
        }
      });
    }
  });
}
