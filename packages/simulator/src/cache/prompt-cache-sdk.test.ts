import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import {
  countTokens,
  createManualClock,
  startSimulator,
  type ManualClock,
  type Simulator,
} from '../index.js';

// 4200 characters → 1050 tokens: above Opus 4/4.1's 1024-token minimum, below Haiku 4.5's 4096.
const SYSTEM = 'You are a careful assistant. '.repeat(150).slice(0, 4200);
const SYSTEM_TOKENS = countTokens(SYSTEM);
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };

describe('prompt caching through the official SDKs, with exact usage', () => {
  let sim: Simulator;
  let clock: ManualClock;
  let anthropic: Anthropic;
  let bedrock: BedrockRuntimeClient;
  before(async () => {
    clock = createManualClock();
    sim = await startSimulator({ clock });
    anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'key-a', maxRetries: 0 });
    bedrock = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
  });
  beforeEach(() => sim.reset());
  after(async () => {
    bedrock.destroy();
    await sim.close();
  });

  const anthropicAsk = (question: string, ttl: '5m' | '1h' = '5m', model = 'claude-opus-4-1') => ({
    model,
    max_tokens: 100,
    system: [{ type: 'text' as const, text: SYSTEM, cache_control: { type: 'ephemeral' as const, ttl } }],
    messages: [{ role: 'user' as const, content: question }],
  });

  test('Anthropic: write then read; input_tokens excludes cache tokens', async () => {
    const first = await anthropic.messages.create(anthropicAsk('First question?'));
    assert.equal(first.usage.cache_creation_input_tokens, SYSTEM_TOKENS);
    assert.deepEqual(first.usage.cache_creation, {
      ephemeral_5m_input_tokens: SYSTEM_TOKENS,
      ephemeral_1h_input_tokens: 0,
    });
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(first.usage.input_tokens, countTokens('First question?'));

    const second = await anthropic.messages.create(anthropicAsk('Another one?'));
    assert.equal(second.usage.cache_read_input_tokens, SYSTEM_TOKENS);
    assert.equal(second.usage.cache_creation_input_tokens, 0);
    assert.equal(second.usage.input_tokens, countTokens('Another one?'));

    // Streaming reports the same split in message_start and again (cumulative) in message_delta.
    const stream = anthropic.messages.stream(anthropicAsk('Streamed?'));
    let startUsage: Anthropic.Usage | undefined;
    for await (const event of stream) if (event.type === 'message_start') startUsage = event.message.usage;
    assert.equal(startUsage?.cache_read_input_tokens, SYSTEM_TOKENS);
    assert.equal((await stream.finalMessage()).usage.cache_read_input_tokens, SYSTEM_TOKENS);
  });

  test('Anthropic: the 5m entry expires on the clock, a 1h entry survives; another key has its own cache', async () => {
    await anthropic.messages.create(anthropicAsk('q'));
    await anthropic.messages.create(anthropicAsk('q', '1h', 'claude-opus-4-0'));
    await clock.advance(5 * 60_000 + 1);
    const expired = await anthropic.messages.create(anthropicAsk('q'));
    assert.equal(expired.usage.cache_read_input_tokens, 0);
    assert.equal(expired.usage.cache_creation_input_tokens, SYSTEM_TOKENS);
    const hour = await anthropic.messages.create(anthropicAsk('q', '1h', 'claude-opus-4-0'));
    assert.equal(hour.usage.cache_read_input_tokens, SYSTEM_TOKENS);
    const other = new Anthropic({ baseURL: sim.url, apiKey: 'key-b', maxRetries: 0 });
    const theirs = await other.messages.create(anthropicAsk('q'));
    assert.equal(theirs.usage.cache_read_input_tokens, 0);
    assert.equal(theirs.usage.cache_creation_input_tokens, SYSTEM_TOKENS);
  });

  test('Anthropic: a prefix under the model minimum (Haiku 4.5: 4096) is not cached', async () => {
    const res = await anthropic.messages.create(anthropicAsk('q', '1h', 'claude-haiku-4-5'));
    assert.equal(res.usage.cache_creation_input_tokens, 0);
    assert.equal(res.usage.input_tokens, SYSTEM_TOKENS + countTokens('q'));
  });

  test('OpenAI: automatic prefix caching, cached_tokens included in prompt_tokens', async () => {
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const ask = (q: string) =>
      openai.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: q },
        ],
      });
    const first = await ask('one');
    assert.equal(first.usage?.prompt_tokens, SYSTEM_TOKENS + countTokens('one'));
    assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 0);
    const second = await ask('two');
    assert.equal(second.usage?.prompt_tokens, SYSTEM_TOKENS + countTokens('two'));
    assert.equal(second.usage?.prompt_tokens_details?.cached_tokens, 1024);
  });

  test('Bedrock InvokeModel: cache_control, usage in body and X-Amzn-Bedrock-* headers', async () => {
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hello' }],
    });
    const modelId = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const first = JSON.parse(
      new TextDecoder().decode((await bedrock.send(new InvokeModelCommand({ modelId, body }))).body),
    );
    assert.equal(first.usage.cache_creation_input_tokens, SYSTEM_TOKENS);
    const res = await fetch(`${sim.url}/model/${encodeURIComponent(modelId)}/invoke`, {
      method: 'POST',
      headers: { authorization: 'Bearer api-key', 'content-type': 'application/json' },
      body,
    });
    // A different credential (API key instead of AKID) has its own cache: this is a write again.
    assert.equal(res.headers.get('x-amzn-bedrock-cache-write-input-token-count'), String(SYSTEM_TOKENS));
    const again = JSON.parse(
      new TextDecoder().decode((await bedrock.send(new InvokeModelCommand({ modelId, body }))).body),
    );
    assert.equal(again.usage.cache_read_input_tokens, SYSTEM_TOKENS);
    assert.equal(again.usage.input_tokens, countTokens('hello'));
  });

  test('Bedrock Converse: cachePoint blocks; inputTokens excludes cached, totalTokens includes it', async () => {
    const ask = (q: string) =>
      bedrock.send(
        new ConverseCommand({
          modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
          system: [{ text: SYSTEM }, { cachePoint: { type: 'default' } }],
          messages: [{ role: 'user', content: [{ text: q }] }],
        }),
      );
    const first = await ask('first');
    assert.deepEqual(first.usage, {
      inputTokens: countTokens('first'),
      outputTokens: first.usage?.outputTokens,
      totalTokens: countTokens('first') + SYSTEM_TOKENS + (first.usage?.outputTokens ?? 0),
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: SYSTEM_TOKENS,
    });
    const second = await ask('second');
    assert.equal(second.usage?.cacheReadInputTokens, SYSTEM_TOKENS);
    assert.equal(second.usage?.cacheWriteInputTokens, 0);
    assert.equal(second.usage?.inputTokens, countTokens('second'));
  });
});
