// Each thread's network and credentials, end to end with real bubblewrap kernels: every request a sandbox makes is
// audited under its own thread and user (from the socket it arrives on, whatever the code inside sends), allowed by
// its tenant's list, and the only credential inside is a virtual key minted for the thread, which works through
// the proxy against a gateway and is revoked when the sandbox stops. Warm-pool and cold starts both.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { createBubblewrapDriver } from '../drivers/drivers-bubblewrap-driver.js';
import { createEgressHub, type EgressHub } from '../egress/egress-hub.js';
import type { EgressAuditRecord } from '../egress/egress-proxy.js';
import { tenantEgressPolicy } from '../egress/egress-tenant-policy.js';
import { createSandboxManager, type SandboxManager } from './manager-sandbox-manager.js';
import type { MintGatewayKey } from './manager-thread-resources.js';

const GATEWAY_ALIAS = 'gateway.rampart.internal';
// Real-looking provider secrets in the host's environment: none may reach a sandbox.
const HOST_SECRETS = {
  OPENAI_API_KEY: 'sk-proj-REALPROVIDERKEY0000000000000000',
  ANTHROPIC_API_KEY: 'sk-ant-api03-REALPROVIDERKEY000000000000',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/REALSECRET0000000',
};
const TENANT_OF: Record<string, string> = { 'user-a': 'team-a', 'user-b': 'team-b' };
const cell = { timeoutMs: 30_000 };

const stdout = (r: { outputs: Array<{ kind: string; data: Record<string, string> }> }): string =>
  r.outputs
    .map((o) => (o.kind === 'error' ? `ERROR ${o.data['text/plain']}` : (o.data['text/plain'] ?? '')))
    .join('');

interface GatewayCall {
  authorization: string | undefined;
  thread: string | undefined;
  forgedSeen: boolean;
}

