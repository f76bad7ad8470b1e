// Routing end to end on the simulators: fallback chains, soft errors, streams held until first content,
// mid-stream continuation or an explicit error, deadlines, and what the client is told about the path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGatewayHarness, type GatewayHarness } from './testing/gateway-harness.js';

let harness: GatewayHarness;
before(async () => {
  // Breakers off: these tests fail targets on purpose, one scenario after another.
  harness = await startGatewayHarness({ extra: { breaker: { consecutive_failures: 0, failure_rate: 0 } } });
});
after(async () => {
  await harness.close();
});

const FOUR_LEVELS = JSON.stringify({
  strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504] },
  targets: [
    { provider: 'anthropic', model: 'claude-sonnet-4-5' },
    { provider: 'bedrock', model: 'claude-sonnet-4-5' },
    { provider: 'anthropic', model: 'claude-sonnet-4' },
    { provider: 'bedrock', model: 'claude-sonnet-4' },
  ],
});

/** Fallback with the default on_status_codes (which include 529 overloaded, what soft errors usually are). */
const DEFAULT_FALLBACK = JSON.stringify({
  strategy: { mode: 'fallback' },
  targets: [{ provider: 'anthropic' }, { provider: 'bedrock' }],
});

async function chat(body: Record<string, unknown>, config?: string): Promise<Response> {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(config ? { 'x-rampart-config': config } : {}) },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Hello there' }],
      ...body,
    }),
  });
}

function reset(): void {
  harness.sim.reset();
}

for (const status of [429, 500, 502, 503, 504]) {
  test(`the talk's 4-level fallback serves from the last level when three fail with ${status}`, async () => {
    reset();
    harness.sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'status', status },
      when: { times: 2 },
    });
    harness.sim.faults.add({
      match: { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
      effect: { type: 'status', status },
      when: { times: 1 },
    });
    const response = await chat({}, FOUR_LEVELS);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('x-rampart-provider'), 'bedrock');
    assert.equal(response.headers.get('x-rampart-model'), 'us.anthropic.claude-sonnet-4-20250514-v1:0');
    assert.equal(response.headers.get('x-rampart-fallback'), 'true');
    const attempts = response.headers.get('x-rampart-attempts') ?? '';
    assert.equal(attempts.split(', ').length, 4, attempts);
    assert.match(attempts, new RegExp(`^anthropic/claude-sonnet-4-5-20250929=failed:${status}:`));
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    assert.match(body.choices[0]!.message.content, /Hello there/);
  });
}

test('a status not in on_status_codes is returned as is, without fallback', async () => {
  reset();
  harness.sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'status', status: 529 },
    when: { times: 1 },
  });
  const response = await chat({}, FOUR_LEVELS);
  assert.ok(response.status >= 500, String(response.status));
  assert.equal(harness.sim.requests.length, 1);
  assert.equal(response.headers.get('x-rampart-fallback'), null);
});

for (const [name, effect] of [
  ['a 200 whose body is an error', { type: 'error-body-200' }],
  ['an in-band stream error before any content', { type: 'stream-error', afterEvents: 0 }],
  ['an empty stream', { type: 'empty-stream' }],
  ['a stream cut before the first token', { type: 'cut-stream', afterEvents: 1 }],
  ['a connection reset', { type: 'reset' }],
] as const) {
  for (const stream of [false, true]) {
    if (name !== 'a 200 whose body is an error' && name !== 'a connection reset' && !stream) continue;
    test(`${name} falls back invisibly${stream ? ' (streamed)' : ''}`, async () => {
      reset();
      harness.sim.faults.add({ match: { provider: 'anthropic' }, effect, when: { times: 1 } });
      const response = await chat({ stream }, DEFAULT_FALLBACK);
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.equal(response.headers.get('x-rampart-provider'), 'bedrock', text);
      assert.doesNotMatch(text, /"error"/);
      if (stream) assert.match(text, /data: \[DONE\]/);
    });
  }
}

test('a stream cut after content continues on the next target from the text already sent', async () => {
  reset();
  const original = 'The quick brown fox jumps over the lazy dog and keeps on running far away.';
  harness.sim.script.push({ match: { provider: 'anthropic' }, text: original });
  harness.sim.script.push({ match: { provider: 'bedrock' }, text: 'and keeps on running far away.' });
  harness.sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'cut-stream', afterEvents: 5 },
    when: { times: 1 },
  });
  const response = await chat({ stream: true, stream_options: { include_usage: true } }, FOUR_LEVELS);
  assert.equal(response.status, 200);
  const sse = await response.text();
  const deltas = [...sse.matchAll(/^data: (\{.*\})$/gm)].map(
    (m) =>
      JSON.parse(m[1]!) as {
        choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
        usage?: unknown;
      },
  );
  const text = deltas.map((d) => d.choices[0]?.delta.content ?? '').join('');
  assert.ok(text.length > 0);
  assert.ok(text.endsWith('and keeps on running far away.'), text);
  assert.match(sse, /: rampart \{"continuedOn":\{"provider":"bedrock"/);
  assert.equal(deltas.filter((d) => d.choices[0]?.finish_reason).length, 1, 'one finish');
  assert.match(sse, /data: \[DONE\]\n\n$/);
  // The continuation asked the next target to go on from the text already sent.
  const continuation = harness.sim.requests.at(-1)!;
  const messages = (continuation.body as { messages: Array<{ role: string; content: unknown }> }).messages;
  assert.equal(messages.at(-1)?.role, 'assistant');
});

