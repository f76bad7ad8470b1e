// The admin CLI against a live gateway (HTTP on an ephemeral port): create a team, a user and a key, use the
// key, list keys as a table and as JSON, rotate, revoke; errors exit non-zero with the gateway's message.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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
import { runAdminCommand } from './admin-commands.js';

let sim: Simulator;
let store: Store;
let tenancy: Tenancy;
let gateway: Gateway;
let url: string;
let dir: string;
const token = `rat_${randomBytes(8).toString('hex')}`;
const state = new InProcessStateStore();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
  sim = await startSimulator();
  store = await openStore({ url: join(dir, 'rampart.db') });
  const config = { ...simulatedConfig(sim.url), auth: { required: true } };
  tenancy = createTenancy({ store, state, masterKey: randomBytes(32), config });
  await tenancy.start();
  gateway = createGateway({
    config,
    state,
    tenancy,
    admin: { token, tenancy },
    logger: createLogger({ level: 'silent' }),
  });
  url = await gateway.listen(0);
  // The token file the CLI falls back to, as `rampart start` writes it.
  writeFileSync(join(dir, 'admin-token'), `${token}\n`, { mode: 0o600 });
});
after(async () => {
  await gateway.close();
  await tenancy.close();
  await state.close();
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runAdminCommand(
    args[0] as 'keys',
    args.slice(1),
    { RAMPART_URL: url, RAMPART_DATA_DIR: dir },
    (text) => (out += text),
  );
  return { code, out };
}

const chat = (secret: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }),
  });

test('teams, users and keys round trip through the CLI, with the token from the data dir', async () => {
  const team = JSON.parse((await cli('teams', 'create', 'cli-team', '--usd-per-day', '2.50', '--json')).out);
  assert.deepEqual(team.limits, { usd_per_day: '2.50' });
  const user = JSON.parse((await cli('users', 'create', '--team', team.id, 'cli-user', '--json')).out);
  const created = await cli(
    'keys',
    'create',
    '--user',
    user.id,
    'laptop',
    '--models',
    'claude-sonnet-4-5',
    '--rpm',
    '60',
  );
  assert.equal(created.code, 0);
  const secret = /secret \(shown once, store it now\): (rk_\w+)/.exec(created.out)?.[1];
  assert.ok(secret, created.out);
  assert.equal((await chat(secret)).status, 200);

  const table = await cli('keys', 'list', '--user', user.id);
  assert.match(table.out, /^ID\s+PREFIX\s+USER_ID\s+NAME\s+STATUS/);
  assert.match(table.out, /laptop\s+active/);
  assert.ok(!table.out.includes(secret), 'listings never show the secret');
  const listed = JSON.parse((await cli('keys', 'list', '--user', user.id, '--json')).out);
  const keyId = listed.data[0].id as string;
  assert.deepEqual(listed.data[0].scopes, { models: ['claude-sonnet-4-5'] });
  assert.deepEqual(listed.data[0].limits, { requests_per_minute: 60 });

  const rotated = await cli('keys', 'rotate', keyId, '--grace-ms', '0');
  const successor = /secret \(shown once, store it now\): (rk_\w+)/.exec(rotated.out)?.[1];
  assert.ok(successor, rotated.out);
  assert.equal((await chat(secret)).status, 401, 'grace 0: the old key stops at once');
  assert.equal((await chat(successor)).status, 200);
  const successorId = JSON.parse((await cli('keys', 'list', '--user', user.id, '--json')).out).data[1]
    .id as string;
  assert.equal((await cli('keys', 'revoke', successorId)).code, 0);
  assert.equal((await chat(successor)).status, 401);
});

test('errors: a wrong token, an unknown id and a bad flag exit non-zero', async () => {
  let out = '';
  const wrong = await runAdminCommand(
    'teams',
    ['list', '--admin-token', 'nope'],
    { RAMPART_URL: url },
    (t) => (out += t),
  );
  assert.equal(wrong, 1);
  assert.equal(out, '');
  assert.equal((await cli('keys', 'get', 'key_nope')).code, 1);
  assert.equal((await cli('keys', 'list', '--bogus')).code, 2);
});