describe('per-thread egress and gateway keys (real kernels)', () => {
  let dir: string;
  let target: TestStoreUrl;
  let store: Store;
  let hub: EgressHub;
  let warmManager: SandboxManager;
  let coldManager: SandboxManager;
  let gateway: Server;
  let allowed: Server;
  let allowedPort: number;
  const audit: EgressAuditRecord[] = [];
  const gatewayCalls: GatewayCall[] = [];
  const live = new Set<string>();
  const revoked: string[] = [];
  const saved: Record<string, string | undefined> = {};
  const started: Array<Record<string, unknown>> = [];

  const mint: MintGatewayKey = async (userId, threadId) => {
    const key = `rk_test_${threadId}_${userId}_${Math.random().toString(36).slice(2, 10)}`;
    live.add(key);
    return {
      key,
      revoke: async () => {
        live.delete(key);
        revoked.push(key);
      },
    };
  };

  async function listen(server: Server): Promise<number> {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  before(async () => {
    for (const [name, value] of Object.entries(HOST_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    dir = mkdtempSync(join(tmpdir(), 'rampart-egress-mgr-'));
    // A stand-in gateway: it accepts only live minted keys, as the real one accepts only valid virtual keys.
    gateway = createServer((req: IncomingMessage, res) => {
      const authorization = req.headers.authorization;
      const thread = req.headers['x-rampart-thread-id'];
      gatewayCalls.push({
        authorization,
        thread: typeof thread === 'string' ? thread : undefined,
        forgedSeen: thread === 'forged-thread',
      });
      const key = authorization?.replace(/^Bearer /, '') ?? '';
      if (!live.has(key)) return void res.writeHead(401).end('{"error":"invalid key"}');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(`{"ok":true,"thread":"${String(thread)}"}`);
    });
    const gatewayPort = await listen(gateway);
    allowed = createServer((_req, res) => res.end('team-a only'));
    allowedPort = await listen(allowed);
    target = testSqliteUrl();
    store = await openStore({ url: target.url });
    hub = createEgressHub({
      socketDir: join(dir, 'egress'),
      aliases: { [GATEWAY_ALIAS]: { host: '127.0.0.1', port: gatewayPort } },
      policy: tenantEgressPolicy(
        { default: [], tenants: { 'team-a': [`127.0.0.1:${allowedPort}`] } },
        (userId) => TENANT_OF[userId],
      ),
      audit: (record) => audit.push(record),
    });
    const common = {
      store,
      driver: createBubblewrapDriver({ runtimeDir: join(dir, 'run') }),
      egress: hub,
      gatewayUrl: `http://${GATEWAY_ALIAS}:${gatewayPort}`,
      mintGatewayKey: mint,
      // The operator's own env cannot smuggle a provider key under the SDKs' names: the minted key wins.
      env: () => ({ OPENAI_API_KEY: HOST_SECRETS.OPENAI_API_KEY, SOME_SETTING: 'kept' }),
    };
    warmManager = createSandboxManager({
      ...common,
      workRoot: join(dir, 'work-warm'),
      warmPoolSize: 1,
      log: (event, fields) => {
        if (event === 'sandbox_started') started.push(fields);
      },
    });
    coldManager = createSandboxManager({ ...common, workRoot: join(dir, 'work-cold') });
    await warmManager.start();
    await coldManager.start();
    await warmManager.whenWarm();
  });

  after(async () => {
    await warmManager?.close();
    await coldManager?.close();
    await hub?.close();
    await store?.close();
    await target?.cleanup();
    gateway?.close();
    allowed?.close();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const envProbe = `
import os, json
secrets = ${JSON.stringify(Object.values(HOST_SECRETS))}
own = {k: v for k, v in os.environ.items() if k in ('OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'RAMPART_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL', 'SOME_SETTING', 'AWS_SECRET_ACCESS_KEY')}
leaks = [k for k, v in os.environ.items() if any(s in v for s in secrets)]
with open('/proc/self/environ', 'rb') as f:
    raw = f.read().decode('utf8', 'replace')
leaks += ['/proc/self/environ' for s in secrets if s in raw]
print(json.dumps({'own': own, 'leaks': leaks}))`;

  const callGateway = `
import os, requests
r = requests.post(os.environ['OPENAI_BASE_URL'] + '/chat/completions', json={'model': 'm', 'messages': []},
                  headers={'authorization': 'Bearer ' + os.environ['OPENAI_API_KEY'], 'x-rampart-thread-id': 'forged-thread'}, timeout=10)
print(r.status_code, r.text)`;

  const reach = (port: number): string => `
import requests
try:
    r = requests.get('http://127.0.0.1:${port}/', timeout=10); print('status', r.status_code, r.text.strip())
except Exception as e:
    print('failed', type(e).__name__)
try:
    requests.get('https://127.0.0.1:${port}/', timeout=10); print('HTTPS THROUGH')
except Exception as e:
    print('https refused', type(e).__name__)`;

  for (const [label, threadId, userId, which] of [
    ['warm pool', 't-warm-a', 'user-a', 'warm'],
    ['cold start', 't-cold-b', 'user-b', 'cold'],
  ] as const) {
    test(`${label}: only the minted key inside, and it works through the proxy against the gateway`, async () => {
      const manager = which === 'warm' ? warmManager : coldManager;
      const probe = JSON.parse(stdout(await manager.runCell(threadId, envProbe, { ...cell, userId }))) as {
        own: Record<string, string>;
        leaks: string[];
      };
      assert.deepEqual(probe.leaks, [], 'no host provider secret anywhere in the environment');
      if (which === 'warm') assert.equal(started.find((f) => f.threadId === threadId)?.warm, true);
      const key = probe.own.OPENAI_API_KEY ?? '';
      assert.match(key, new RegExp(`^rk_test_${threadId}_${userId}_`));
      assert.ok(live.has(key), 'the key is one we minted and have not revoked');
      assert.equal(probe.own.ANTHROPIC_API_KEY, key);
      assert.equal(probe.own.RAMPART_API_KEY, key);
      assert.equal(probe.own.AWS_SECRET_ACCESS_KEY, undefined);
      assert.match(probe.own.OPENAI_BASE_URL ?? '', /^http:\/\/gateway\.rampart\.internal:\d+\/v1$/);
      assert.equal(probe.own.SOME_SETTING, 'kept');

      const calls = gatewayCalls.length;
      const answer = stdout(await manager.runCell(threadId, callGateway, { ...cell, userId }));
      assert.match(answer, new RegExp(`^200 \\{"ok":true,"thread":"${threadId}"\\}`), answer);
      const call = gatewayCalls[calls];
      assert.equal(call?.authorization, `Bearer ${key}`);
      assert.equal(call?.thread, threadId, 'the proxy, not the sandbox, names the thread');
      assert.equal(call?.forgedSeen, false);
      const record = audit.find((r) => r.threadId === threadId && r.host === GATEWAY_ALIAS);
      assert.deepEqual(
        [record?.userId, record?.tenantId, record?.allowed, record?.status],
        [userId, TENANT_OF[userId], true, 200],
      );
    });
  }

  test("a host on team-a's list is refused to team-b, and each attempt is audited with its own thread", async () => {
    const a = stdout(
      await warmManager.runCell('t-warm-a', reach(allowedPort), { ...cell, userId: 'user-a' }),
    );
    assert.match(a, /status 200 team-a only/);
    const b = stdout(
      await coldManager.runCell('t-cold-b', reach(allowedPort), { ...cell, userId: 'user-b' }),
    );
    assert.match(b, /status 403/);
    assert.match(b, /https refused/);
    assert.doesNotMatch(b, /HTTPS THROUGH|team-a only/);
    const port = (r: EgressAuditRecord): boolean => r.port === allowedPort;
    const ofA = audit.filter((r) => port(r) && r.threadId === 't-warm-a');
    const ofB = audit.filter((r) => port(r) && r.threadId === 't-cold-b');
    assert.ok(
      ofA.some((r) => r.method === 'GET' && r.allowed && r.userId === 'user-a' && r.tenantId === 'team-a'),
    );
    assert.deepEqual(ofB.map((r) => [r.method, r.allowed, r.status, r.userId, r.tenantId, r.reason]).sort(), [
      ['CONNECT', false, 403, 'user-b', 'team-b', 'host not allowlisted'],
      ['GET', false, 403, 'user-b', 'team-b', 'host not allowlisted'],
    ]);
    const sandboxOfB = coldManager.localSandboxes().find((s) => s.threadId === 't-cold-b')?.sandboxId;
    assert.ok(ofB.every((r) => r.sandboxId === sandboxOfB));
  });

  test('a restarted kernel keeps its thread identity and key; stopping revokes the key and frees the socket', async () => {
    const before = coldManager.localSandboxes().find((s) => s.threadId === 't-cold-b')?.sandboxId;
    await coldManager.restart('t-cold-b', { userId: 'user-b' });
    const after = coldManager.localSandboxes().find((s) => s.threadId === 't-cold-b')?.sandboxId;
    assert.notEqual(after, before);
    const answer = stdout(await coldManager.runCell('t-cold-b', callGateway, { ...cell, userId: 'user-b' }));
    assert.match(answer, /^200 /, answer);
    assert.equal(audit.at(-1)?.sandboxId, after, 'audited under the new kernel');
    assert.equal(audit.at(-1)?.threadId, 't-cold-b');

    const sockets = hub.size;
    const keysBefore = revoked.length;
    assert.equal(await coldManager.stopThread('t-cold-b'), true);
    assert.equal(hub.size, sockets - 1);
    assert.equal(revoked.length, keysBefore + 1);
    assert.match(revoked.at(-1) ?? '', /^rk_test_t-cold-b_/);
  });
});
