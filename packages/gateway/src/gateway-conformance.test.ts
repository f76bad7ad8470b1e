// The gateway's wire, proven by the official SDKs: every inbound format × every upstream, through real HTTP
// to the simulators. Plain and streamed text, tool-call round trips streamed and not, image input, upstream
// errors as the SDK's own typed errors, and mid-stream errors raised by the SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness.js';
import { anthropicDriver, openaiDriver, type SdkDriver } from './testing/sdk-drivers.js';
import { UPSTREAMS } from './testing/upstreams.js';

const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

let harness: GatewayHarness;
before(async () => {
  harness = await startGatewayHarness();
});
after(async () => {
  await harness.close();
});

const drivers: Array<{ name: string; make: () => SdkDriver; errors: typeof OpenAI | typeof Anthropic }> = [
  { name: 'OpenAI SDK', make: () => openaiDriver(harness.openai), errors: OpenAI },
  { name: 'Anthropic SDK', make: () => anthropicDriver(harness.anthropic), errors: Anthropic },
];

function lastRequestBody(): string {
  const requests = harness.sim.requests;
  return JSON.stringify(requests[requests.length - 1]?.body);
}

for (const driver of drivers) {
  for (const upstream of UPSTREAMS) {
    describe(`${driver.name} → ${upstream.name}`, () => {
      const match = { provider: upstream.sim };

      test('plain text', async () => {
        harness.sim.script.push({ match, text: 'Plain answer from upstream.' });
        const { text } = await driver.make().text(upstream.model, 'Say something plain.', false);
        assert.equal(text, 'Plain answer from upstream.');
      });

      test('streamed text', async () => {
        harness.sim.script.push({ match, text: 'A streamed answer, in several pieces, from upstream.' });
        const { text, usage } = await driver.make().text(upstream.model, 'Stream something.', true);
        assert.equal(text, 'A streamed answer, in several pieces, from upstream.');
        assert.ok(usage, 'streamed usage reaches the client');
      });

      for (const stream of [false, true]) {
        test(`tool-call round trip${stream ? ', streamed' : ''}`, async () => {
          const client = driver.make();
          harness.sim.script.push({ match, toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
          const call = await client.toolCall(upstream.model, stream);
          assert.equal(call.name, 'get_weather');
          assert.deepEqual(call.input, { city: 'Paris' });
          assert.ok(call.id.length > 0);

          harness.sim.script.push({ match, text: 'It is 18°C and sunny in Paris.' });
          const answer = await client.toolResult(upstream.model, call, '18°C, sunny', stream);
          assert.equal(answer, 'It is 18°C and sunny in Paris.');
          const sent = lastRequestBody();
          assert.ok(sent.includes('18°C, sunny'), `the tool result reached the upstream: ${sent}`);
          assert.ok(sent.includes(call.id), 'the tool result names its call');
        });
      }

      test('image input', async () => {
        harness.sim.script.push({ match, text: 'A single pixel.' });
        assert.equal(await driver.make().image(upstream.model, PIXEL_PNG), 'A single pixel.');
        assert.ok(lastRequestBody().includes(PIXEL_PNG), 'the image bytes reached the upstream');
      });

      test('upstream 429 surfaces as the SDK rate-limit error with retry-after', async () => {
        harness.sim.faults.add({
          match,
          effect: { type: 'status', status: 429, retryAfterSeconds: 7 },
          when: { times: 1 },
        });
        await assert.rejects(driver.make().text(upstream.model, 'Hi', false), (error: unknown) => {
          assert.ok(error instanceof driver.errors.RateLimitError, `got ${String(error)}`);
          assert.equal(error.status, 429);
          assert.equal(error.headers?.get('retry-after'), '7');
          return true;
        });
      });

      test('upstream 500 surfaces as the SDK server error', async () => {
        harness.sim.faults.add({ match, effect: { type: 'status', status: 500 }, when: { times: 1 } });
        await assert.rejects(driver.make().text(upstream.model, 'Hi', false), (error: unknown) => {
          assert.ok(error instanceof driver.errors.InternalServerError, `got ${String(error)}`);
          assert.ok((error.status ?? 0) >= 500);
          return true;
        });
      });

      test('an in-band error mid-stream makes the SDK throw: the stream never ends as if complete', async () => {
        harness.sim.script.push({
          match,
          text: 'This answer will be interrupted somewhere in the middle of it, sadly.',
        });
        harness.sim.faults.add({
          match,
          effect: { type: 'stream-error', afterEvents: 4 },
          when: { times: 1 },
        });
        await assert.rejects(driver.make().text(upstream.model, 'Hi', true), (error: unknown) => {
          assert.ok(error instanceof driver.errors.APIError, `got ${String(error)}`);
          return true;
        });
        harness.sim.script.clear();
      });
    });
  }
}
