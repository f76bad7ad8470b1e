import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, ConverseCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import { createManualClock } from '../core/clock.js';
import { startSimulator, type ManualClock, type Simulator } from '../index.js';
import { TokenBucket } from './token-bucket.js';

test('token bucket: starts full, refills at the rate on the clock, says when to retry', async () => {
  const clock = createManualClock();
  const bucket = new TokenBucket({ requestsPerSecond: 2, burst: 3 }, clock);
  assert.deepEqual(
    [1, 2, 3, 4].map(() => bucket.take().ok),
    [true, true, true, false],
  );
  assert.equal(bucket.take().retryAfterMs, 500);
  await clock.advance(500);
  assert.equal(bucket.take().ok, true);
  assert.equal(bucket.take().ok, false);
});

describe('capacity limits make 429s emerge from load', () => {
  let sim: Simulator;
  let clock: ManualClock;
  before(async () => {
    clock = createManualClock();
    sim = await startSimulator({ clock });
  });
  after(() => sim.close());

  test('a burst over the limit gets provider-format 429s; time restores capacity', async () => {
    sim.setCapacity('anthropic', { requestsPerSecond: 1, burst: 5 });
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'k', maxRetries: 0 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () =>
        client.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(ok, 5);
    assert.equal(limited.length, 7);
    for (const e of limited) {
      assert.ok(e instanceof Anthropic.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '1');
      assert.equal(e.headers?.get('anthropic-ratelimit-requests-remaining'), '0');
    }
    const stats = sim.stats().providers.anthropic;
    assert.equal(stats.outcomes.rate_limited, 7);
    assert.equal(stats.peakRequestsPerSecond, 12);
    await clock.advance(2000);
    const after2s = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        client.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      ),
    );
    assert.deepEqual(
      after2s.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
  });

  test('OpenAI and Bedrock answer in their own formats; null lifts the limit', async () => {
    sim.setCapacity('openai', { requestsPerSecond: 0, burst: 1 });
    sim.setCapacity('bedrock', { requestsPerSecond: 0, burst: 1 });
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const ask = () =>
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    await ask();
    await assert.rejects(
      ask(),
      (e: unknown) =>
        e instanceof OpenAI.RateLimitError && e.code === 'rate_limit_exceeded' && e.type === 'requests',
    );
    const bedrock = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    const converse = () =>
      bedrock.send(
        new ConverseCommand({
          modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
          messages: [{ role: 'user', content: [{ text: 'x' }] }],
        }),
      );
    await converse();
    await assert.rejects(converse(), (e: unknown) => e instanceof ThrottlingException);
    sim.setCapacity('bedrock', null);
    await converse();
    bedrock.destroy();
  });
});
