// The ledger end to end in one process (SQLite, in-process state, the simulator): one record per request that
// reached an upstream whatever happened to it, usage summed over attempts, cost at each attempt's prices, limits
// and budgets refused in the client's own format, reconciliation of a dead gateway's pending rows, signed webhooks.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { PendingJournal, journalInstances, openStore, type Store, type UsageRecord } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { InProcessStateStore } from '@rampart/state';
import { RampartError } from '@rampart/spec';
import { parseGatewayConfig, simulatedConfig } from '../config/load-gateway-config.js';
import { createGateway, type Gateway } from '../create-gateway.js';
import { createLogger } from '../observability/logger.js';
import { costOf } from '../pricing/price-book.js';
import type { GatewayTenancy } from '../tenancy/gateway-tenancy.js';
import type { Tenancy } from '../tenancy/tenancy-service.js';
import type { Principal } from '../tenancy/principal.js';
import { verifyWebhook } from '../webhooks/sign-webhook.js';

const ADMIN_TOKEN = 'admin-token-for-tests';
const SECRET = 'whsec_' + Buffer.from('ledger-test-secret-0123456789abcd').toString('base64');

function principal(name: string, limits: Partial<Principal['limits']> = {}): Principal {
  return {
    keyId: `key_${name}`,
    userId: `user_${name}`,
    teamId: 'team_t',
    scopes: {},
    limits: { key: {}, user: {}, team: {}, ...limits },
  };
}

/** Keys `rk_<name>` map to the principals registered here. */
const principals = new Map<string, Principal>();
const tenancy: GatewayTenancy = {
  async authenticate(secret) {
    const found = principals.get(secret.slice(3));
    if (!found) throw new RampartError('authentication_failed', 'Invalid API key.');
    return found;
  },
  async credentials() {
    return () => undefined;
  },
};

let sim: Simulator;
let target: TestStoreUrl;
let store: Store;
let gateway: Gateway;
let url: string;
let receiver: Server;
const received: Array<{ headers: Record<string, string>; body: string }> = [];
let receiverFails = 0;

