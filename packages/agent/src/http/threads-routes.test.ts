import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@rampart/store';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import type { ScriptedTurn } from '../model/agent-scripted-model.js';
import { readRunEvents } from '../testing/runs-sse-client.js';
import { startThreadsTestServer, type ThreadsTestServer } from '../testing/runs-test-server.js';

// Step 1 calls the counting tool, step 2 answers in three chunks.
const SCRIPT: ScriptedTurn[] = [
  { text: 'Let me count.', toolCalls: [{ id: 'call_s1', name: 'count', input: { label: 'one' } }] },
  { text: ['Counted ', 'once', '.'] },
];

const auth = (user: string) => ({ authorization: `Bearer key-${user}` });

async function api(
  base: string,
  method: string,
  path: string,
  options: { user?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.user === undefined ? {} : auth(options.user)),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

async function waitForStatus(s: ThreadsTestServer, runId: string, status: string, user = 'alice') {
  for (let i = 0; i < 200; i++) {
    const run = await api(s.url, 'GET', `/v1/runs/${runId}`, { user });
    if (run.body?.status === status) return run.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${runId} never reached ${status}`);
}

for (const [dialect, fresh] of [
  ['sqlite', testSqliteUrl],
  ['postgres', testPostgresUrl],
] as Array<[string, () => TestStoreUrl]>) {
  describe(`threads API on ${dialect}`, () => {
    let target: TestStoreUrl;
    let store: Store;
    let s: ThreadsTestServer;
    before(async () => {
      target = fresh();
      store = await openStore({ url: target.url });
      s = await startThreadsTestServer(store, SCRIPT, { model: { delays: { 2: 150 } } });
    });
    after(async () => {
      await s.close();
      await store.close();
      await target.cleanup();
    });

    test('browser, phone and retry post one message with one Idempotency-Key: one run, one message', async () => {
      const thread = await api(s.url, 'POST', '/v1/threads', {
        user: 'alice',
        body: { title: 'three devices' },
      });
      assert.equal(thread.status, 201);
      const id = thread.body.id as string;
      const posts = await Promise.all(
        [0, 1, 2].map(() =>
          api(s.url, 'POST', `/v1/threads/${id}/messages`, {
            user: 'alice',
            body: { content: 'Count once, please.' },
            headers: { 'idempotency-key': 'device-key-1' },
          }),
        ),
      );
      assert.deepEqual(posts.map((p) => p.status).sort(), [200, 200, 202]);
      const runIds = new Set(posts.map((p) => p.body.run.id as string));
      assert.equal(runIds.size, 1, 'all three got the same run id');
      assert.equal(posts.filter((p) => p.headers.get('idempotent-replayed') === 'true').length, 2);
      const runId = [...runIds][0]!;
      const events = await readRunEvents(`${s.url}/v1/runs/${runId}/events`, { headers: auth('alice') });
      assert.equal(events.at(-1)?.type, 'done');
      assert.equal(s.tools.counts.get('one'), 1, 'the tool ran once for the three posts');
      const messages = await api(s.url, 'GET', `/v1/threads/${id}/messages`, { user: 'alice' });
      assert.deepEqual(
        messages.body.data.map((m: { role: string; run_id: string }) => [m.role, m.run_id]),
        [
          ['user', runId],
          ['assistant', runId],
          ['user', runId],
          ['assistant', runId],
        ],
      );
      assert.deepEqual(messages.body.data[3].content, [{ type: 'text', text: 'Counted once.' }]);
      s.tools.counts.clear();
    });

    test('a user sees only their own threads and runs (404 otherwise); no key is a 401', async () => {
      const thread = await api(s.url, 'POST', '/v1/threads', { user: 'alice' });
      const id = thread.body.id as string;
      const post = await api(s.url, 'POST', `/v1/threads/${id}/messages`, {
        user: 'alice',
        body: { content: 'hi' },
      });
      const runId = post.body.run.id as string;
      assert.equal((await api(s.url, 'GET', `/v1/threads/${id}`, { user: 'alice' })).status, 200);
      for (const [method, path, body] of [
        ['GET', `/v1/threads/${id}`],
        ['GET', `/v1/threads/${id}/messages`],
        ['POST', `/v1/threads/${id}/messages`, { content: 'mine now' }],
        ['GET', `/v1/runs/${runId}`],
        ['GET', `/v1/runs/${runId}/events`],
        ['POST', `/v1/runs/${runId}/cancel`],
      ] as Array<[string, string, unknown]>) {
        const r = await api(s.url, method, path, { user: 'bob', body });
        assert.equal(r.status, 404, `${method} ${path} as bob`);
        assert.equal(r.body.error.code, 'not_found');
      }
      const anonymous = await api(s.url, 'GET', `/v1/threads/${id}`);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.body.error.code, 'authentication_failed');
      await waitForStatus(s, runId, 'completed');
    });

    test('SSE resumed from Last-Event-ID, mid-run and after the end, loses and duplicates nothing', async () => {
      const thread = await api(s.url, 'POST', '/v1/threads', { user: 'alice' });
      const post = await api(s.url, 'POST', `/v1/threads/${thread.body.id}/messages`, {
        user: 'alice',
        body: { content: 'stream it' },
      });
      const url = `${s.url}/v1/runs/${post.body.run.id}/events`;
      // Drop the connection after 3 events (the run is still going: step 2 waits 150 ms), then resume, twice.
      const first = await readRunEvents(url, { headers: auth('alice'), maxEvents: 3 });
      const second = await readRunEvents(url, {
        headers: { ...auth('alice'), 'last-event-id': String(first.at(-1)!.id) },
        maxEvents: 4,
      });
      const rest = await readRunEvents(url, {
        headers: { ...auth('alice'), 'last-event-id': String(second.at(-1)!.id) },
      });
      const joined = [...first, ...second, ...rest];
      const stored = await store.runEvents.list(post.body.run.id, 0);
      assert.deepEqual(
        joined.map((e) => e.id),
        stored.map((e) => e.seq),
        'the three connections together are exactly the stored stream',
      );
      assert.deepEqual(
        joined.map((e) => e.id),
        joined.map((_, i) => i + 1),
      );
      assert.equal(joined.at(-1)?.type, 'done');
      const types = joined.map((e) => e.type);
      assert.ok(types.includes('tool_result') && types.includes('content') && types.includes('status'));
      assert.deepEqual(
        joined.filter((e) => e.type === 'content').map((e) => (e.event as { text: string }).text),
        ['Let me count.', 'Counted ', 'once', '.'],
      );
      // After the end, resuming from the last id returns nothing and ends at once; from 0 it replays all.
      assert.deepEqual(
        await readRunEvents(url, {
          headers: { ...auth('alice'), 'last-event-id': String(joined.at(-1)!.id) },
        }),
        [],
      );
      assert.equal((await readRunEvents(`${url}?after=0`, { headers: auth('alice') })).length, joined.length);
    });

    test('a different message while a run is going is a 409; a key reused for other content is a 409', async () => {
      const thread = await api(s.url, 'POST', '/v1/threads', { user: 'alice' });
      const path = `/v1/threads/${thread.body.id}/messages`;
      const first = await api(s.url, 'POST', path, {
        user: 'alice',
        body: { content: 'first' },
        headers: { 'idempotency-key': 'k-first' },
      });
      const busy = await api(s.url, 'POST', path, { user: 'alice', body: { content: 'second' } });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.code, 'run_in_progress');
      assert.equal(busy.body.error.run_id, first.body.run.id);
      const reused = await api(s.url, 'POST', path, {
        user: 'alice',
        body: { content: 'not the first' },
        headers: { 'idempotency-key': 'k-first' },
      });
      assert.equal(reused.status, 409);
      assert.equal(reused.body.error.code, 'idempotency_key_reused');
      const bad = await api(s.url, 'POST', path, { user: 'alice', body: { content: 42 } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /^content/);
      await waitForStatus(s, first.body.run.id, 'completed');
    });

    test('cancel: the stream ends with a run_cancelled error and the run is cancelled', async () => {
      const thread = await api(s.url, 'POST', '/v1/threads', { user: 'alice' });
      const post = await api(s.url, 'POST', `/v1/threads/${thread.body.id}/messages`, {
        user: 'alice',
        body: { content: 'cancel me' },
      });
      const runId = post.body.run.id as string;
      const streaming = readRunEvents(`${s.url}/v1/runs/${runId}/events`, { headers: auth('alice') });
      // Wait until step 1's tool ran (step 2 then waits 150 ms), then cancel.
      for (
        let i = 0;
        i < 200 && !(await store.runEvents.list(runId, 0)).some((e) => e.type === 'tool_result');
        i++
      )
        await new Promise((r) => setTimeout(r, 10));
      const cancel = await api(s.url, 'POST', `/v1/runs/${runId}/cancel`, { user: 'alice' });
      assert.equal(cancel.status, 202);
      const events = await streaming;
      assert.equal(events.at(-1)?.type, 'error');
      assert.equal((events.at(-1)?.event as { code: string }).code, 'run_cancelled');
      const run = await waitForStatus(s, runId, 'cancelled');
      assert.equal(run.error.code, 'run_cancelled');
      // The thread takes the next message.
      const next = await api(s.url, 'POST', `/v1/threads/${thread.body.id}/messages`, {
        user: 'alice',
        body: { content: 'again' },
      });
      assert.equal(next.status, 202);
      await waitForStatus(s, next.body.run.id, 'completed');
    });
  });
}
