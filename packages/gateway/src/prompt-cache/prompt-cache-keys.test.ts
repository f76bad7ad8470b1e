// The cache planner per virtual key: a key stored with prompt_cache false is passed through untouched, a
// request's `x-rampart-cache` switch overrides its key, and the metrics label the figures by key id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startTenancyHarness, type TenancyHarness } from '../tenancy/tenancy-testing.js';
import { prose } from './__fixtures__/cache-requests.js';

let h: TenancyHarness;
let userId: string;

before(async () => {
  h = await startTenancyHarness();
  const team = await h.admin('POST', 'teams', { name: 'cachers' });
  const user = await h.admin('POST', 'users', { team_id: team.json.id, name: 'grace' });
  userId = user.json.id;
});
after(() => h.close());

async function newKey(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = await h.admin('POST', 'keys', { user_id: userId, name: 'k', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return { id: created.json.key.id, secret: created.json.secret };
}

/** Sends one long conversation turn (far above the 1,024-token minimum) and returns its usage. */
async function ask(secret: string, system: string, headers: Record<string, string> = {}) {
  const client = new Anthropic({ baseURL: h.url, apiKey: secret, maxRetries: 0 });
  h.sim.script.push({ match: { provider: 'anthropic' }, text: 'Noted.' });
  const reply = await client.messages.create(
    {
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 64,
      system: [{ type: 'text', text: system }],
      messages: [{ role: 'user', content: `Summarise this: ${prose(1500, 3)}` }],
    },
    { headers },
  );
  return reply.usage;
}

describe('prompt cache per virtual key', () => {
  test('on by default: the planner writes the prompt to the cache', async () => {
    const key = await newKey({});
    const usage = await ask(key.secret, `default key. ${prose(300)}`);
    assert.ok((usage.cache_creation_input_tokens ?? 0) > 1000, JSON.stringify(usage));
  });

  test('a key stored with prompt_cache false is passed through untouched', async () => {
    const key = await newKey({ prompt_cache: false });
    const usage = await ask(key.secret, `cache-off key. ${prose(300)}`);
    assert.equal(usage.cache_creation_input_tokens ?? 0, 0, JSON.stringify(usage));
    assert.equal(usage.cache_read_input_tokens ?? 0, 0);
  });

  test("the request's x-rampart-cache switch overrides its key's", async () => {
    const key = await newKey({ prompt_cache: false });
    const usage = await ask(key.secret, `overridden key. ${prose(300)}`, { 'x-rampart-cache': 'on' });
    assert.ok((usage.cache_creation_input_tokens ?? 0) > 1000, JSON.stringify(usage));
  });

  test('the metrics give each key its own read and write tokens, hit ratio and savings', async () => {
    const key = await newKey({});
    const system = `metered key. ${prose(300)}`;
    await ask(key.secret, system);
    await ask(key.secret, system);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    const sample = (name: string, cls?: string) => {
      const line = metrics
        .split('\n')
        .find(
          (l) =>
            l.startsWith(`${name}{`) &&
            l.includes(`key="${key.id}"`) &&
            (!cls || l.includes(`class="${cls}"`)),
        );
      assert.ok(line, `${name}${cls ? ` ${cls}` : ''} for ${key.id} in /metrics`);
      return Number(line.split(' ').at(-1));
    };
    const written = sample('rampart_prompt_cache_input_tokens_total', 'write');
    const read = sample('rampart_prompt_cache_input_tokens_total', 'read');
    assert.ok(written > 1000 && read > 1000, `written ${written}, read ${read}`);
    const ratio = sample('rampart_prompt_cache_hit_ratio');
    assert.ok(ratio > 0.4 && ratio < 0.6, `two identical turns read about half of all input: ${ratio}`);
    assert.ok(Number.isFinite(sample('rampart_prompt_cache_saved_usd')));
  });
});
