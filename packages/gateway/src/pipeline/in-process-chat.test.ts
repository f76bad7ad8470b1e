// gateway.chat, the in-process entry: same routing, fallback, stream continuation, limits and cost as HTTP.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ChatRequest, StreamEvent } from '@rampart/spec';
import { startSimulator, type FaultRule, type Simulator } from '@rampart/simulator';
import { parseGatewayConfig, simulatedConfig } from '../config/load-gateway-config.js';
import { createGateway, type Gateway } from '../create-gateway.js';
import { LimitExceededError } from '../limits/limit-exceeded-error.js';
import { createLogger } from '../observability/logger.js';
import type { Principal } from '../tenancy/principal.js';

const request = (stream: boolean, text = 'Hello there'): ChatRequest => ({
  model: 'primary-then-backup',
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  maxTokens: 256,
  stream,
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<{ text: string; events: StreamEvent[] }> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return { text: all.map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), events: all };
}

const principal = (usdPerDay?: string): Principal => ({
  keyId: 'key-1',
  userId: 'user-1',
  teamId: 'team-1',
  scopes: {},
  limits: { key: {}, user: usdPerDay === undefined ? {} : { usdPerDay }, team: {} },
});

describe('gateway.chat (in process)', () => {
  let sim: Simulator;
  let gateway: Gateway;
  let url: string;
  before(async () => {
    sim = await startSimulator();
    const config = parseGatewayConfig(
      {
        providers: simulatedConfig(sim.url).providers,
        auth: { required: false },
        routes: {
          'primary-then-backup': {
            strategy: { mode: 'fallback' },
            targets: [
              { provider: 'anthropic', model: 'claude-sonnet-4-5' },
              { provider: 'bedrock', model: 'claude-sonnet-4-5' },
            ],
          },
          solo: {
            strategy: { mode: 'fallback' },
            targets: [{ provider: 'anthropic', model: 'claude-sonnet-4-5' }],
          },
        },
      },
      {},
      'test',
    );
    gateway = createGateway({ config, logger: createLogger({ level: 'silent' }) });
    url = await gateway.listen(0);
  });
  after(async () => {
    await gateway.close();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  test('streamed and not: canonical events, the serving target, usage priced exactly', async () => {
    sim.script.push({ text: 'Streamed answer.' }, { text: 'Whole answer.' });
    const streamed = await gateway.chat(request(true), { requestId: 'r-1', threadId: 't-1' });
    assert.equal(streamed.provider, 'anthropic');
    const s = await collect(streamed.events);
    assert.equal(s.text, 'Streamed answer.');
    assert.equal(s.events.at(-1)?.type, 'finish');
    assert.ok(streamed.totals().costNanos > 0n);
    assert.ok((streamed.totals().usage.outputTokens ?? 0) > 0);

    const whole = await gateway.chat(request(false));
    const w = await collect(whole.events);
    assert.equal(w.text, 'Whole answer.');
    assert.deepEqual(
      sim.requests.map((r) => r.stream),
      [true, false],
    );
  });

  test('fallback: the attempts say the primary failed and the backup served', async () => {
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'status', status: 503 } });
    sim.script.push({ match: { provider: 'bedrock' }, text: 'From the backup.' });
    const result = await gateway.chat(request(true));
    assert.equal(result.provider, 'bedrock');
    assert.deepEqual(
      result.attempts.map((a) => [a.provider, a.outcome, a.status]),
      [
        ['anthropic', 'failed', 503],
        ['bedrock', 'served', undefined],
      ],
    );
    assert.equal((await collect(result.events)).text, 'From the backup.');
  });

  test('a stream cut mid-way continues on the backup with the text so far', async () => {
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'cut-stream', afterEvents: 5 },
      when: { times: 1 },
    });
    const result = await gateway.chat(request(true, 'Tell me a long story about the sea and the wind'));
    const { text } = await collect(result.events);
    assert.ok(text.length > 0);
    assert.ok(result.attempts.some((a) => a.provider === 'anthropic' && a.outcome === 'failed'));
    assert.ok(result.attempts.some((a) => a.provider === 'bedrock' && a.outcome === 'served'));
  });

  test("a user's spent budget refuses the call before any upstream request (budget_exceeded)", async () => {
    await assert.rejects(
      gateway.chat(request(true), { principal: principal('0.000001') }),
      (error) => error instanceof LimitExceededError && error.code === 'budget_exceeded',
    );
    assert.equal(sim.requests.length, 0);
    // Within budget, the same principal is served and metered.
    sim.script.push({ text: 'ok' });
    const served = await gateway.chat(request(true), { principal: principal('5.00') });
    assert.equal((await collect(served.events)).text, 'ok');
    assert.ok(served.totals().costNanos > 0n);
  });

  test('cancel: the caller aborting stops the call', async () => {
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'slow-first-byte', ms: 5_000 } });
    const controller = new AbortController();
    const pending = gateway.chat(request(true), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    const started = Date.now();
    await assert.rejects(pending);
    assert.ok(Date.now() - started < 2_000);
  });

  test('a cut with no target left to continue on: gateway.chat throws the cut, HTTP sends the executor error', async () => {
    const cut: FaultRule = {
      match: { provider: 'anthropic' },
      effect: { type: 'cut-stream', afterEvents: 5 },
      when: { times: 1 },
    };
    const story = 'Tell me a long story about the sea and the wind';
    sim.faults.add(cut);
    const result = await gateway.chat({ ...request(true, story), model: 'solo' });
    // The agent can tell a cut (retry, or degrade to non-streaming) from a route with nothing left.
    await assert.rejects(collect(result.events), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'stream_interrupted');
      return true;
    });

    sim.reset();
    sim.faults.add(cut);
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'solo',
        max_tokens: 256,
        stream: true,
        messages: [{ role: 'user', content: story }],
      }),
    });
    const sse = await response.text();
    assert.equal(response.status, 200);
    assert.match(sse, /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
  });
});
