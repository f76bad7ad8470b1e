// Bad input gets a clear 4xx in the caller's own protocol, naming what is wrong; and thousands of random and
// mutated bodies never produce a 5xx, never crash the server, and leave it healthy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness.js';

const MAX_BODY_BYTES = 64 * 1024;
let harness: GatewayHarness;
before(async () => {
  harness = await startGatewayHarness({ extra: { server: { maxBodyBytes: MAX_BODY_BYTES } } });
});
after(async () => {
  await harness.close();
});

type Endpoint = 'openai' | 'anthropic';
const PATHS: Record<Endpoint, string> = { openai: '/v1/chat/completions', anthropic: '/v1/messages' };

/** A parsed response body; shapes are checked by assertions, not types. */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function post(endpoint: Endpoint, body: string): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${harness.url}${PATHS[endpoint]}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(endpoint === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}),
    },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** The error object in either protocol's envelope, after checking the envelope is that protocol's. */
function errorOf(
  endpoint: Endpoint,
  json: Json,
): { type: string; message: string; param?: string | null; code?: string | null } {
  if (endpoint === 'anthropic') {
    assert.equal(json.type, 'error', JSON.stringify(json));
    return json.error;
  }
  assert.equal(typeof json.error, 'object', JSON.stringify(json));
  return json.error;
}

const VALID: Record<Endpoint, Record<string, unknown>> = {
  openai: { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] },
  anthropic: { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
};

for (const endpoint of ['openai', 'anthropic'] as const) {
  test(`${endpoint}: malformed JSON is a 400 in the client's format`, async () => {
    const { status, json } = await post(endpoint, '{"model": "x", "messages": [');
    assert.equal(status, 400);
    const error = errorOf(endpoint, json);
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /not valid JSON/);
  });

  test(`${endpoint}: a wrong type is a 400 naming the field`, async () => {
    const { status, json } = await post(endpoint, JSON.stringify({ ...VALID[endpoint], messages: 'hello' }));
    assert.equal(status, 400);
    const error = errorOf(endpoint, json);
    assert.equal(error.type, 'invalid_request_error');
    if (endpoint === 'openai') assert.equal(error.param, 'messages');
    assert.match(error.message, /messages/);
  });

  test(`${endpoint}: an unknown model is a 404 naming it`, async () => {
    const { status, json } = await post(
      endpoint,
      JSON.stringify({ ...VALID[endpoint], model: 'gpt-17-ultra' }),
    );
    assert.equal(status, 404);
    const error = errorOf(endpoint, json);
    assert.match(error.message, /gpt-17-ultra/);
  });

  test(`${endpoint}: an oversized body is a 413`, async () => {
    const big = JSON.stringify({
      ...VALID[endpoint],
      messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES) }],
    });
    const { status, json } = await post(endpoint, big);
    assert.equal(status, 413);
    assert.match(errorOf(endpoint, json).message, /larger than/);
  });

  test(`${endpoint}: unsupported content is a 400 naming it`, async () => {
    const messages =
      endpoint === 'openai'
        ? [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }]
        : [
            {
              role: 'user',
              content: [{ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hi' } }],
            },
          ];
    const { status, json } = await post(endpoint, JSON.stringify({ ...VALID[endpoint], messages }));
    assert.equal(status, 400);
    const error = errorOf(endpoint, json);
    // Each protocol's own path style: OpenAI `messages[0].content[0]`, Anthropic `messages.0.content.0`.
    assert.match(`${error.message} ${error.param ?? ''}`, /messages(\[0\]|\.0)\.content(\[0\]|\.0)/);
  });
}

/** Random JSON, and valid bodies with random parts replaced, removed or retyped. */
function bodies(endpoint: Endpoint): fc.Arbitrary<string> {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const mutated = fc
    .record({
      path: fc.array(
        fc.constantFrom(
          'model',
          'messages',
          'max_tokens',
          'stream',
          'tools',
          'tool_choice',
          'system',
          'temperature',
          'stop',
          0,
          'content',
          'role',
          'type',
        ),
        { minLength: 1, maxLength: 4 },
      ),
      value: fc.oneof(anyJson, fc.constant(undefined)),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }),
    })
    .map(({ path, value, extra }) => {
      const body: Json = structuredClone({
        ...VALID[endpoint],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
        ...extra,
      });
      let node = body;
      for (const key of path.slice(0, -1)) {
        if (node === null || typeof node !== 'object') break;
        node[key] ??= {};
        node = node[key];
      }
      if (node !== null && typeof node === 'object') node[path.at(-1)!] = value;
      return JSON.stringify(body);
    });
  const garbage = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    anyJson.map((v) => JSON.stringify(v)),
  );
  return fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: garbage });
}

for (const endpoint of ['openai', 'anthropic'] as const) {
  test(`${endpoint}: 1,500 random and mutated bodies → no 5xx, always the client's error format`, async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(bodies(endpoint), async (body) => {
        const { status, json } = await post(endpoint, body);
        assert.ok(status < 500, `status ${status} for ${body}: ${JSON.stringify(json)}`);
        if (status === 200) served++;
        else errorOf(endpoint, json);
      }),
      { numRuns: 1_500, seed: 20261128 },
    );
    assert.ok(served > 0, 'some mutated bodies were still valid and were served');
    const health = await fetch(`${harness.url}/health`);
    assert.equal(health.status, 200, 'the server is still healthy');
  });
}
