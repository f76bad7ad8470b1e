// Crash then resume: a worker process runs a run until the first tool call completed (and was checkpointed), is
// killed with SIGKILL while its next model call is in flight, and a second worker process finishes the run.
// Each tool call must have executed exactly once, in embedded mode (SQLite, in-process queue fed by the recovery
// sweep) and with BullMQ on a real Redis (PostgreSQL store; the dead worker's job comes back through BullMQ's
// stalled-job handling, the sweep is off).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { openStore, type Store } from '@rampart/store';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { createBullmqRunQueue } from './bullmq-run-queue.js';
import { createInProcessRunSignals } from './run-signals.js';
import { createRunService } from './run-service.js';
import type { RunQueue } from './run-queue.js';

const FIXTURE = join(import.meta.dirname, '__fixtures__', 'run-worker-process.ts');
const REDIS_URL = process.env.RAMPART_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_MS = 1500;

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function crashThenResume(store: Store, queue: RunQueue, workerEnv: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'rampart-crash-'));
  const countFile = join(dir, 'count.log');
  const env = { ...workerEnv, COUNT_FILE: countFile, LEASE_MS: String(LEASE_MS) };
  const children: ChildProcess[] = [];
  try {
    const service = createRunService({ store, queue, signals: createInProcessRunSignals() });
    const caller = { userId: 'u-crash', teamId: null };
    const thread = await service.createThread(caller, null);
    const posted = await service.postMessage(
      caller,
      thread.id,
      [{ type: 'text', text: 'count a then b' }],
      'k',
    );
    assert.equal(posted.kind, 'started');
    const runId = posted.kind === 'started' ? posted.run.id : '';

    const first = await startWorker({ ...env, SLOW_STEP: '2' });
    children.push(first);
    // Step 1's tool result is checkpointed, and step 2's model call has begun (its status event is stored).
    await until('the first tool call to be checkpointed', async () => {
      const run = await store.runs.get(runId);
      // The loop keeps a completed call's result in the conversation (toolResults holds only a step's partial ones).
      const checkpointed = run?.checkpointJson?.includes('"toolCallId":"call_a"') ?? false;
      const events = await store.runEvents.list(runId, 0);
      const generatingStep2 = events.some((e) => e.type === 'status' && e.bodyJson.includes('"step":2'));
      return checkpointed && generatingStep2 ? true : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    assert.equal((await store.runs.get(runId))?.status, 'running', 'the dead worker left the run mid-way');
    assert.deepEqual(readFileSync(countFile, 'utf8').split('\n').filter(Boolean), ['a']);

    const second = await startWorker(env);
    children.push(second);
    const done = await until('the run to complete', async () => {
      const run = await store.runs.get(runId);
      return run?.status === 'completed' ? run : undefined;
    });
    assert.equal(done.claims, 2, 'claimed by the first worker, then once by the second');

    const executions = readFileSync(countFile, 'utf8').split('\n').filter(Boolean).sort();
    assert.deepEqual(executions, ['a', 'b'], 'each tool call executed exactly once');

    const events = await store.runEvents.list(runId, 0);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'the stream has no gap and no duplicate seq',
    );
    const toolResults = events
      .filter((e) => e.type === 'tool_result')
      .map((e) => JSON.parse(e.bodyJson).toolCallId);
    assert.deepEqual(toolResults, ['call_a', 'call_b'], 'each tool result reported once');
    assert.equal(events.at(-1)?.type, 'done');
    assert.equal(events.filter((e) => e.type === 'run_started').length, 1, 'the run is announced once');
    // The resume notice marks what the dead worker streamed after its last checkpoint (step 2's start) as
    // superseded; without those seqs the stream tells each step exactly once.
    const notices = events.filter((e) => e.type === 'notice' && e.bodyJson.includes('run_resumed'));
    assert.equal(notices.length, 1);
    const { supersedes } = JSON.parse(notices[0]!.bodyJson) as {
      supersedes?: { fromSeq: number; toSeq: number };
    };
    assert.ok(supersedes !== undefined, 'the interrupted step had streamed events');
    assert.equal(supersedes.toSeq, notices[0]!.seq - 1);
    const superseded = events.filter((e) => e.seq >= supersedes.fromSeq && e.seq <= supersedes.toSeq);
    assert.ok(superseded.some((e) => e.type === 'status' && e.bodyJson.includes('"step":2')));
    assert.ok(
      superseded.every((e) => !e.bodyJson.includes('"step":1')),
      'nothing checkpointed is superseded',
    );
    const seen = events
      .filter((e) => e.seq < supersedes.fromSeq || e.seq > supersedes.toSeq)
      .filter((e) => e.type === 'status' || e.type === 'content' || e.type === 'tool_call')
      .map((e) => {
        const body = JSON.parse(e.bodyJson) as { step: number; text?: string; status?: string };
        return `${e.type}:${body.step}:${body.status ?? body.text ?? ''}`;
      });
    assert.equal(new Set(seen).size, seen.length, `no step's event twice: ${seen.join(' | ')}`);
    const messages = await store.messages.list(thread.id);
    assert.deepEqual(
      messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user', 'assistant'],
    );
    assert.equal(messages.at(-1)?.contentJson, JSON.stringify([{ type: 'text', text: 'All counted.' }]));
  } finally {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('crash (kill -9) then resume: no step executed twice', () => {
  test('embedded: SQLite and the in-process queue, recovered by the sweep', async () => {
    const target: TestStoreUrl = testSqliteUrl();
    const store = await openStore({ url: target.url });
    // The API process of embedded mode is the worker itself; here the run is queued in the store only, which is
    // exactly what a restarted embedded process finds.
    const queue: RunQueue = {
      enqueue: async () => undefined,
      process: () => undefined,
      close: async () => undefined,
    };
    try {
      await crashThenResume(store, queue, { STORE_URL: target.url });
    } finally {
      await store.close();
      await target.cleanup();
    }
  });

  test('BullMQ on Redis with PostgreSQL: the dead worker’s job comes back to a live worker', async () => {
    const target = testPostgresUrl();
    const store = await openStore({ url: target.url });
    const queueName = `rampart-test-${randomBytes(4).toString('hex')}`;
    const queue = createBullmqRunQueue({ url: REDIS_URL, name: queueName });
    try {
      await crashThenResume(store, queue, {
        STORE_URL: target.url,
        REDIS_URL,
        QUEUE_NAME: queueName,
        // No sweep: recovery must come from BullMQ's stalled-job handling.
        SWEEP_MS: '600000',
      });
    } finally {
      await queue.close();
      await store.close();
      await target.cleanup();
    }
  });
});
