import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, type RecordedRequest, type Simulator, type SimulatorStats } from '../index.js';

/** The fields the control answers carry (each answer has some of them). */
interface ControlJson {
  error: string;
  ids: string[];
  rules: Array<{ fired: number }>;
  queued: number;
  requests: RecordedRequest[];
}

describe('the /_sim control endpoint drives the simulator over HTTP', () => {
  let sim: Simulator;
  let client: Anthropic;
  const control = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: ControlJson }> => {
    const res = await fetch(`${sim.url}/_sim/${path}`, {
      method,
      ...(body !== undefined
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    return { status: res.status, json: (await res.json()) as ControlJson };
  };
  const ask = () =>
    client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
  before(async () => {
    sim = await startSimulator();
    client = new Anthropic({ baseURL: sim.url, apiKey: 'secret-key', maxRetries: 0 });
  });
  after(() => sim.close());

  test('faults: add (validated), list, clear', async () => {
    const bad = await control('POST', 'faults', { effect: { type: 'status', status: 700 } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /effect.status/);
    const added = await control('POST', 'faults', [
      { match: { provider: 'anthropic' }, effect: { type: 'status', status: 529 }, when: { times: 1 } },
    ]);
    assert.equal(added.status, 200);
    assert.equal(added.json.ids.length, 1);
    await assert.rejects(ask(), (e: unknown) => e instanceof Anthropic.APIError && e.status === 529);
    await ask();
    assert.equal((await control('GET', 'faults')).json.rules[0]?.fired, 1);
    await control('POST', 'faults', { effect: { type: 'reset' } });
    assert.equal((await control('DELETE', 'faults')).status, 200);
    await ask();
  });

  test('script, capacity, requests, stats and reset', async () => {
    assert.equal(
      (await control('POST', 'script', { text: 'scripted over HTTP', match: { provider: 'anthropic' } })).json
        .queued,
      1,
    );
    assert.equal((await control('POST', 'script', { toolCalls: [{ name: 'x' }] })).status, 400);
    assert.deepEqual((await ask()).content, [{ type: 'text', text: 'scripted over HTTP' }]);

    assert.equal(
      (await control('POST', 'capacity', { provider: 'anthropic', requestsPerSecond: 0, burst: 1 })).status,
      200,
    );
    await ask();
    await assert.rejects(ask(), (e: unknown) => e instanceof Anthropic.RateLimitError);
    await control('POST', 'capacity', { provider: 'anthropic', limit: null });
    await ask();

    const { json } = await control('GET', 'requests?provider=anthropic&limit=2');
    const requests = json.requests;
    assert.equal(requests.length, 2);
    assert.equal(requests[1]!.outcome, 'ok');
    assert.equal(requests[1]!.model, 'claude-sonnet-4-6');
    assert.equal((requests[1]!.body as { max_tokens: number }).max_tokens, 50);
    assert.equal(requests[1]!.headers.authorization, undefined, 'secrets are not recorded');
    assert.ok(!JSON.stringify(json).includes('secret-key'));

    const stats = (await control('GET', 'stats')).json as unknown as SimulatorStats;
    assert.ok(stats.providers.anthropic.requests >= 4);
    assert.equal(stats.providers.anthropic.outcomes.rate_limited, 1);

    assert.equal((await control('POST', 'reset')).status, 200);
    assert.equal(((await control('GET', 'stats')).json as unknown as SimulatorStats).requests, 0);
    assert.equal(sim.requests.length, 0);
  });
});
