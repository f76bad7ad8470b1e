// Acceptance of limits and the ledger across replicas: two gateway processes sharing Redis (limits, budgets) and
// PostgreSQL (ledger, outbox). A dollar budget and a tokens/hour budget hold under 500 / 200 concurrent requests
// spread over both; a gateway killed with SIGKILL during a load of streamed requests leaves every request the
// simulator served recorded exactly once (its in-flight ones reconciled as `interrupted`), and the usage webhooks
// still pending are delivered after the restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { openStore, type Store } from '@rampart/store';
import { testPostgresUrl, type TestStoreUrl } from '@rampart/store/testing';
import { simulatedConfig } from '../config/load-gateway-config.js';
import type { Principal } from '../tenancy/principal.js';
import { startLedgerGateway } from '../testing/start-ledger-gateway.js';

const HOOK_SECRET = 'whsec_' + Buffer.from('replica-test-secret-0123456789ab').toString('base64');
const BUDGET_USD = '0.005';
const BUDGET_NANOS = 5_000_000n;
const TOKENS_PER_HOUR = 1_500;

const principal = (name: string, limits: Partial<Principal['limits']>): Principal => ({
  keyId: `key_${name}`,
  userId: `user_${name}`,
  teamId: 'team_r',
  scopes: {},
  limits: { key: {}, user: {}, team: {}, ...limits },
});
const PRINCIPALS: Record<string, Principal> = {
  budget: principal('budget', { user: { usdPerDay: BUDGET_USD } }),
  tph: principal('tph', { key: { tokensPerHour: TOKENS_PER_HOUR } }),
  crash: principal('crash', { team: { usdPerMonth: '1000' } }),
};

let sim: Simulator;
let target: TestStoreUrl;
let store: Store;
let receiver: Server;
let receiverDown = false;
const delivered = new Map<string, number>();
const children = new Set<ChildProcess>();
let env: NodeJS.ProcessEnv;
// Enough sockets for 500 requests in flight at once.
const dispatcher = new Agent({ connections: 600 });

