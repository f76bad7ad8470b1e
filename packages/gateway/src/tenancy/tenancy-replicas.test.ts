// Two (then three) gateway replicas sharing real Redis and one real PostgreSQL store: a key revoked through one
// replica's admin API is refused by the others within a second — through pub/sub, and through the version poll
// alone when a replica's pub/sub message is lost.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startSimulator, type Simulator } from '@rampart/simulator';
import { RedisStateStore, type StateStore } from '@rampart/state';
import { openStore, type Store } from '@rampart/store';
import { testPostgresUrl, type TestStoreUrl } from '@rampart/store/testing';
import { simulatedConfig } from '../config/load-gateway-config.js';
import { createGateway, type Gateway } from '../create-gateway.js';
import { createLogger } from '../observability/logger.js';
import { createTenancy, type Tenancy } from './tenancy-service.js';

interface Replica {
  url: string;
  gateway: Gateway;
  tenancy: Tenancy;
  store: Store;
  state: StateStore;
}

let sim: Simulator;
let pg: TestStoreUrl;
const replicas: Replica[] = [];
const masterKey = randomBytes(32);
const prefix = `rampart-test:${randomUUID()}:`;
const ADMIN = 'rat_replicas';

// A state store whose pub/sub never delivers: the replica must catch revocations by polling the version.
function deaf(state: StateStore): StateStore {
  return new Proxy(state, {
    get(target, property, receiver) {
      if (property === 'subscribe') return async () => async () => undefined;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function startReplica(options: { deaf?: boolean } = {}): Promise<Replica> {
  const config = { ...simulatedConfig(sim.url), auth: { required: true } };
  const store = await openStore({ url: pg.url, poolSize: 4 });
  const redis = new RedisStateStore({ prefix });
  const state = options.deaf ? deaf(redis) : redis;
  const tenancy = createTenancy({ store, state, masterKey, config });
  await tenancy.start();
  const gateway = createGateway({
    config,
    state: redis,
    tenancy,
    admin: { token: ADMIN, tenancy },
    logger: createLogger({ level: 'silent' }),
  });
  const replica = { url: await gateway.listen(0), gateway, tenancy, store, state: redis };
  replicas.push(replica);
  return replica;
}

before(async () => {
  sim = await startSimulator();
  pg = testPostgresUrl();
});
after(async () => {
  for (const r of replicas) {
    await r.gateway.close();
    await r.tenancy.close();
    await r.state.close();
    await r.store.close();
  }
  await pg.cleanup();
  await sim.close();
});

const ask = (url: string, secret: string) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 }).chat.completions.create({
    model: 'claude-sonnet-4-5',
    messages: [{ role: 'user', content: 'hi' }],
  });

async function refusedWithin(url: string, secret: string, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await ask(url, secret);
    } catch (error) {
      assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
      return Date.now() - started;
    }
    if (Date.now() - started > limitMs) assert.fail(`still accepted after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a key revoked on one replica is refused by the others within 1 s (pub/sub, and poll alone)', async () => {
  const a = await startReplica();
  const b = await startReplica();
  const c = await startReplica({ deaf: true });
  const team = await a.tenancy.createTeam({ name: 'replicated' });
  const user = await a.tenancy.createUser({ teamId: team.id, name: 'u' });
  const { key, secret } = await a.tenancy.createKey({ userId: user.id, name: 'shared' });
  // Every replica has the key cached (warm): only invalidation can make them refuse it.
  for (const r of [a, b, c]) await ask(r.url, secret);

  const revoked = await fetch(`${a.url}/admin/v1/keys/${key.id}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(revoked.status, 200);
  const [onB, onC] = await Promise.all([
    refusedWithin(b.url, secret, 1000),
    refusedWithin(c.url, secret, 1000),
  ]);
  assert.ok(onB < 1000 && onC < 1000, `b ${onB} ms, c ${onC} ms`);
  await assert.rejects(ask(a.url, secret), (e: unknown) => e instanceof OpenAI.AuthenticationError);
});
