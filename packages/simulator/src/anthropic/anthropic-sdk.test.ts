import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import {
  IMAGE_TOKENS,
  countTokens,
  simulatedReplyText,
  simulatedToolResultReplyText,
  startSimulator,
  type Simulator,
} from '../index.js';

const PIXEL = readFileSync(new URL('../__fixtures__/pixel.png', import.meta.url)).toString('base64');
const MODEL = 'claude-sonnet-4-6';
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

interface RawBody {
  type: string;
  error: { type: string; message: string };
  request_id: string;
  content: Array<{ text: string }>;
}

async function raw(
  sim: Simulator,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: RawBody }> {
  const res = await fetch(`${sim.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': 'k',
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as RawBody };
}

describe('Anthropic Messages through the official SDK', () => {
  let sim: Simulator;
  let client: Anthropic;
  before(async () => {
    sim = await startSimulator();
    client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-ant-test', maxRetries: 0 });
  });
  after(() => sim.close());

  test('plain text reply, ids and usage', async () => {
    const { data: msg, response } = await client.messages
      .create({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'Hello Claude' }] })
      .withResponse();
    assert.equal(msg.type, 'message');
    assert.match(msg.id, /^msg_01[A-Za-z0-9]{22}$/);
    assert.equal(msg.model, 'claude-sonnet-4-6');
    assert.deepEqual(msg.content, [{ type: 'text', text: simulatedReplyText('Hello Claude') }]);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, countTokens('Hello Claude'));
    assert.equal(msg.usage.output_tokens, countTokens(simulatedReplyText('Hello Claude')));
    assert.equal(msg.usage.cache_read_input_tokens, 0);
    assert.match(response.headers.get('request-id') ?? '', /^req_/);
    assert.ok(response.headers.get('anthropic-ratelimit-requests-remaining'));
    // The SDK speaks Bearer + 2026-10-21.
    const recorded = sim.requests[sim.requests.length - 1]!;
    assert.equal(recorded.headers['anthropic-version'], '2026-10-21');
    assert.equal(recorded.headers.authorization, undefined);
  });

  test('streamed text: several deltas, message_start usage and cumulative message_delta usage', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Write one line about the sea and the sky' }],
    });
    const types: string[] = [];
    let deltas = 0;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta') deltas++;
      if (event.type === 'message_delta')
        assert.equal(
          event.usage.output_tokens,
          countTokens(simulatedReplyText('Write one line about the sea and the sky')),
        );
    }
    const final = await stream.finalMessage();
    assert.ok(deltas >= 3);
    assert.equal(types[0], 'message_start');
    assert.equal(types[types.length - 1], 'message_stop');
    assert.equal(
      (final.content[0] as { text: string }).text,
      simulatedReplyText('Write one line about the sea and the sky'),
    );
    assert.equal(final.usage.input_tokens, countTokens('Write one line about the sea and the sky'));
  });

  test('tool use round trip, non-streamed', async () => {
    sim.script.push({
      toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }],
      match: { provider: 'anthropic' },
    });
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b) => b.type === 'tool_use');
    assert.ok(use && use.type === 'tool_use');
    assert.match(use.id, /^toolu_01/);
    assert.deepEqual(use.input, { city: 'Paris' });
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny, 21C' }] },
      ],
    });
    assert.deepEqual(second.content, [{ type: 'text', text: simulatedToolResultReplyText('Sunny, 21C') }]);
  });

  test('tool use streamed: input_json_delta fragments join to the input', async () => {
    sim.script.push({
      text: 'Let me check.',
      toolCalls: [{ name: 'get_weather', input: { city: 'Reykjavik, Iceland' } }],
    });
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const fragments: string[] = [];
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')
        fragments.push(event.delta.partial_json);
    }
    const final = await stream.finalMessage();
    assert.ok(fragments.length > 2);
    assert.equal(fragments[0], '');
    assert.deepEqual(JSON.parse(fragments.join('')), { city: 'Reykjavik, Iceland' });
    assert.equal(final.stop_reason, 'tool_use');
    assert.deepEqual(
      final.content.map((b) => b.type),
      ['text', 'tool_use'],
    );
    assert.deepEqual((final.content[1] as { input: unknown }).input, { city: 'Reykjavik, Iceland' });
  });

  test('forced tool_choice makes a tool call with schema-filled input', async () => {
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Oslo' }],
    });
    assert.equal(msg.stop_reason, 'tool_use');
    assert.deepEqual((msg.content[0] as { input: unknown }).input, { city: 'Oslo' });
  });

  test('image input (base64 and URL) is accepted and counted', async () => {
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'Describe' },
          ],
        },
      ],
    });
    assert.equal(msg.usage.input_tokens, 2 * IMAGE_TOKENS + countTokens('Describe'));
  });

  test('max_tokens and stop_sequences cut the reply like the API', async () => {
    const cut = await client.messages.create({
      model: MODEL,
      max_tokens: 3,
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.equal(cut.usage.output_tokens, 3);
    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      stop_sequences: ['to:'],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, 'to:');
    assert.deepEqual(stopped.content, [{ type: 'text', text: 'Simulated reply ' }]);
  });

  test('validation errors come back as 400 invalid_request_error', async () => {
    const cases: Array<[unknown, RegExp, Record<string, string>?]> = [
      [{ model: MODEL, messages: [{ role: 'user', content: 'a' }] }, /max_tokens: Field required/],
      [
        {
          model: MODEL,
          max_tokens: 5,
          messages: [
            { role: 'user', content: 'a' },
            { role: 'user', content: 'b' },
          ],
        },
        /roles must alternate/,
      ],
      [
        {
          model: MODEL,
          max_tokens: 5,
          messages: [
            { role: 'user', content: 'a' },
            { role: 'assistant', content: 'b' },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] },
          ],
        },
        /unexpected `tool_use_id` found in `tool_result` blocks: toolu_x/,
      ],
      [
        {
          model: MODEL,
          max_tokens: 5,
          system: [1, 2, 3, 4, 5].map((i) => ({
            type: 'text',
            text: `s${i}`,
            cache_control: { type: 'ephemeral' },
          })),
          messages: [{ role: 'user', content: 'a' }],
        },
        /A maximum of 4 blocks with cache_control may be provided. Found 5/,
      ],
      [
        {
          model: MODEL,
          max_tokens: 5,
          system: [
            { type: 'text', text: 'a', cache_control: { type: 'ephemeral', ttl: '5m' } },
            { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
          ],
          messages: [{ role: 'user', content: 'a' }],
        },
        /ttl='1h' cache_control block must not come after a ttl='5m'/,
      ],
      [
        { model: MODEL, max_tokens: 5, temperature: 0.5, messages: [{ role: 'user', content: 'a' }] },
        /temperature/,
        { 'anthropic-version': '2026-10-21' },
      ],
      [
        { model: MODEL, max_tokens: 1_000_000, messages: [{ role: 'user', content: 'a' }] },
        /maximum allowed number of output tokens/,
      ],
    ];
    for (const [body, pattern, headers] of cases) {
      const res = await raw(sim, body, headers);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.type, 'error');
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.match(res.body.error.message, pattern);
      assert.match(res.body.request_id, /^req_/);
    }
    // temperature is fine under 2023-06-01
    assert.equal(
      (
        await raw(sim, {
          model: MODEL,
          max_tokens: 5,
          temperature: 0.5,
          messages: [{ role: 'user', content: 'a' }],
        })
      ).status,
      200,
    );
    await assert.rejects(
      // The 2026-10-21 SDK types no longer offer temperature; send it anyway to see the API refuse it.
      client.messages.create({
        model: MODEL,
        max_tokens: 5,
        temperature: 0.2,
        messages: [{ role: 'user', content: 'a' }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming),
      (e: unknown) => e instanceof Anthropic.BadRequestError && e.status === 400,
    );
  });

  test('unknown model is a 404 not_found_error; missing key a 401 authentication_error', async () => {
    await assert.rejects(
      client.messages.create({
        model: 'claude-nope',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'a' }],
      }),
      (e: unknown) => e instanceof Anthropic.NotFoundError && e.status === 404,
    );
    const res = await fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'a' }] }),
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'authentication_error');
  });

  test('x-api-key with 2023-06-01 (curl style) works too', async () => {
    const res = await raw(sim, {
      model: MODEL,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'curl' }],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.content[0]?.text, simulatedReplyText('curl'));
  });

  test('models list in Anthropic format', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('claude-sonnet-4-5-20250929'));
    const count = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'count me' }],
    });
    assert.equal(count.input_tokens, countTokens('count me'));
  });
});
