// The threads API mounted on the real gateway through its extraRoutes hook, authenticated by real virtual keys
// (tenancy on the same store): the owner streams a run to `done`; another user's key sees 404; no key is a 401;
// the gateway's own routes are untouched.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createGateway, createTenancy, simulatedConfig, type Gateway, type Tenancy } from '@rampart/gateway';
import { InProcessStateStore } from '@rampart/state';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { startAgentRuntime, type AgentRuntime } from '../runs/start-agent-runtime.js';
import { countingTools } from '../testing/runs-counting-tools.js';
import { readRunEvents } from '../testing/runs-sse-client.js';
import { stepScriptedModel } from '../testing/runs-step-scripted-model.js';

let target: TestStoreUrl;
let store: Store;
let state: InProcessStateStore;
let tenancy: Tenancy;
let runtime: AgentRuntime;
let gateway: Gateway;
let url: string;
const secrets: Record<string, string> = {};

before(async () => {
  target = testSqliteUrl();
  store = await openStore({ url: target.url });
  state = new InProcessStateStore();
  // No upstream is ever called: the agents here are scripted.
  const config = simulatedConfig('http://127.0.0.1:9');
  tenancy = createTenancy({ store, state, masterKey: randomBytes(32), config });
  await tenancy.start();
  const team = await tenancy.createTeam({ name: 'agents' });
  for (const name of ['alice', 'bob']) {
    const user = await tenancy.createUser({ teamId: team.id, name });
    secrets[name] = (await tenancy.createKey({ userId: user.id, name: `${name}-key` })).secret;
  }
  runtime = await startAgentRuntime({
    store,
    agents: async () => ({
      model: stepScriptedModel([{ text: ['Hello ', 'there.'] }]),
      tools: countingTools(),
      config: { model: 'scripted', maxSteps: 3 },
    }),
  });
  gateway = createGateway({ config, tenancy, state, extraRoutes: [runtime.routes] });
  url = await gateway.listen(0, '127.0.0.1');
});

after(async () => {
  await gateway.close();
  await runtime.close();
  await tenancy.close();
  await state.close();
  await store.close();
  await target.cleanup();
});

const as = (user: string) => ({
  authorization: `Bearer ${secrets[user]}`,
  'content-type': 'application/json',
});

test('threads on the gateway: virtual-key auth, per-user isolation, SSE to done', async () => {
  const thread = await fetch(`${url}/v1/threads`, { method: 'POST', headers: as('alice'), body: '{}' });
  assert.equal(thread.status, 201);
  const { id } = (await thread.json()) as { id: string };
  const post = await fetch(`${url}/v1/threads/${id}/messages`, {
    method: 'POST',
    headers: { ...as('alice'), 'idempotency-key': 'g-1' },
    body: JSON.stringify({ content: 'hi' }),
  });
  assert.equal(post.status, 202);
  const { run } = (await post.json()) as { run: { id: string } };
  const events = await readRunEvents(`${url}/v1/runs/${run.id}/events`, { headers: as('alice') });
  assert.equal(events.at(-1)?.type, 'done');

  const asBob = await fetch(`${url}/v1/threads/${id}`, { headers: as('bob') });
  assert.equal(asBob.status, 404);
  const bobEvents = await fetch(`${url}/v1/runs/${run.id}/events`, { headers: as('bob') });
  assert.equal(bobEvents.status, 404);
  await bobEvents.text();
  const anonymous = await fetch(`${url}/v1/threads/${id}`);
  assert.equal(anonymous.status, 401);
  await anonymous.text();
  // Paths that are neither the gateway's nor the threads API's still get the gateway's 404.
  const unknown = await fetch(`${url}/v1/nothing-here`, { headers: as('alice') });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found');
});
