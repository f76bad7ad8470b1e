import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { hashKeySecret } from './tenancy-ids.js';
import { startTenancyHarness, type TenancyHarness } from './tenancy-testing.js';

let h: TenancyHarness;
let teamId: string;
let userId: string;

const openai = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${h.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
const anthropic = (apiKey: string) => new Anthropic({ baseURL: h.url, apiKey, maxRetries: 0 });
const ask = (client: OpenAI, model = 'claude-sonnet-4-5') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const askAnthropic = (client: Anthropic, model = 'claude-sonnet-4-5') =>
  client.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });

async function newKey(body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const created = await h.admin('POST', 'keys', { user_id: userId, name: 'k', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return { id: created.json.key.id, secret: created.json.secret };
}

before(async () => {
  h = await startTenancyHarness();
  const team = await h.admin('POST', 'teams', { name: 'acme', limits: { usd_per_day: '5.00' } });
  assert.equal(team.status, 201);
  teamId = team.json.id;
  const user = await h.admin('POST', 'users', { team_id: teamId, name: 'ada', email: 'ada@example.com' });
  assert.equal(user.status, 201);
  userId = user.json.id;
});
after(() => h.close());

describe('admin API', () => {
  test('refuses without the admin token, or with a wrong one (401), before reading anything', async () => {
    for (const token of ['', 'rat_wrong']) {
      for (const [method, path] of [
        ['GET', 'teams'],
        ['POST', 'keys'],
        ['POST', 'keys/key_x/revoke'],
        ['GET', 'credentials'],
      ] as const) {
        const response = await h.admin(method, path, method === 'POST' ? {} : undefined, token);
        assert.equal(response.status, 401, `${method} ${path} with "${token}"`);
        assert.equal(response.json.error.code, 'unauthorized');
      }
    }
    // A virtual key is not an admin token.
    const key = await newKey();
    assert.equal((await h.admin('GET', 'teams', undefined, key.secret)).status, 401);
  });

  test('validation errors name the exact field; unknown ids are 404; duplicate names 409', async () => {
    const bad = await h.admin('POST', 'keys', { user_id: userId, name: 'k', limits: { usd_per_day: 5 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.param, 'limits.usd_per_day');
    assert.match(bad.json.error.message, /^limits\.usd_per_day: /);
    const badRoute = await h.admin('POST', 'keys', {
      user_id: userId,
      name: 'k',
      route: { strategy: { mode: 'sideways' }, targets: [{ provider: 'anthropic' }] },
    });
    assert.equal(badRoute.status, 400);
    assert.equal(badRoute.json.error.param, 'route.strategy.mode');
    const scope = await h.admin('POST', 'keys', {
      user_id: userId,
      name: 'k',
      scopes: { endpoints: ['nope'] },
    });
    assert.equal(scope.json.error.param, 'scopes.endpoints[0]');
    assert.equal((await h.admin('GET', 'keys/key_nope')).status, 404);
    assert.equal((await h.admin('POST', 'users', { team_id: 'team_nope', name: 'x' })).status, 404);
    const dup = await h.admin('POST', 'teams', { name: 'acme' });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.error.code, 'conflict');
    const credential = await h.admin('POST', 'credentials', {
      team_id: teamId,
      name: 'x',
      provider: 'gemini',
      secrets: { apiKey: 'k' },
    });
    assert.equal(credential.status, 400);
    assert.equal(credential.json.error.param, 'provider');
  });

  test('keys are stored hashed: the secret is shown once and is nowhere in the database row', async () => {
    const { id, secret } = await newKey({ name: 'hashed' });
    assert.match(secret, /^rk_[0-9A-Za-z]{40}$/);
    const row = await h.store.db
      .selectFrom('virtual_keys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.key_hash, hashKeySecret(secret));
    assert.equal(row.key_prefix, secret.slice(0, 10));
    assert.ok(!JSON.stringify(row).includes(secret));
    const listed = await h.admin('GET', `keys?user_id=${userId}`);
    assert.ok(!JSON.stringify(listed.json).includes(secret));
    assert.ok(listed.json.data.some((k: { id: string }) => k.id === id));
    assert.equal((await h.admin('GET', `keys/${id}`)).json.secret, undefined);
  });

  test('credentials are sealed at rest: the SQLite file never holds the secret, no API returns it', async () => {
    const secret = `sk-ant-team-${'Z'.repeat(12)}-unmistakable`;
    const created = await h.admin('POST', 'credentials', {
      team_id: teamId,
      name: 'sealed-check',
      provider: 'anthropic',
      secrets: { apiKey: secret },
    });
    assert.equal(created.status, 201);
    assert.ok(!JSON.stringify(created.json).includes(secret));
    const listed = await h.admin('GET', `credentials?team_id=${teamId}`);
    assert.ok(!JSON.stringify(listed.json).includes(secret));
    const row = await h.store.credentials.get(created.json.id);
    assert.match(row!.sealed, /^v1:/);
    // Every file of the database (main file, WAL, shared memory), as bytes.
    const file = h.storeUrl.url.replace(/^sqlite:/, '');
    const dir = dirname(file);
    const files = readdirSync(dir).filter((name) => name.startsWith('rampart.db'));
    assert.ok(files.length >= 1);
    for (const name of files) {
      const bytes = readFileSync(`${dir}/${name}`);
      assert.equal(bytes.includes(Buffer.from(secret)), false, `${name} holds the credential`);
      assert.equal(bytes.includes(Buffer.from('unmistakable')), false, `${name} holds part of it`);
    }
    // The sealed blob is bound to its row: the master key and the credential id open it, nothing else.
    assert.equal(bytesOfAll(dir, files).includes(Buffer.from(row!.sealed.slice(3, 40))), true);
  });
});

function bytesOfAll(dir: string, files: string[]): Buffer {
  return Buffer.concat(files.map((name) => readFileSync(`${dir}/${name}`)));
}

describe('authentication at the inbound routes', () => {
  test('no key, a non-Rampart key, an unknown key: 401 as the SDKs own AuthenticationError', async () => {
    for (const apiKey of ['sk-not-rampart', 'rk_unknownunknownunknownunknownunknownunkn']) {
      await assert.rejects(ask(openai(apiKey)), (e: unknown) => e instanceof OpenAI.AuthenticationError);
      await assert.rejects(
        askAnthropic(anthropic(apiKey)),
        (e: unknown) => e instanceof Anthropic.AuthenticationError,
      );
    }
    const bare = await fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(bare.status, 401);
    const body = (await bare.json()) as { error: { type: string; code: string } };
    assert.equal(body.error.type, 'authentication_error');
    const anthropicBare = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    assert.equal(anthropicBare.status, 401);
    const anthropicBody = (await anthropicBare.json()) as { type: string; error: { type: string } };
    assert.equal(anthropicBody.type, 'error');
    assert.equal(anthropicBody.error.type, 'authentication_error');
    assert.equal((await fetch(`${h.url}/v1/models`)).status, 401);
  });

  test('a valid key works from both SDKs (Bearer and x-api-key); last_used_at is written in a batch', async () => {
    const { id, secret } = await newKey({ name: 'works' });
    const completion = await ask(openai(secret));
    assert.ok(completion.choices[0]?.message.content);
    const message = await askAnthropic(anthropic(secret));
    assert.equal(message.type, 'message');
    assert.equal((await h.store.virtualKeys.get(id))?.lastUsedAt, null, 'not written per request');
    await h.tenancy.directory.flushTouches();
    assert.equal((await h.store.virtualKeys.get(id))?.lastUsedAt, h.clock.now());
  });

  test('revocation refuses the key at once on this replica', async () => {
    const { id, secret } = await newKey({ name: 'revoked' });
    await ask(openai(secret));
    const revoked = await h.admin('POST', `keys/${id}/revoke`);
    assert.equal(revoked.json.status, 'revoked');
    await assert.rejects(ask(openai(secret)), (e: unknown) => e instanceof OpenAI.AuthenticationError);
  });

  test('rotation: both keys work during the grace; after it the old one is refused (injected clock)', async () => {
    const { id, secret } = await newKey({ name: 'rotating', scopes: { models: ['claude-sonnet-4-5'] } });
    await ask(openai(secret));
    const rotated = await h.admin('POST', `keys/${id}/rotate`, { grace_ms: 60_000 });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.json));
    const successor = rotated.json.secret as string;
    assert.notEqual(successor, secret);
    assert.deepEqual(
      rotated.json.key.scopes,
      { models: ['claude-sonnet-4-5'] },
      'the successor keeps the scopes',
    );
    assert.equal(rotated.json.previous.successor_id, rotated.json.key.id);
    await ask(openai(secret));
    await ask(openai(successor));
    h.clock.advance(59_000);
    await ask(openai(secret));
    h.clock.advance(1_001);
    await assert.rejects(ask(openai(secret)), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    await ask(openai(successor));
    assert.equal((await h.admin('GET', `keys/${id}`)).json.status, 'expired');
    assert.equal((await h.admin('POST', `keys/${id}/rotate`)).status, 409, 'rotated once');
  });
});

describe('scopes', () => {
  test('a model outside the scope: 403 PermissionDeniedError in both SDKs; /v1/models lists only allowed ones', async () => {
    const { secret } = await newKey({ name: 'sonnet-only', scopes: { models: ['claude-sonnet-4-5'] } });
    await ask(openai(secret));
    await assert.rejects(
      ask(openai(secret), 'gpt-4o'),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError,
    );
    await assert.rejects(
      askAnthropic(anthropic(secret), 'claude-haiku-4-5'),
      (e: unknown) => e instanceof Anthropic.PermissionDeniedError,
    );
    const models = (await openai(secret).models.list()).data.map((m) => m.id);
    assert.deepEqual(models, ['claude-sonnet-4-5']);
  });

  test('x-rampart-config cannot route a key to an out-of-scope model or provider', async () => {
    const { secret } = await newKey({ name: 'header', scopes: { models: ['claude-sonnet-4-5'] } });
    const sneaky = JSON.stringify({ provider: 'openai', model: 'gpt-4o' });
    await assert.rejects(
      ask(openai(secret, { 'x-rampart-config': sneaky })),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError,
    );
    // In a fallback, the out-of-scope leaf is cut and the rest still serves.
    const mixed = JSON.stringify({
      strategy: { mode: 'fallback' },
      targets: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'anthropic' }],
    });
    const served = await openai(secret, { 'x-rampart-config': mixed })
      .chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(served.response.headers.get('x-rampart-provider'), 'anthropic');

    const anthropicOnly = await newKey({ name: 'providers', scopes: { providers: ['bedrock'] } });
    const viaBedrock = await openai(anthropicOnly.secret)
      .chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(
      viaBedrock.response.headers.get('x-rampart-provider'),
      'bedrock',
      'only the allowed provider',
    );
    await assert.rejects(
      ask(openai(anthropicOnly.secret, { 'x-rampart-config': JSON.stringify({ provider: 'anthropic' }) })),
      (e: unknown) => e instanceof OpenAI.PermissionDeniedError,
    );
  });

  test('an endpoint outside the scope: 403', async () => {
    const { secret } = await newKey({ name: 'messages-only', scopes: { endpoints: ['messages'] } });
    await askAnthropic(anthropic(secret));
    await assert.rejects(ask(openai(secret)), (e: unknown) => e instanceof OpenAI.PermissionDeniedError);
  });
});

describe('per-key routes and virtual_key targets', () => {
  test("a key's own route is used instead of the config's; virtual_key targets carry the team's credential", async () => {
    const teamSecret = 'sk-ant-team-credential-for-routing';
    const credential = await h.admin('POST', 'credentials', {
      team_id: teamId,
      name: 'team-anthropic',
      provider: 'anthropic',
      secrets: { apiKey: teamSecret },
    });
    assert.equal(credential.status, 201);
    const { id, secret } = await newKey({
      name: 'own-route',
      route: {
        strategy: { mode: 'fallback' },
        targets: [{ virtual_key: 'team-anthropic', model: 'claude-sonnet-4-5' }],
      },
    });
    h.upstreamKeys.length = 0;
    const served = await openai(secret)
      .chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(served.response.headers.get('x-rampart-provider'), 'anthropic');
    assert.deepEqual(h.upstreamKeys, [teamSecret], "the team's credential, not the operator's");

    // Replacing the credential's secret takes effect for the next request (the vault is dropped).
    const replaced = await h.admin('PATCH', `credentials/${credential.json.id}`, {
      secrets: { apiKey: 'sk-new' },
    });
    assert.equal(replaced.status, 200);
    h.upstreamKeys.length = 0;
    await ask(openai(secret));
    assert.deepEqual(h.upstreamKeys, ['sk-new']);

    // A key of another team cannot name this team's credential.
    const other = await h.admin('POST', 'teams', { name: 'other' });
    const otherUser = await h.admin('POST', 'users', { team_id: other.json.id, name: 'bob' });
    const otherKey = await h.admin('POST', 'keys', { user_id: otherUser.json.id, name: 'b' });
    const header = JSON.stringify({ virtual_key: 'team-anthropic' });
    await assert.rejects(
      ask(openai(otherKey.json.secret, { 'x-rampart-config': header })),
      (e: unknown) =>
        e instanceof OpenAI.BadRequestError && /No credential named "team-anthropic"/.test(e.message),
    );

    // PATCH route null: back to the config's routes and the operator's credentials.
    await h.admin('PATCH', `keys/${id}`, { route: null });
    h.upstreamKeys.length = 0;
    await ask(openai(secret));
    assert.deepEqual(h.upstreamKeys, ['simulated-key']);
  });
});