async function startGateway(state = new InProcessStateStore()): Promise<{ gateway: Gateway; url: string }> {
  const config = parseGatewayConfig(
    {
      providers: simulatedConfig(sim.url).providers,
      routes: {
        'fallback-model': {
          strategy: { mode: 'fallback' },
          targets: [
            { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
            { provider: 'bedrock', model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' },
          ],
        },
        'single-model': { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
      },
      webhooks: [
        { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: 'env:HOOK' },
      ],
    },
    {},
    'test',
  );
  const gw = createGateway({
    config,
    logger: createLogger({ level: 'silent' }),
    tenancy,
    store,
    state,
    env: { HOOK: SECRET },
    // The usage route is mounted before the admin API's own routes: no tenancy behind it is touched here.
    admin: { token: ADMIN_TOKEN, tenancy: {} as Tenancy },
    ledger: { flushMs: 2, heartbeatMs: 200, deadAfterMs: 1_000, reconcileMs: 60_000, webhookPollMs: 50 },
  });
  return { gateway: gw, url: await gw.listen(0) };
}

async function chat(
  key: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  path = '/v1/chat/completions',
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(path === '/v1/messages'
        ? { 'x-api-key': `rk_${key}`, 'anthropic-version': '2023-06-01' }
        : { authorization: `Bearer rk_${key}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const hi = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 50,
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  ...extra,
});

/** The ledger id the simulator saw for each request (x-rampart-request-id). */
const upstreamIds = () => sim.requests.map((r) => r.headers['x-rampart-request-id']);

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (receiverFails > 0 && body.includes('"key_hook"')) {
        receiverFails--;
        res.writeHead(500).end();
        return;
      }
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sim = await startSimulator();
  target = testSqliteUrl();
  store = await openStore({ url: target.url });
  ({ gateway, url } = await startGateway());
});

after(async () => {
  await gateway.close();
  await sim.close();
  await store.close();
  await target.cleanup();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(() => {
  sim.faults.clear();
});

async function waitUntil(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function recordsFor(ids: Array<string | undefined>): Promise<UsageRecord[]> {
  await gateway.metering.flush();
  return store.usageRecords.getMany(ids.filter((id): id is string => id !== undefined));
}

describe('one usage record per request that reached an upstream', () => {
  test('success: usage, exact cost, thread id, attempts, latency, and the id sent upstream', async () => {
    principals.set('ok', principal('ok'));
    const before = sim.requests.length;
    const response = await chat('ok', hi('single-model'), { 'x-rampart-thread-id': 'thread-42' });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const ids = upstreamIds().slice(before);
    assert.equal(ids.length, 1);
    const [record] = await recordsFor(ids);
    assert.ok(record);
    assert.equal(record.status, 'ok');
    assert.equal(record.keyId, 'key_ok');
    assert.equal(record.userId, 'user_ok');
    assert.equal(record.teamId, 'team_t');
    assert.equal(record.threadId, 'thread-42');
    assert.equal(record.endpoint, 'chat.completions');
    assert.equal(record.requestedModel, 'single-model');
    assert.equal(record.provider, 'anthropic');
    assert.equal(record.httpStatus, 200);
    assert.equal((record.inputTokens ?? 0) + (record.cacheReadTokens ?? 0), body.usage.prompt_tokens);
    assert.equal(record.outputTokens, body.usage.completion_tokens);
    const expected = costOf('claude-haiku-4-5-20251001', {
      inputTokens: record.inputTokens ?? 0,
      outputTokens: record.outputTokens ?? 0,
    });
    assert.equal(record.costNanos, expected?.nanos);
    assert.ok(record.costNanos > 0n);
    assert.equal((record.attempts as unknown[]).length, 1);
    assert.ok(record.latencyMs >= 0);
    assert.equal(await store.pendingUsage.get(record.requestId), undefined, 'the pending row is gone');
  });

  test('fallback: attempts path kept, the served target recorded, usage of the served call', async () => {
    principals.set('fb', principal('fb'));
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'status', status: 500 },
      when: { times: 1 },
    });
    const before = sim.requests.length;
    const response = await chat('fb', hi('fallback-model'));
    assert.equal(response.status, 200);
    await response.text();
    const ids = upstreamIds().slice(before);
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1], 'both attempts carry the same request id');
    const records = await recordsFor([ids[0]]);
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record?.status, 'ok');
    assert.equal(record?.provider, 'bedrock');
    assert.deepEqual(
      (record?.attempts as Array<{ outcome: string }>).map((a) => a.outcome),
      ['failed', 'served'],
    );
  });

  test('a stream cut with nowhere to continue: status cut, the usage reported before the cut is kept', async () => {
    principals.set('cut', principal('cut'));
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'cut-stream', afterEvents: 4 } });
    const before = sim.requests.length;
    const response = await chat('cut', hi('single-model', { stream: true }), {}, '/v1/messages');
    assert.equal(response.status, 200);
    await response.text();
    const [record] = await recordsFor(upstreamIds().slice(before));
    assert.equal(record?.status, 'cut');
    assert.equal(record?.endpoint, 'messages');
    assert.ok((record?.inputTokens ?? 0) > 0, 'message_start usage counted');
    assert.ok((record?.costNanos ?? 0n) > 0n);
  });

  test('every target failing: one error record with the status the client got', async () => {
    principals.set('err', principal('err'));
    sim.faults.add({ effect: { type: 'status', status: 500 } });
    const before = sim.requests.length;
    const response = await chat('err', hi('fallback-model'));
    await response.text();
    assert.ok(response.status >= 500);
    const ids = [...new Set(upstreamIds().slice(before))];
    assert.equal(ids.length, 1);
    const [record] = await recordsFor(ids);
    assert.equal(record?.status, 'error');
    assert.equal(record?.httpStatus, response.status);
    assert.equal(record?.errorCode, 'upstream_error');
    assert.equal(record?.costNanos, 0n);
  });

  test('the client going away while the upstream works: status client_gone, one record', async () => {
    principals.set('gone', principal('gone'));
    sim.faults.add({
      match: { provider: 'anthropic' },
      effect: { type: 'latency', ms: 400 },
      when: { times: 1 },
    });
    const before = sim.requests.length;
    const controller = new AbortController();
    const pending = fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer rk_gone' },
      body: JSON.stringify(hi('single-model')),
      signal: controller.signal,
    }).catch(() => 'aborted');
    for (let i = 0; i < 100 && sim.requests.length === before; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    assert.equal(await pending, 'aborted');
    const ids = upstreamIds().slice(before);
    for (let i = 0; i < 100 && (await recordsFor(ids)).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const records = await recordsFor(ids);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.status, 'client_gone');
    // Counted as 499 (client closed request), not as a 5xx an error-rate alert would fire on.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /rampart_requests_total\{route="\/v1\/chat\/completions",status="499"\} 1/);
    assert.doesNotMatch(metrics, /rampart_requests_total\{[^}]*status="500"\}/);
  });
});

describe('limits and budgets', () => {
  test('a dollar budget refuses in OpenAI format with reset and retry-after; nothing recorded for it', async () => {
    principals.set('poor', principal('poor', { user: { usdPerDay: '0.000001' } }));
    const before = sim.requests.length;
    const response = await chat('poor', hi('single-model'));
    assert.equal(response.status, 429);
    const body = (await response.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, 'budget_exceeded');
    assert.equal(body.error.type, 'insufficient_quota');
    assert.match(
      body.error.message,
      /^user budget of \$0\.000001 per day exceeded; resets at \d{4}-\d\d-\d\dT00:00:00Z$/,
    );
    assert.ok(Number(response.headers.get('retry-after')) > 0);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    assert.equal(sim.requests.length, before, 'no upstream call');
    await gateway.metering.flush();
    assert.equal(await store.usageRecords.count({ keyId: 'key_poor' }), 0);
    assert.equal(await store.pendingUsage.count(), 0);
  });

  test('requests per minute refuse in Anthropic format with x-ratelimit-* headers', async () => {
    principals.set('rpm', principal('rpm', { key: { requestsPerMinute: 2 } }));
    for (let i = 0; i < 2; i++)
      assert.equal((await chat('rpm', hi('single-model'), {}, '/v1/messages')).status, 200);
    const response = await chat('rpm', hi('single-model'), {}, '/v1/messages');
    assert.equal(response.status, 429);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'rate_limit_error');
    assert.match(body.error.message, /^key rate limit of 2 requests per minute exceeded; retry in \d+ s/);
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.ok(Number(response.headers.get('retry-after')) >= 1);
  });

  test('a tokens/hour budget settles to actual usage: small requests keep passing until it is spent', async () => {
    // Each request reserves ~60 tokens (estimate) but spends less; the budget fits four estimates.
    principals.set('tph', principal('tph', { team: {}, key: { tokensPerHour: 200 } }));
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const response = await chat('tph', hi('single-model', { max_tokens: 20 }));
      statuses.push(response.status);
      await response.text();
      await gateway.metering.flush();
    }
    const spent = await store.usageRecords.spent({
      level: 'key',
      id: 'key_tph',
      from: Date.now() - 3_600_000,
      to: Date.now() + 1,
    });
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.ok(spent.tokens <= 200, `spent ${spent.tokens} tokens of 200`);
    assert.ok(statuses.filter((s) => s === 200).length >= 3, statuses.join(','));
  });

  test('a counter the state store lacks is seeded from the ledger once: a restarted gateway still refuses', async () => {
    principals.set('seed', principal('seed', { user: { usdPerMonth: '0.0001' } }));
    // Spend recorded by an earlier life of the gateway.
    await store.usageRecords.commit({
      pending: [],
      entries: [
        {
          record: {
            requestId: 'seed-earlier',
            teamId: 'team_t',
            userId: 'user_seed',
            keyId: 'key_seed',
            threadId: null,
            endpoint: 'chat.completions',
            requestedModel: 'single-model',
            provider: 'anthropic',
            model: 'claude-haiku-4-5',
            status: 'ok',
            httpStatus: 200,
            errorCode: null,
            inputTokens: 100,
            outputTokens: 10,
            cacheReadTokens: null,
            cacheWriteTokens: null,
            cacheWrite5mTokens: null,
            cacheWrite1hTokens: null,
            reasoningTokens: null,
            estimated: false,
            costNanos: 100_000n,
            latencyMs: 1,
            ttftMs: null,
            attempts: [],
            startedAt: Date.now() - 1000,
          },
          outbox: [],
        },
      ],
    });
    const response = await chat('seed', hi('single-model'));
    assert.equal(response.status, 429);
    assert.match(((await response.json()) as { error: { message: string } }).error.message, /per month/);
  });
});

describe('crash safety and webhooks', () => {
  test('pending rows of a dead gateway become interrupted records, reservations settled, once', async () => {
    const state = new InProcessStateStore();
    const now = Date.now();
    await store.gatewayInstances.register({
      id: 'gw_dead',
      hostname: 'h',
      pid: 1,
      startedAt: now - 60_000,
      heartbeatAt: now - 60_000,
    });
    const key = `budget:user:user_dead:usd:${new Date(now).toISOString().slice(0, 10)}`;
    await state.reserve(key, { id: 'dead-req', amount: 5_000, limit: 1e12, ttlMs: 600_000 });
    await store.usageRecords.commit({
      pending: [
        {
          requestId: 'dead-req',
          instanceId: 'gw_dead',
          principalJson: JSON.stringify({
            keyId: 'key_dead',
            userId: 'user_dead',
            teamId: 'team_t',
            threadId: 't-dead',
            endpoint: 'messages',
            requestedModel: 'single-model',
          }),
          estimateJson: JSON.stringify({
            inputTokens: 40,
            outputTokens: 50,
            tokens: 90,
            costNanos: 5_000,
            pricedModel: 'claude-haiku-4-5',
          }),
          reservationsJson: JSON.stringify([{ key, unit: 'usd', amount: 5_000 }]),
          startedAt: now - 30_000,
        },
      ],
      entries: [],
    });
    const second = await startGateway(state);
    try {
      // Start-up reconciles; a second pass finds nothing.
      assert.equal(await second.gateway.metering.reconcile(), 0);
      const record = await store.usageRecords.get('dead-req');
      assert.equal(record?.status, 'interrupted');
      assert.equal(record?.estimated, true);
      assert.equal(record?.inputTokens, 40);
      assert.equal(record?.costNanos, 5_000n);
      assert.equal(record?.threadId, 't-dead');
      assert.equal(await store.pendingUsage.get('dead-req'), undefined);
      assert.equal(await store.gatewayInstances.get('gw_dead'), undefined);
      assert.deepEqual(await state.release(key, 'nothing'), { ok: false, used: 5_000, reserved: 0 });
    } finally {
      await second.gateway.close();
    }
  });

  test('on a SQLite file the pending row is a journal line, written before the upstream call and gone after', async () => {
    const dir = store.pendingJournalDir;
    assert.ok(dir, 'a SQLite file store journals pending rows');
    principals.set('journal', principal('journal'));
    sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'slow-first-byte', ms: 300 } });
    const before = sim.requests.length;
    const pending = chat('journal', hi('single-model'));
    await waitUntil(() => sim.requests.length > before);
    const [ledgerId] = upstreamIds().slice(before);
    assert.ok(ledgerId);
    const lines = () =>
      readdirSync(dir).flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean));
    const line = lines().find((l) => (JSON.parse(l) as { requestId: string }).requestId === ledgerId);
    assert.ok(line, 'the pending row was on disk when the upstream was called');
    assert.equal(await store.pendingUsage.get(ledgerId), undefined, 'not a pending_usage row');
    assert.equal((await pending).status, 200);
    const [record] = await recordsFor([ledgerId]);
    assert.equal(record?.status, 'ok');
    assert.equal(gateway.metering.journal?.unsettled, 0, 'the line is settled once the record is committed');
  });

  test('journal lines of a dead gateway become interrupted records at start', async () => {
    const dir = store.pendingJournalDir!;
    const dead = new PendingJournal(dir, 'gw_dead_journal');
    await dead.append({
      requestId: 'dead-journal-req',
      instanceId: 'gw_dead_journal',
      principalJson: JSON.stringify({
        keyId: 'key_dj',
        userId: 'user_dj',
        teamId: 'team_t',
        threadId: null,
        endpoint: 'chat.completions',
        requestedModel: 'single-model',
      }),
      estimateJson: JSON.stringify({
        inputTokens: 7,
        outputTokens: 50,
        tokens: 57,
        costNanos: 3_000,
        pricedModel: 'claude-haiku-4-5',
      }),
      reservationsJson: JSON.stringify({ minute: Math.floor(Date.now() / 60_000), budgets: [] }),
      startedAt: Date.now() - 5_000,
    });
    dead.close();
    // Never registered (or its row already removed): an orphan, reconciled by the next gateway to start.
    const second = await startGateway();
    try {
      const record = await store.usageRecords.get('dead-journal-req');
      assert.equal(record?.status, 'interrupted');
      assert.equal(record?.estimated, true);
      assert.equal(record?.keyId, 'key_dj');
      assert.equal(record?.costNanos, 3_000n);
      assert.ok(!journalInstances(dir).includes('gw_dead_journal'), 'its file is gone');
      assert.equal(await store.pendingUsage.get('dead-journal-req'), undefined);
      assert.equal(await second.gateway.metering.reconcile(), 0);
    } finally {
      await second.gateway.close();
    }
  });

  test('usage.recorded webhooks are signed (Standard Webhooks), retried after a failure, delivered once per record', async () => {
    principals.set('hook', principal('hook'));
    received.length = 0;
    receiverFails = 1;
    const before = sim.requests.length;
    const response = await chat('hook', hi('single-model'));
    await response.text();
    const [id] = upstreamIds().slice(before);
    await gateway.metering.flush();
    // First delivery fails (500); the retry comes after a jittered backoff of 0.5–1 s.
    for (let i = 0; i < 150 && !received.some((r) => r.body.includes(id!)); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const deliveries = received.filter((r) => r.body.includes(id!));
    assert.equal(deliveries.length, 1);
    const delivery = deliveries[0]!;
    assert.equal(delivery.headers['webhook-id'], `msg_${id}_0`);
    assert.ok(
      verifyWebhook(
        SECRET,
        {
          id: delivery.headers['webhook-id'],
          timestamp: delivery.headers['webhook-timestamp']!,
          signature: delivery.headers['webhook-signature']!,
        },
        delivery.body,
        Math.floor(Date.now() / 1000),
      ),
    );
    assert.equal(
      verifyWebhook('whsec_d3Jvbmc=', { id: 'x', timestamp: '1', signature: 'v1,x' }, '', 1),
      false,
    );
    const payload = JSON.parse(delivery.body) as {
      type: string;
      data: { request_id: string; key_id: string };
    };
    assert.equal(payload.type, 'usage.recorded');
    assert.equal(payload.data.request_id, id);
    assert.equal(payload.data.key_id, 'key_hook');
    const row = await store.webhookOutbox.get(`msg_${id}_0`);
    assert.equal(row?.attempts, 2);
    assert.ok(row?.deliveredAt);
  });
});

describe('usage API', () => {
  const get = (path: string, token: string) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  test('admin: grouped by user for a team, with totals and exact cost; the admin token is required', async () => {
    await gateway.metering.flush();
    const response = await get('/admin/v1/usage?group_by=user&team_id=team_t', ADMIN_TOKEN);
    assert.equal(response.status, 200);
    const body = (await response.json()) as {
      data: Array<{ group: string; requests: number; cost_nanos: string; cost_usd: string }>;
      total: { requests: number; cost_nanos: string };
    };
    const users = body.data.map((g) => g.group);
    assert.ok(users.includes('user_ok') && users.includes('user_fb'), users.join(','));
    const sum = body.data.reduce((n, g) => n + BigInt(g.cost_nanos), 0n);
    assert.equal(BigInt(body.total.cost_nanos), sum);
    assert.equal(body.total.requests, await store.usageRecords.count({ teamId: 'team_t', from: 0 }));
    assert.match(body.data[0]!.cost_usd, /^\d+\.\d{9}$/);
    assert.equal((await get('/admin/v1/usage', 'wrong')).status, 401);
    const bad = await get('/admin/v1/usage?group_by=planet', ADMIN_TOKEN);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { param: string } }).error.param, 'group_by');
    const byThread = (await (
      await get('/admin/v1/usage?group_by=thread&from=2000-01-01', ADMIN_TOKEN)
    ).json()) as {
      data: Array<{ group: string | null }>;
    };
    assert.ok(byThread.data.some((g) => g.group === 'thread-42'));
  });

  test("a key sees only its own user's usage and cannot ask for another's", async () => {
    const own = await get('/v1/usage?group_by=key', 'rk_ok');
    assert.equal(own.status, 200);
    const body = (await own.json()) as { data: Array<{ group: string }>; filters: { user_id: string } };
    assert.deepEqual(
      body.data.map((g) => g.group),
      ['key_ok'],
    );
    assert.equal(body.filters.user_id, 'user_ok');
    const other = await get('/v1/usage?user_id=user_fb', 'rk_ok');
    assert.equal(other.status, 403);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'permission_denied');
    assert.equal((await get('/v1/usage', 'rk_nobody')).status, 401);
  });
});
