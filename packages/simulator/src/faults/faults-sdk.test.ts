import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import {
  BedrockRuntimeClient,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ServiceUnavailableException,
  ThrottlingException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import OpenAI from 'openai';
import {
  createManualClock,
  simulatedReplyText,
  startSimulator,
  type ManualClock,
  type Simulator,
} from '../index.js';

const CLAUDE = 'claude-sonnet-4-6';
const BEDROCK = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret' };
const ask = {
  model: CLAUDE,
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Tell me something long enough to stream' }],
};
const invokeBody = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 256,
  messages: [{ role: 'user', content: 'Hello stream' }],
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'condition not reached');
}

describe('faults surface through the official SDKs', () => {
  let sim: Simulator;
  let clock: ManualClock;
  let anthropic: Anthropic;
  let openai: OpenAI;
  let bedrock: BedrockRuntimeClient;
  let bedrockH2: BedrockRuntimeClient;
  before(async () => {
    clock = createManualClock();
    sim = await startSimulator({ clock });
    anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'k', maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    bedrock = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.url,
      credentials,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    bedrockH2 = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: sim.http2Url,
      credentials,
      maxAttempts: 1,
    });
  });
  beforeEach(() => sim.reset());
  after(async () => {
    bedrock.destroy();
    bedrockH2.destroy();
    await sim.close();
  });

  test('status errors: each SDK raises its own typed error with the right status and headers', async () => {
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'status', status: 429, retryAfterSeconds: 7 },
      when: { times: 1 },
    });
    await assert.rejects(anthropic.messages.create(ask), (e: unknown) => {
      assert.ok(e instanceof Anthropic.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '7');
      assert.equal((e.error as { error: { type: string } }).error.type, 'rate_limit_error');
      return true;
    });
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'status', status: 529 },
      when: { times: 1 },
    });
    await assert.rejects(anthropic.messages.create(ask), (e: unknown) => {
      assert.ok(e instanceof Anthropic.InternalServerError);
      assert.equal(e.status, 529);
      assert.equal((e.error as { error: { type: string } }).error.type, 'overloaded_error');
      return true;
    });
    for (const status of [500, 502, 503, 504]) {
      sim.faults.add({
        match: { provider: 'openai' },
        effect: { type: 'status', status },
        when: { times: 1 },
      });
      await assert.rejects(
        openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }),
        (e: unknown) => e instanceof OpenAI.InternalServerError && e.status === status,
      );
    }
    sim.faults.add({
      match: { provider: 'openai' },
      effect: { type: 'status', status: 429, code: 'insufficient_quota' },
      when: { times: 1 },
    });
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }),
      (e: unknown) =>
        e instanceof OpenAI.RateLimitError &&
        e.code === 'insufficient_quota' &&
        e.type === 'insufficient_quota',
    );
    sim.faults.add({
      match: { provider: 'openai' },
      effect: { type: 'status', status: 429, retryAfterMs: 250 },
      when: { times: 1 },
    });
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }),
      (e: unknown) =>
        e instanceof OpenAI.RateLimitError &&
        e.code === 'rate_limit_exceeded' &&
        e.headers?.get('retry-after-ms') === '250',
    );
    sim.faults.add({
      match: { provider: 'bedrock' },
      effect: { type: 'status', status: 429 },
      when: { times: 2 },
    });
    for (const client of [bedrock, bedrockH2]) {
      await assert.rejects(
        client.send(new InvokeModelCommand({ modelId: BEDROCK, body: invokeBody })),
        (e: unknown) => {
          assert.ok(e instanceof ThrottlingException);
          assert.equal(e.$metadata.httpStatusCode, 429);
          return true;
        },
      );
    }
    sim.faults.add({
      match: { provider: 'bedrock' },
      effect: { type: 'status', status: 503 },
      when: { times: 1 },
    });
    await assert.rejects(
      bedrock.send(new InvokeModelCommand({ modelId: BEDROCK, body: invokeBody })),
      (e: unknown) => e instanceof ServiceUnavailableException && e.$metadata.httpStatusCode === 503,
    );
    const outcomes = sim.stats().providers;
    assert.equal(outcomes.anthropic.outcomes['fault:status'], 2);
    assert.equal(outcomes.bedrock.outcomes['fault:status'], 3);
  });

  test('latency holds the response until the clock passes the delay', async () => {
    sim.faults.add({ effect: { type: 'latency', ms: 30_000 } });
    let done = false;
    const pending = anthropic.messages.create(ask).then((m) => {
      done = true;
      return m;
    });
    await waitFor(() => clock.pendingSleeps() === 1);
    await clock.advance(29_999);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, false);
    await clock.advance(1);
    assert.equal(
      ((await pending).content[0] as { text: string }).text,
      simulatedReplyText(ask.messages[0]!.content),
    );
  });

  test('slow first byte: headers arrive, the body waits for the clock', async () => {
    sim.faults.add({ effect: { type: 'slow-first-byte', ms: 5_000 } });
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'slow' }], stream: true }),
    });
    assert.equal(res.status, 200);
    let body = '';
    const reading = res.text().then((t) => (body = t));
    await waitFor(() => clock.pendingSleeps() === 1);
    assert.equal(body, '');
    await clock.advance(5_000);
    await reading;
    assert.match(body, /data: \[DONE\]/);
  });

  test('connection reset: each SDK reports a connection error', async () => {
    sim.faults.add({ effect: { type: 'reset' } });
    await assert.rejects(
      anthropic.messages.create(ask),
      (e: unknown) => e instanceof Anthropic.APIConnectionError,
    );
    await assert.rejects(
      openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }),
      (e: unknown) => e instanceof OpenAI.APIConnectionError,
    );
    await assert.rejects(
      bedrock.send(new InvokeModelCommand({ modelId: BEDROCK, body: invokeBody })),
      (e: unknown) => {
        return (
          e instanceof Error &&
          /ECONNRESET|socket hang up/.test(`${(e as { code?: string }).code} ${e.message}`)
        );
      },
    );
    await assert.rejects(
      bedrockH2.send(new InvokeModelCommand({ modelId: BEDROCK, body: invokeBody })),
      Error,
    );
    assert.equal(sim.stats().providers.anthropic.outcomes['fault:reset'], 1);
  });

  test('cut mid-stream: the socket dies after N events and the SDK stream throws', async () => {
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'cut-stream', afterEvents: 3 } });
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const event of anthropic.messages.stream(ask)) seen.push(event.type);
    });
    assert.deepEqual(seen, ['message_start', 'content_block_start']);
    assert.ok(!seen.includes('message_stop'));

    sim.faults.add({ match: { provider: 'bedrock' }, effect: { type: 'cut-stream', afterEvents: 2 } });
    for (const client of [bedrock, bedrockH2]) {
      const res = await client.send(
        new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK, body: invokeBody }),
      );
      let chunks = 0;
      await assert.rejects(async () => {
        for await (const part of res.body!) if (part.chunk) chunks++;
      });
      assert.equal(chunks, 2);
    }
  });

  test('cut mid-stream with a clean end: no terminal event reaches the client', async () => {
    sim.faults.add({
      match: { provider: 'openai' },
      effect: { type: 'cut-stream', afterEvents: 3, mode: 'end' },
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'one two three four five six seven' }],
      stream: true,
    });
    const finishes: Array<string | null | undefined> = [];
    for await (const chunk of stream) finishes.push(chunk.choices[0]?.finish_reason);
    assert.equal(finishes.length, 3);
    assert.ok(finishes.every((f) => f === null));
    sim.faults.clear();
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'cut-stream', afterEvents: 4, mode: 'end' },
    });
    const types: string[] = [];
    for await (const event of await anthropic.messages.create({ ...ask, stream: true }))
      types.push(event.type);
    assert.equal(types.length, 3); // the ping is the 3rd event on the wire; the SDK hides it
    assert.ok(!types.includes('message_stop'));
  });

  test('in-band stream errors after N events are raised by each SDK', async () => {
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'stream-error', afterEvents: 4 } });
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const event of await anthropic.messages.create({ ...ask, stream: true }))
          seen.push(event.type);
      },
      (e: unknown) =>
        e instanceof Anthropic.APIError &&
        (e.error as { error: { type: string } }).error.type === 'overloaded_error',
    );
    assert.ok(seen.includes('content_block_start') && !seen.includes('message_stop'));

    sim.faults.add({
      match: { provider: 'openai' },
      effect: { type: 'stream-error', afterEvents: 2, message: 'boom' },
    });
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'a b c d e f' }],
      stream: true,
    });
    await assert.rejects(
      async () => {
        for await (const _ of stream) {
          /* drain */
        }
      },
      (e: unknown) => e instanceof OpenAI.APIError && /boom/.test(e.message),
    );

    sim.faults.add({
      match: { provider: 'bedrock', path: '/invoke-with-response-stream' },
      effect: { type: 'stream-error', afterEvents: 2, errorType: 'throttlingException' },
    });
    const invoke = await bedrockH2.send(
      new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK, body: invokeBody }),
    );
    await assert.rejects(
      async () => {
        for await (const _ of invoke.body!) {
          /* drain */
        }
      },
      (e: unknown) => e instanceof ThrottlingException,
    );
    sim.faults.add({
      match: { provider: 'bedrock', path: '/converse-stream' },
      effect: { type: 'stream-error', afterEvents: 3 },
    });
    const converse = await bedrock.send(
      new ConverseStreamCommand({
        modelId: BEDROCK,
        messages: [{ role: 'user', content: [{ text: 'hi there' }] }],
      }),
    );
    const kinds: string[] = [];
    await assert.rejects(
      async () => {
        for await (const event of converse.stream!) kinds.push(Object.keys(event)[0]!);
      },
      (e: unknown) => e instanceof ModelStreamErrorException,
    );
    assert.equal(kinds.length, 3);
  });

  test('empty stream: 200, headers, and nothing (OpenAI: only [DONE])', async () => {
    sim.faults.add({ effect: { type: 'empty-stream' } });
    const events: unknown[] = [];
    for await (const e of await anthropic.messages.create({ ...ask, stream: true })) events.push(e);
    assert.equal(events.length, 0);
    await assert.rejects(anthropic.messages.stream(ask).finalMessage());
    const raw = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    assert.equal(raw.status, 200);
    assert.equal(await raw.text(), 'data: [DONE]\n\n');
    const res = await bedrock.send(
      new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK, body: invokeBody }),
    );
    let parts = 0;
    for await (const _ of res.body!) parts++;
    assert.equal(parts, 0);
  });

  test('200 whose body is an error', async () => {
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'error-body-200' } });
    const { data, response } = await anthropic.messages.create(ask).withResponse();
    assert.equal(response.status, 200);
    assert.deepEqual(
      (data as unknown as { type: string; error: { type: string } }).error.type,
      'overloaded_error',
    );
    sim.faults.add({
      match: { provider: 'openai' },
      effect: { type: 'error-body-200', message: 'soft failure' },
    });
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    assert.equal((completion as unknown as { error: { message: string } }).error.message, 'soft failure');
  });
});
