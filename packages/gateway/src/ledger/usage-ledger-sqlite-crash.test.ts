// The crash guarantee on the embedded store, where pending rows are journal lines beside the SQLite file rather
// than pending_usage rows: a gateway killed with SIGKILL during a load of streamed requests, then a gateway
// started on the same file, leaves every request the simulator served recorded exactly once (the killed one's
// in-flight requests reconciled from its journal as `interrupted`), and no journal file behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { journalInstances, openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { simulatedConfig } from '../config/load-gateway-config.js';
import type { Principal } from '../tenancy/principal.js';
import { startLedgerGateway } from '../testing/start-ledger-gateway.js';

const CRASH: Principal = {
  keyId: 'key_crash',
  userId: 'user_crash',
  teamId: 'team_crash',
  scopes: {},
  limits: { key: {}, user: {}, team: { usdPerMonth: '1000' } },
};

let sim: Simulator;
let target: TestStoreUrl;
let store: Store;
let env: NodeJS.ProcessEnv;
const children = new Set<ChildProcess>();

const startGatewayProcess = () => startLedgerGateway(env, children);

before(async () => {
  sim = await startSimulator({ maxRecordedRequests: 5_000 });
  target = testSqliteUrl();
  store = await openStore({ url: target.url });
  env = {
    ...process.env,
    DATABASE_URL: target.url,
    RAMPART_TEST_CONFIG: JSON.stringify({
      providers: simulatedConfig(sim.url).providers,
      routes: { 'single-model': { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' } },
    }),
    RAMPART_TEST_REDIS_PREFIX: `rampart-test:${randomUUID()}:`,
    RAMPART_TEST_PRINCIPALS: JSON.stringify({ crash: CRASH }),
    RAMPART_TEST_LEDGER: JSON.stringify({ heartbeatMs: 250, deadAfterMs: 1_500, reconcileMs: 300 }),
  };
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([...children].map((child) => once(child, 'exit')));
  await sim.close();
  await store.close();
  await target.cleanup();
});

test('SQLite store: kill -9 during streamed load, restart on the same file: every served request recorded once', async (t) => {
  const killed = await startGatewayProcess();
  sim.faults.add({ match: { provider: 'anthropic' }, effect: { type: 'slow-first-byte', ms: 600 } });
  const load: Array<Promise<unknown>> = [];
  const sendWave = () => {
    for (let i = 0; i < 6; i++) {
      load.push(
        fetch(`${killed.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer rk_crash' },
          body: JSON.stringify({
            model: 'single-model',
            max_tokens: 30,
            stream: true,
            stream_options: { include_usage: true },
            messages: [{ role: 'user', content: 'Say hello.' }],
          }),
        })
          .then((r) => r.text())
          .catch(() => 'failed'),
      );
    }
  };
  // Waves until some requests are recorded (a busy machine may take a while), then one more: the kill finds
  // requests finished and recorded, and others in flight (600 ms to their first byte).
  const loadUntil = Date.now() + 20_000;
  do {
    if (Date.now() > loadUntil) assert.fail('no request was recorded');
    sendWave();
    await new Promise((resolve) => setTimeout(resolve, 150));
  } while ((await store.usageRecords.count({ keyId: 'key_crash' })) === 0);
  sendWave();
  await new Promise((resolve) => setTimeout(resolve, 100));
  killed.child.kill('SIGKILL');
  await once(killed.child, 'exit');
  await Promise.all(load);
  sim.faults.clear();
  const dir = store.pendingJournalDir!;
  assert.ok(journalInstances(dir).length > 0, 'the killed gateway left its journal');

  const restarted = await startGatewayProcess();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const left = journalInstances(dir).length + (await store.pendingUsage.count());
    if (left === 0) break;
    if (Date.now() > deadline) assert.fail(`journal not reconciled (${left} left)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const served = [
    ...new Set(
      sim.requests
        .map((r) => r.headers['x-rampart-request-id'])
        .filter((id): id is string => id !== undefined),
    ),
  ];
  assert.ok(served.length >= 30, `${served.length} requests reached the simulator`);
  const records = await store.usageRecords.getMany(served);
  assert.equal(records.length, served.length, 'every served request has its record');
  // A request killed between its journal line and its upstream call is recorded too (interrupted, estimated).
  assert.ok((await store.usageRecords.count({ keyId: 'key_crash' })) >= served.length);
  const interrupted = records.filter((r) => r.status === 'interrupted');
  assert.ok(interrupted.length > 0, 'the killed gateway’s in-flight requests were reconciled');
  assert.ok(interrupted.every((r) => r.estimated));
  const finished = records.filter((r) => r.status === 'ok').length;
  assert.ok(finished > 0, 'requests that finished before the kill kept their own records');
  t.diagnostic(
    `crash: ${served.length} served, ${finished} finished, ${interrupted.length} reconciled from the journal as interrupted`,
  );
  restarted.child.kill('SIGTERM');
  await once(restarted.child, 'exit');
});