const startReplica = () => startLedgerGateway(env, children);

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (receiverDown) {
        res.writeHead(503).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sim = await startSimulator({ maxRecordedRequests: 5_000 });
  target = testPostgresUrl();
  store = await openStore({ url: target.url });
  const config = {
    providers: simulatedConfig(sim.url).providers,
    routes: { 'single-model': { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' } },
    webhooks: [
      { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: 'env:HOOK_SECRET' },
    ],
  };
  env = {
    ...process.env,
    HOOK_SECRET,
    DATABASE_URL: target.url,
    RAMPART_TEST_CONFIG: JSON.stringify(config),
    RAMPART_TEST_REDIS_PREFIX: `rampart-test:${randomUUID()}:`,
    RAMPART_TEST_PRINCIPALS: JSON.stringify(PRINCIPALS),
    RAMPART_TEST_LEDGER: JSON.stringify({
      heartbeatMs: 250,
      deadAfterMs: 1_500,
      reconcileMs: 300,
      webhookPollMs: 100,
      webhookLeaseMs: 2_000,
      webhookBaseDelayMs: 100,
    }),
  };
});

after(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all([...children].map((child) => once(child, 'exit')));
  await sim.close();
  await store.close();
  await target.cleanup();
  await dispatcher.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

function chat(url: string, key: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer rk_${key}` },
    body: JSON.stringify({
      model: 'single-model',
      max_tokens: 30,
      messages: [{ role: 'user', content: 'Say hello.' }],
      ...body,
    }),
    // @ts-expect-error undici's dispatcher option is not in the DOM fetch types
    dispatcher,
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('two replicas, shared Redis and PostgreSQL: budgets hold under concurrency; a SIGKILL loses no usage', async (t) => {
  const a = await startReplica();
  const b = await startReplica();

  await t.test(
    '500 concurrent requests against a $ budget: overspend ≤ the cost of one request',
    async () => {
      const statuses = await Promise.all(
        Array.from({ length: 500 }, async (_, i) => {
          const response = await chat(i % 2 === 0 ? a.url : b.url, 'budget', {});
          await response.arrayBuffer();
          return response.status;
        }),
      );
      const ok = statuses.filter((s) => s === 200).length;
      assert.equal(ok + statuses.filter((s) => s === 429).length, 500, statuses.join(','));
      assert.ok(ok > 5 && ok < 500, `${ok} admitted`);
      await waitFor(
        'every admitted request recorded',
        async () => (await store.usageRecords.count({ userId: 'user_budget' })) === ok,
      );
      const [spent] = await store.usageRecords.aggregate('user', { userId: 'user_budget' });
      const records = await store.usageRecords.getMany(
        sim.requests
          .map((r) => r.headers['x-rampart-request-id'])
          .filter((id): id is string => id !== undefined),
      );
      const maxOne = records.reduce((m, r) => (r.costNanos > m ? r.costNanos : m), 0n);
      assert.ok(maxOne > 0n);
      assert.ok(
        spent!.costNanos <= BUDGET_NANOS + maxOne,
        `spent ${spent!.costNanos} nanos of a ${BUDGET_NANOS} budget (one request ≤ ${maxOne})`,
      );
      t.diagnostic(`$ budget: ${ok}/500 admitted, spent ${spent!.costNanos} of ${BUDGET_NANOS} nano-USD`);

      // Settled reservations free what the estimates held beyond the actual cost: smaller waves keep being admitted
      // until the budget is really spent, and it is still never exceeded.
      let admitted = ok;
      for (let wave = 0; wave < 60; wave++) {
        const wave20 = await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const response = await chat(i % 2 === 0 ? a.url : b.url, 'budget', {});
            await response.arrayBuffer();
            return response.status;
          }),
        );
        const passed = wave20.filter((s) => s === 200).length;
        admitted += passed;
        await waitFor(
          'recorded',
          async () => (await store.usageRecords.count({ userId: 'user_budget' })) === admitted,
        );
        if (passed === 0) break;
      }
      const [final] = await store.usageRecords.aggregate('user', { userId: 'user_budget' });
      const estimateBound = 200_000n; // one request's estimate: ~30 input tokens × $1/M + 30 output × $5/M
      assert.ok(final!.costNanos <= BUDGET_NANOS + maxOne, `spent ${final!.costNanos} of ${BUDGET_NANOS}`);
      assert.ok(
        final!.costNanos >= BUDGET_NANOS - estimateBound,
        `only ${final!.costNanos} of ${BUDGET_NANOS} usable`,
      );
      t.diagnostic(
        `$ budget after top-up waves: ${admitted} admitted, spent ${final!.costNanos} of ${BUDGET_NANOS}`,
      );
    },
  );

  await t.test('a tokens/hour limit holds across both replicas within one request’s tokens', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const response = await chat(i % 2 === 0 ? a.url : b.url, 'tph', {});
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const ok = statuses.filter((s) => s === 200).length;
    assert.ok(ok > 5 && ok < 200, `${ok} admitted`);
    await waitFor(
      'every admitted request recorded',
      async () => (await store.usageRecords.count({ keyId: 'key_tph' })) === ok,
    );
    const spent = await store.usageRecords.spent({
      level: 'key',
      id: 'key_tph',
      from: Date.now() - 3_600_000,
      to: Date.now() + 1,
    });
    const [group] = await store.usageRecords.aggregate('key', { keyId: 'key_tph' });
    const perRequest = Math.ceil((group!.inputTokens + group!.outputTokens) / ok) * 2;
    assert.ok(
      spent.tokens <= TOKENS_PER_HOUR + perRequest,
      `spent ${spent.tokens} tokens of ${TOKENS_PER_HOUR}`,
    );
    t.diagnostic(`tokens/hour: ${ok}/200 admitted, spent ${spent.tokens} of ${TOKENS_PER_HOUR} tokens`);

    // As settlements free what estimates held, later waves are admitted until the hour's tokens are really spent.
    let admitted = ok;
    for (let wave = 0; wave < 60; wave++) {
      const passed = (
        await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            const response = await chat(i % 2 === 0 ? a.url : b.url, 'tph', {});
            await response.arrayBuffer();
            return response.status;
          }),
        )
      ).filter((s) => s === 200).length;
      admitted += passed;
      await waitFor(
        'recorded',
        async () => (await store.usageRecords.count({ keyId: 'key_tph' })) === admitted,
      );
      if (passed === 0) break;
    }
    const final = await store.usageRecords.spent({
      level: 'key',
      id: 'key_tph',
      from: Date.now() - 3_600_000,
      to: Date.now() + 1,
    });
    assert.ok(final.tokens <= TOKENS_PER_HOUR + perRequest, `spent ${final.tokens} of ${TOKENS_PER_HOUR}`);
    assert.ok(final.tokens >= TOKENS_PER_HOUR - 100, `only ${final.tokens} of ${TOKENS_PER_HOUR} usable`);
    t.diagnostic(
      `tokens/hour after top-up waves: ${admitted} admitted, spent ${final.tokens} of ${TOKENS_PER_HOUR}`,
    );
  });

  await t.test(
    'kill -9 during streamed load: every served request recorded exactly once; webhooks delivered after restart',
    async () => {
      const firstSeq = sim.requests.at(-1)?.seq ?? 0;
      receiverDown = true;
      sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'slow-first-byte', ms: 600 } });
      const load: Array<Promise<unknown>> = [];
      for (let wave = 0; wave < 6; wave++) {
        for (let i = 0; i < 10; i++) {
          const url = i < 7 ? a.url : b.url;
          load.push(
            chat(url, 'crash', { stream: true, stream_options: { include_usage: true } })
              .then((r) => r.text())
              .catch(() => 'failed'),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      a.child.kill('SIGKILL');
      await once(a.child, 'exit');
      await Promise.all(load);
      sim.faults.clear();

      const restarted = await startReplica();
      receiverDown = false;
      await waitFor('pending rows reconciled', async () => (await store.pendingUsage.count()) === 0, 15_000);

      const served = [
        ...new Set(
          sim.requests
            .filter((r) => r.seq > firstSeq)
            .map((r) => r.headers['x-rampart-request-id'])
            .filter((id): id is string => id !== undefined),
        ),
      ];
      assert.ok(served.length >= 50, `${served.length} requests reached the simulator`);
      const records = await store.usageRecords.getMany(served);
      assert.equal(records.length, served.length, 'every served request has its record');
      const all = await store.usageRecords.count({ keyId: 'key_crash' });
      assert.ok(all >= served.length);
      const interrupted = records.filter((r) => r.status === 'interrupted');
      assert.ok(interrupted.length > 0, 'the killed replica’s in-flight requests were reconciled');
      assert.ok(interrupted.every((r) => r.estimated));
      t.diagnostic(
        `crash: ${served.length} served, ${interrupted.length} reconciled as interrupted, ${all} records in all`,
      );

      await waitFor('the outbox drained', async () => (await store.webhookOutbox.countDue()) === 0, 20_000);
      const crashRecords = (await store.usageRecords.aggregate('key', { keyId: 'key_crash' }))[0]!.requests;
      const ids = records.map((r) => `msg_${r.requestId}_0`);
      assert.ok(
        ids.every((id) => (delivered.get(id) ?? 0) >= 1),
        'every record announced at least once',
      );
      assert.equal(crashRecords, all);
      restarted.child.kill('SIGTERM');
      await once(restarted.child, 'exit');
    },
  );
});
