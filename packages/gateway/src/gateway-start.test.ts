// gateway.start(): a process that never listens (a BullMQ worker running agent runs) still gets a working
// gateway.chat — breakers, metering (instance registered, ledger written) and the executor — and starting twice,
// or starting and then listening, starts everything once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import type { StreamEvent } from '@rampart/spec';
import { parseGatewayConfig, simulatedConfig } from './config/load-gateway-config.js';
import { createGateway, type Gateway } from './create-gateway.js';
import { createLogger } from './observability/logger.js';

let sim: Simulator;
let target: TestStoreUrl;
let store: Store;
let gateway: Gateway;

before(async () => {
  sim = await startSimulator();
  target = testSqliteUrl();
  store = await openStore({ url: target.url });
  const config = parseGatewayConfig(
    { providers: simulatedConfig(sim.url).providers, auth: { required: false } },
    {},
    'test',
  );
  gateway = createGateway({
    config,
    store,
    logger: createLogger({ level: 'silent' }),
    ledger: { instanceId: 'gw_worker_test' },
  });
});

after(async () => {
  await gateway.close();
  await store.close();
  await target.cleanup();
  await sim.close();
});

test('start() without listen: chat works, the instance is registered once, the ledger records the call', async () => {
  assert.equal(await store.gatewayInstances.get('gw_worker_test'), undefined);
  await Promise.all([gateway.start(), gateway.start()]);
  await gateway.start();
  assert.equal(gateway.server.listening, false);
  const instance = await store.gatewayInstances.get('gw_worker_test');
  assert.ok(instance, 'metering registered this instance');
  assert.deepEqual(await store.gatewayInstances.listIds(), ['gw_worker_test']);

  sim.script.push({ text: 'From a worker.' });
  const result = await gateway.chat(
    {
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      maxTokens: 64,
      stream: true,
    },
    { requestId: 'req-worker-1', threadId: 'thread-w' },
  );
  const events: StreamEvent[] = [];
  for await (const event of result.events) events.push(event);
  assert.equal(events.map((e) => (e.type === 'text_delta' ? e.text : '')).join(''), 'From a worker.');
  // The ledger writer commits asynchronously; wait (bounded) for the record.
  let records: Array<{ status: string; thread_id: string | null }> = [];
  for (let i = 0; i < 100 && records.length === 0; i++) {
    records = await store.db
      .selectFrom('usage_records')
      .select(['status', 'thread_id'])
      .where('thread_id', '=', 'thread-w')
      .execute();
    if (records.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.deepEqual(records, [{ status: 'ok', thread_id: 'thread-w' }]);

  // listen after start does not start anything a second time.
  const url = await gateway.listen(0, '127.0.0.1');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(await store.gatewayInstances.listIds(), ['gw_worker_test']);
});
