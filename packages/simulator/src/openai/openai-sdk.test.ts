import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  IMAGE_TOKENS,
  countTokens,
  simulatedReplyText,
  simulatedToolResultReplyText,
  startSimulator,
  type Simulator,
} from '../index.js';

const PIXEL = readFileSync(new URL('../__fixtures__/pixel.png', import.meta.url)).toString('base64');
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('OpenAI Chat Completions through the official SDK', () => {
  let sim: Simulator;
  let client: OpenAI;
  before(async () => {
    sim = await startSimulator();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  after(() => sim.close());

  test('plain text reply is predictable and usage follows the token rule', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hello there' }],
    });
    const text = simulatedReplyText('Hello there');
    assert.equal(res.choices[0]?.message.content, text);
    assert.equal(res.choices[0]?.finish_reason, 'stop');
    assert.equal(res.object, 'chat.completion');
    assert.match(res.id, /^chatcmpl-[A-Za-z0-9]{29}$/);
    assert.equal(res.model, 'gpt-4o-2024-08-06');
    assert.deepEqual(
      {
        p: res.usage?.prompt_tokens,
        c: res.usage?.completion_tokens,
        cached: res.usage?.prompt_tokens_details?.cached_tokens,
      },
      { p: countTokens('Hello there'), c: countTokens(text), cached: 0 },
    );
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    // The log already knows how the call ended when the client has the answer.
    const last = sim.requests[sim.requests.length - 1];
    assert.equal(last?.outcome, 'ok');
    assert.equal(last?.requestId, response.headers.get('x-request-id'));
    assert.ok(response.headers.get('x-ratelimit-remaining-requests'));
  });

  test('streamed text arrives in several deltas, with include_usage semantics', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Tell me a story about a very brave little toaster' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const deltas = chunks.flatMap((c) => (c.choices[0]?.delta.content ? [c.choices[0].delta.content] : []));
    assert.ok(deltas.length >= 3, `expected several deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), simulatedReplyText('Tell me a story about a very brave little toaster'));
    const last = chunks[chunks.length - 1]!;
    assert.deepEqual(last.choices, []);
    assert.equal(last.usage?.completion_tokens, countTokens(deltas.join('')));
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
    assert.equal(chunks[chunks.length - 2]?.choices[0]?.finish_reason, 'stop');
  });

  test('tool call round trip, non-streamed', async () => {
    sim.script.push({ toolCalls: [{ name: 'get_weather', input: { city: 'Paris' } }] });
    const first = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weatherTool],
    });
    const message = first.choices[0]!.message;
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    const call = message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.match(call.id, /^call_/);
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' });
    const second = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        message,
        { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21C' },
      ],
      tools: [weatherTool],
    });
    assert.equal(second.choices[0]?.message.content, simulatedToolResultReplyText('Sunny, 21C'));
  });

  test('tool call streamed: id and name only in the first delta, arguments in fragments', async () => {
    sim.script.push({ toolCalls: [{ name: 'get_weather', input: { city: 'San Francisco, California' } }] });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      stream: true,
    });
    const toolDeltas = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) toolDeltas.push(d);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'tool_calls');
    assert.ok(toolDeltas.length > 2);
    assert.ok(toolDeltas[0]?.id && toolDeltas[0].function?.name === 'get_weather');
    for (const d of toolDeltas.slice(1)) {
      assert.equal(d.id, undefined);
      assert.equal(d.function?.name, undefined);
      assert.equal(d.index, 0);
    }
    assert.deepEqual(JSON.parse(toolDeltas.map((d) => d.function?.arguments ?? '').join('')), {
      city: 'San Francisco, California',
    });
  });

  test('a user message naming a declared tool gets that tool called (no script needed)', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'please use get_weather for Oslo' }],
      tools: [weatherTool],
    });
    assert.equal(res.choices[0]?.message.tool_calls?.[0]?.type, 'function');
  });

  test('image input (data URL and https URL) is accepted and counted', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          ],
        },
      ],
    });
    assert.equal(res.usage?.prompt_tokens, countTokens('What is this?') + 2 * IMAGE_TOKENS);
  });

  test('validation errors use OpenAI error bodies and SDK error classes', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'tool', tool_call_id: 'call_x', content: 'r' }],
      }),
      (e: unknown) =>
        e instanceof OpenAI.BadRequestError &&
        e.status === 400 &&
        /must be a response to a preceeding message with 'tool_calls'/.test(e.message),
    );
    await assert.rejects(
      client.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'a' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'user', content: 'b' },
        ],
      }),
      (e: unknown) =>
        e instanceof OpenAI.BadRequestError && /did not have response messages: call_1/.test(e.message),
    );
    await assert.rejects(
      client.chat.completions.create({
        model: 'gpt-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'a' }],
      }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.code === 'unsupported_parameter',
    );
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'a' }] }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found',
    );
  });

  test('missing key is a 401 in OpenAI format', async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] }),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /You didn't provide an API key/);
  });

  test('models list in OpenAI format', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    assert.ok(models.includes('gpt-4o'));
    assert.equal((await client.models.retrieve('gpt-5')).id, 'gpt-5');
  });
});
