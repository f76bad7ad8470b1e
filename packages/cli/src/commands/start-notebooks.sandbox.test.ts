// The notebook service as `rampart start` runs it, against a real gateway with tenancy and the simulator: a thread's
// sandbox holds only a virtual key minted for it (never the host's provider keys), that key works through the egress
// proxy against the gateway, every request is audited with the thread, user and tenant, a host on another tenant's
// allowlist is refused, and the key is revoked when the service stops.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  createGateway,
  createLogger,
  createTenancy,
  simulatedConfig,
  type Gateway,
  type Tenancy,
} from '@rampart/gateway';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { InProcessStateStore } from '@rampart/state';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { startNotebooks, type NotebookService } from './start-notebooks.js';

const HOST_SECRETS = {
  OPENAI_API_KEY: 'sk-proj-HOSTPROVIDERKEY00000000000000000',
  ANTHROPIC_API_KEY: 'sk-ant-api03-HOSTPROVIDERKEY0000000000000',
};

describe('notebook service with tenancy: thread keys and per-thread egress', () => {
  let dir: string;
  let sim: Simulator;
  let storeUrl: TestStoreUrl;
  let store: Store;
  let state: InProcessStateStore;
  let tenancy: Tenancy;
  let gateway: Gateway;
  let gatewayUrl: string;
  let other: Server;
  let otherPort: number;
  let service: NotebookService;
  let users: { a: string; b: string };
  let teams: { a: string; b: string };
  const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const saved: Record<string, string | undefined> = {};
  const clients: Client[] = [];

  async function client(threadId: string, userId: string): Promise<Client> {
    const c = new Client({ name: 'test', version: '1' });
    const headers = { 'x-rampart-thread-id': threadId, 'x-rampart-user-id': userId };
    await c.connect(new StreamableHTTPClientTransport(new URL(service.url), { requestInit: { headers } }));
    clients.push(c);
    return c;
  }
  async function run(c: Client, code: string): Promise<string> {
    const result = (await c.callTool({
      name: 'notebook_run_cell',
      arguments: { code, description: 'test' },
    })) as CallToolResult;
    return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  }
  const egress = (): Array<Record<string, unknown>> =>
    events.filter((e) => e.event === 'egress').map((e) => e.fields);

  before(async () => {
    for (const [name, value] of Object.entries(HOST_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    dir = mkdtempSync(join(tmpdir(), 'rampart-nb-'));
    sim = await startSimulator();
    storeUrl = testSqliteUrl();
    store = await openStore({ url: storeUrl.url });
    state = new InProcessStateStore();
    const config = { ...simulatedConfig(sim.url), auth: { required: true } };
    tenancy = createTenancy({ store, state, masterKey: randomBytes(32), config });
    await tenancy.start();
    gateway = createGateway({ config, logger: createLogger({ level: 'silent' }), tenancy, state });
    gatewayUrl = await gateway.listen(0, '127.0.0.1');
    const teamA = await tenancy.createTeam({ name: 'team-a' });
    const teamB = await tenancy.createTeam({ name: 'team-b' });
    teams = { a: teamA.id, b: teamB.id };
    users = {
      a: (await tenancy.createUser({ teamId: teamA.id, name: 'alice' })).id,
      b: (await tenancy.createUser({ teamId: teamB.id, name: 'bob' })).id,
    };
    other = createServer((_req, res) => res.end('team-a only'));
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    otherPort = (other.address() as AddressInfo).port;
    // Keys a killed manager left behind are revoked at start; keys of a live manager (another replica) are not.
    await tenancy.createKey({ userId: users.a, name: 'notebook:th-old@mgr-dead' });
    await store.sandboxManagers.register({
      id: 'mgr-live',
      hostname: 'another-host',
      endpoint: null,
      pid: 1,
      startedAt: Date.now(),
      leaseExpiresAt: Date.now() + 600_000,
    });
    await tenancy.createKey({ userId: users.a, name: 'notebook:th-live@mgr-live' });
    const started = await startNotebooks({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      gatewayUrl,
      store,
      tenancy,
      egress: { default: [], tenants: { [teamA.id]: [`127.0.0.1:${otherPort}`] } },
      warmPoolSize: 0,
      log: (event, fields) => events.push({ event, fields }),
    });
    assert.ok('url' in started, 'unavailable' in started ? started.unavailable : '');
    service = started;
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await service?.close();
    await gateway?.close();
    await tenancy?.close();
    await state?.close();
    await store?.close();
    await storeUrl?.cleanup();
    await sim?.close();
    other?.close();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  let keyOfA = '';

  test("a dead manager's thread keys are revoked at start, a live one's are kept", async () => {
    const keys = await tenancy.listKeys({ userId: users.a });
    const byName = (name: string) => keys.find((k) => k.name === name);
    assert.notEqual(byName('notebook:th-old@mgr-dead')?.revokedAt ?? null, null);
    assert.equal(byName('notebook:th-live@mgr-live')?.revokedAt, null);
    assert.ok(events.some((e) => e.event === 'gateway_keys_reaped' && e.fields.revoked === 1));
  });

  test('the sandbox holds only its thread key, which works through the proxy against the gateway', async () => {
    const a = await client('th-a', users.a);
    const code = `
import os, json, requests
secrets = ${JSON.stringify(Object.values(HOST_SECRETS))}
env = dict(os.environ)
leaks = [k for k, v in env.items() if any(s in v for s in secrets)]
base = env['OPENAI_BASE_URL']
headers = {'authorization': 'Bearer ' + env['OPENAI_API_KEY']}
model = requests.get(base + '/models', headers=headers, timeout=10).json()['data'][0]['id']
r = requests.post(base + '/chat/completions', headers=headers, timeout=30,
                  json={'model': model, 'messages': [{'role': 'user', 'content': 'hi'}]})
print(json.dumps({'leaks': leaks, 'key': env['OPENAI_API_KEY'], 'same': env['ANTHROPIC_API_KEY'] == env['RAMPART_API_KEY'] == env['OPENAI_API_KEY'],
                  'base': base, 'status': r.status_code, 'reply': r.json()['choices'][0]['message']['content'] if r.ok else r.text}))`;
    const out = JSON.parse(await run(a, code)) as Record<string, unknown>;
    assert.deepEqual(out.leaks, []);
    assert.match(String(out.key), /^rk_/);
    assert.equal(out.same, true);
    assert.match(String(out.base), /^http:\/\/gateway\.rampart\.internal:\d+\/v1$/);
    assert.equal(out.status, 200, String(out.reply));
    assert.equal(typeof out.reply, 'string');
    keyOfA = String(out.key);
    // The key is a real key of alice's, limited to model calls.
    const keys = await tenancy.listKeys({ userId: users.a });
    const key = keys.find((k) => k.name.startsWith('notebook:th-a@'));
    assert.ok(key !== undefined && key.revokedAt === null);
    assert.deepEqual(key.scopes.endpoints, ['chat.completions', 'messages', 'models']);
    const call = egress().find((r) => r.threadId === 'th-a' && r.method === 'POST');
    assert.deepEqual(
      [call?.host, call?.userId, call?.tenantId, call?.allowed, call?.status],
      ['gateway.rampart.internal', users.a, teams.a, true, 200],
    );
  });

  test("another tenant's host is refused and audited with the thread that tried", async () => {
    const reach = `
import requests
print(requests.get('http://127.0.0.1:${otherPort}/', timeout=10).status_code)`;
    assert.match(await run(await client('th-a', users.a), reach), /^200/);
    assert.match(await run(await client('th-b', users.b), reach), /^403/);
    const refused = egress().filter((r) => r.port === otherPort && r.allowed === false);
    assert.deepEqual(
      refused.map((r) => [r.threadId, r.userId, r.tenantId, r.status]),
      [['th-b', users.b, teams.b, 403]],
    );
  });

  test('stopping the service revokes the thread keys', async () => {
    const before = await fetch(`${gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${keyOfA}` } });
    assert.equal(before.status, 200);
    for (const c of clients.splice(0)) await c.close();
    await service.close();
    const keys = await tenancy.listKeys({ userId: users.a });
    const ours = keys.filter((k) => k.name.startsWith('notebook:th-'));
    assert.ok(ours.some((k) => k.name.startsWith('notebook:th-a@')));
    assert.ok(ours.filter((k) => !k.name.endsWith('@mgr-live')).every((k) => k.revokedAt !== null));
    const afterStop = await fetch(`${gatewayUrl}/v1/models`, {
      headers: { authorization: `Bearer ${keyOfA}` },
    });
    assert.equal(afterStop.status, 401);
    service = { ...service, close: async () => undefined };
  });
});
