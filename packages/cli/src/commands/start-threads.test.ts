// `rampart start` serves the threads API, end to end over HTTP, as a user meets it: a fresh data dir, no provider
// credentials (simulated providers), the first-start key. Create a thread, post a message, read the run's SSE
// stream to `done`; the answer lands in the thread, and the gateway's ledger has the run's model call under the
// key's user and the thread (the run's Principal reached gateway.chat).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { readRunEvents } from '@rampart/agent/testing';

const repoRoot = resolve(import.meta.dirname, '../../../..');
let child: ChildProcess;
let dir: string;
let url: string;
let key: string;
let output = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-start-threads-'));
  const env: Record<string, string> = {};
  // Nothing from the host that would pick real providers, a shared store or Redis.
  for (const [name, value] of Object.entries(process.env))
    if (
      value !== undefined &&
      !/^(OPENAI|ANTHROPIC|AWS|RAMPART|DATABASE_URL|REDIS_URL)/.test(name) &&
      name !== 'NODE_TEST_CONTEXT'
    )
      env[name] = value;
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'packages/cli/src/main.ts'),
      'start',
      '--port',
      '0',
      '--data-dir',
      dir,
      '--no-notebooks',
    ],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = await new Promise<{ url: string; key: string }>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`rampart start did not come up:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`rampart start exited ${code}:\n${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /rampart gateway listening on (http:\/\/[^\s]+)/.exec(output);
      const firstKey = /FIRST START[^\n]*\n\*\s+(rk_[A-Za-z0-9]+)/.exec(output);
      if (listening && firstKey) {
        clearTimeout(timer);
        resolvePromise({ url: listening[1]!, key: firstKey[1]! });
      }
    });
  });
  ({ url, key } = started);
});

after(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('rampart start: thread, message, SSE to done through the gateway, usage in the ledger', async () => {
  assert.match(output, /threads API: http:\/\/127\.0\.0\.1:\d+\/v1\/threads/);
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const thread = await fetch(`${url}/v1/threads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ title: 'e2e' }),
  });
  assert.equal(thread.status, 201);
  const { id } = (await thread.json()) as { id: string };
  const post = await fetch(`${url}/v1/threads/${id}/messages`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': 'e2e-1' },
    body: JSON.stringify({ content: 'Say hello.' }),
  });
  assert.equal(post.status, 202);
  const { run } = (await post.json()) as { run: { id: string } };

  const events = await readRunEvents(`${url}/v1/runs/${run.id}/events`, {
    headers: { authorization: headers.authorization },
    signal: AbortSignal.timeout(30_000),
  });
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'run_started');
  assert.equal(types.at(-1), 'done', `events: ${types.join(', ')}\n${output}`);
  assert.deepEqual(
    events.map((e) => e.id),
    events.map((_, i) => i + 1),
  );
  const text = events.map((e) => (e.event.type === 'content' ? e.event.text : '')).join('');
  assert.ok(text.length > 0, 'the simulated model streamed an answer');
  const usage = events.find((e) => e.event.type === 'usage');
  assert.ok(usage?.event.type === 'usage' && Number(usage.event.costUsd) > 0, 'the step was priced');

  const messages = await fetch(`${url}/v1/threads/${id}/messages`, { headers });
  const { data } = (await messages.json()) as { data: Array<{ role: string; content: unknown }> };
  assert.deepEqual(
    data.map((m) => m.role),
    ['user', 'assistant'],
  );

  // The model call went through the gateway as the key's user: the ledger has it under this thread.
  let group: { group: string; requests: number } | undefined;
  for (let i = 0; i < 50 && group === undefined; i++) {
    const answer = await fetch(`${url}/v1/usage?group_by=thread`, { headers });
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { data: Array<{ group: string; requests: number }> };
    group = body.data.find((g) => g.group === id);
    if (group === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(group?.requests, 1);

  // Another caller (no key) cannot read the run.
  const anonymous = await fetch(`${url}/v1/runs/${run.id}`);
  assert.equal(anonymous.status, 401);
  await anonymous.text();
});
