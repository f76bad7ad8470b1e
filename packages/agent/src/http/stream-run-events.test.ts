// Live streams get their events from memory: a client that opens the stream right after posting receives every
// event of the run in order, exactly as stored, while the store is read only to catch up (at open), not once per
// event. And many runs' events are written in shared transactions (the worker's batcher), not one per event.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore, type RunEventQueries, type Store } from '@rampart/store';
import { testSqliteUrl } from '@rampart/store/testing';
import type { ScriptedTurn } from '../model/agent-scripted-model.js';
import { readRunEvents } from '../testing/runs-sse-client.js';
import { startThreadsTestServer } from '../testing/runs-test-server.js';

const SCRIPT: ScriptedTurn[] = [
  { text: ['Looking ', 'at ', 'it.'], toolCalls: [{ id: 'c1', name: 'count', input: { label: 'x' } }] },
  { text: ['The ', 'answer ', 'is ', '42', '.'] },
];

test('live SSE readers are fed from memory; appends of concurrent runs share transactions', async () => {
  const target = testSqliteUrl();
  const real = await openStore({ url: target.url });
  const calls = { list: 0, appendMany: 0, appendManyRuns: 0 };
  const runEvents: RunEventQueries = {
    ...real.runEvents,
    list: (...args) => {
      calls.list += 1;
      return real.runEvents.list(...args);
    },
    appendMany: (batches) => {
      calls.appendMany += 1;
      calls.appendManyRuns += batches.length;
      return real.runEvents.appendMany(batches);
    },
  };
  const store: Store = { ...real, runEvents };
  // Each step's model call waits, so every stream is open before its run emits most events.
  const server = await startThreadsTestServer(store, SCRIPT, {
    model: { delays: { 1: 150, 2: 50 } },
    ssePollMs: 60_000,
  });
  try {
    const runs = 8;
    const streams = await Promise.all(
      Array.from({ length: runs }, async (_, i) => {
        const headers = { authorization: `Bearer key-u${i}`, 'content-type': 'application/json' };
        const thread = await fetch(`${server.url}/v1/threads`, { method: 'POST', headers, body: '{}' });
        const { id } = (await thread.json()) as { id: string };
        const post = await fetch(`${server.url}/v1/threads/${id}/messages`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ content: 'go' }),
        });
        const { run } = (await post.json()) as { run: { id: string } };
        const events = await readRunEvents(`${server.url}/v1/runs/${run.id}/events`, {
          headers: { authorization: headers.authorization },
          signal: AbortSignal.timeout(10_000),
        });
        return { runId: run.id, events };
      }),
    );
    let total = 0;
    for (const { runId, events } of streams) {
      assert.equal(events.at(-1)?.type, 'done');
      const stored = await real.runEvents.list(runId, 0);
      assert.deepEqual(
        events.map((e) => [e.id, e.type, e.event.at]),
        stored.map((e) => [e.seq, e.type, e.at]),
        'the live stream is exactly the stored one',
      );
      total += events.length;
    }
    // One catch-up read per stream at open (a poll never fired: 60 s); everything after came from memory.
    assert.ok(calls.list <= runs, `store reads: ${calls.list} for ${total} events of ${runs} streams`);
    // Fewer transactions than run-shares: the batcher put several runs' events in one.
    assert.ok(calls.appendMany > 0);
    assert.ok(
      calls.appendMany < calls.appendManyRuns,
      `${calls.appendMany} transactions for ${calls.appendManyRuns} run-shares`,
    );
  } finally {
    await server.close();
    await real.close();
    await target.cleanup();
  }
});