test('a stream cut while a tool call is in flight ends with an explicit error event, never a clean end', async () => {
  reset();
  harness.sim.script.push({
    match: { provider: 'anthropic' },
    text: 'Let me look that up.',
    toolCalls: [{ name: 'search', input: { query: 'a rather long query string here' } }],
  });
  harness.sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'cut-stream', afterEvents: 9 },
    when: { times: 1 },
  });
  const response = await chat(
    {
      stream: true,
      tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object' } } }],
    },
    FOUR_LEVELS,
  );
  assert.equal(response.status, 200);
  const sse = await response.text();
  assert.match(sse, /"tool_calls"/);
  assert.match(sse, /data: \{"error":/);
  assert.doesNotMatch(sse, /\[DONE\]/);
});

test('the overall deadline covers every attempt and is never exceeded', async () => {
  reset();
  harness.sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'latency', ms: 5_000 } });
  harness.sim.faults.add({ match: { provider: 'bedrock' }, effect: { type: 'latency', ms: 5_000 } });
  const config = JSON.stringify({ ...JSON.parse(FOUR_LEVELS), request_timeout: 150, deadline: 400 });
  const started = performance.now();
  const response = await chat({}, config);
  const elapsed = performance.now() - started;
  assert.equal(response.status, 504, await response.clone().text());
  assert.ok(elapsed < 400 + 150, `took ${elapsed} ms`);
  const attempts = response.headers.get('x-rampart-attempts') ?? '';
  assert.ok(attempts.split(', ').length >= 2, attempts);
});

test('a time-to-first-token timeout falls back before anything reaches the client', async () => {
  reset();
  harness.sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'slow-first-byte', ms: 3_000 },
    when: { times: 1 },
  });
  const config = JSON.stringify({ ...JSON.parse(FOUR_LEVELS), first_token_timeout: 200 });
  const started = performance.now();
  const response = await chat({ stream: true }, config);
  assert.equal(response.status, 200);
  await response.text();
  assert.ok(performance.now() - started < 2_000);
  assert.equal(response.headers.get('x-rampart-provider'), 'bedrock');
});

test('a bad x-rampart-config is a 400 naming the exact path', async () => {
  const response = await chat(
    {},
    JSON.stringify({
      strategy: { mode: 'fallback' },
      targets: [{ provider: 'anthropic' }, { provider: 'nobody' }],
    }),
  );
  assert.equal(response.status, 400);
  const body = (await response.json()) as { error: { param: string; message: string } };
  assert.equal(body.error.param, 'x-rampart-config.targets[1].provider');
  const malformed = await chat({}, JSON.stringify({ strategy: { mode: 'roundrobin' }, targets: [] }));
  assert.equal(malformed.status, 400);
  assert.match(
    ((await malformed.json()) as { error: { message: string } }).error.message,
    /x-rampart-config\.strategy\.mode/,
  );
});

test('fallbacks are counted per target in /metrics', async () => {
  reset();
  harness.sim.faults.add({
    match: { provider: 'anthropic' },
    effect: { type: 'status', status: 503 },
    when: { times: 1 },
  });
  await (await chat({}, FOUR_LEVELS)).text();
  const metrics = await (await fetch(`${harness.url}/metrics`)).text();
  assert.match(
    metrics,
    /rampart_fallbacks_total\{provider="anthropic",model="claude-sonnet-4-5-20250929",reason="[a-z_]+"\} \d+/,
  );
});

test('a Bedrock stream cut after its first block began but before any text still falls back (found by bench:chaos)', async () => {
  reset();
  harness.sim.faults.add({
    match: { provider: 'bedrock' },
    effect: { type: 'cut-stream', afterEvents: 2 },
    when: { times: 1 },
  });
  const config = JSON.stringify({
    strategy: { mode: 'fallback' },
    targets: [{ provider: 'bedrock' }, { provider: 'anthropic' }],
  });
  const response = await chat({ stream: true }, config);
  assert.equal(response.status, 200, await response.clone().text());
  const sse = await response.text();
  assert.equal(response.headers.get('x-rampart-provider'), 'anthropic');
  assert.match(sse, /data: \[DONE\]/);
});

test('two cuts in a row continue twice, each from the whole text sent so far (found by bench:chaos)', async () => {
  reset();
  const answer = 'One two three four five six seven eight nine ten eleven twelve thirteen fourteen.';
  harness.sim.script.push({
    match: { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
    text: answer,
  });
  harness.sim.script.push({
    match: { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
    text: answer,
  });
  harness.sim.script.push({
    match: { provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
    text: 'the end.',
  });
  harness.sim.faults.add({
    match: { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
    effect: { type: 'cut-stream', afterEvents: 5 },
    when: { times: 1 },
  });
  harness.sim.faults.add({
    match: { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' },
    effect: { type: 'cut-stream', afterEvents: 6 },
    when: { times: 1 },
  });
  const response = await chat({ stream: true }, FOUR_LEVELS);
  const sse = await response.text();
  assert.equal((sse.match(/"continuedOn"/g) ?? []).length, 2, sse);
  assert.match(sse, /data: \[DONE\]\n\n$/);
  const last = harness.sim.requests.at(-1)!.body as { messages: Array<{ role: string }> };
  assert.deepEqual(
    last.messages.map((m) => m.role),
    ['user', 'assistant'],
    'one assistant prefill carrying all text so far, never two',
  );
});
