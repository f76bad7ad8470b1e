// The manager's logic against the fake driver: fast, deterministic. The same behaviours against real bubblewrap
// kernels are in manager-real-driver.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@rampart/store';
import { testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { systemClock } from './manager-clock.js';
import { createSandboxManager, type SandboxManager } from './manager-sandbox-manager.js';
import type { SandboxManagerOptions } from './manager-options.js';
import { FakeClock } from './testing/manager-fake-clock.js';
import { createFakeDriver, type FakeDriver } from './testing/manager-fake-driver.js';

const text = (r: { outputs: Array<{ kind: string; data: Record<string, string> }> }): string =>
  r.outputs.map((o) => o.data['text/plain'] ?? '').join('');

describe('manager on SQLite with a fake driver', () => {
  let target: TestStoreUrl;
  let workRoot: string;
  const stores: Store[] = [];
  const managers: SandboxManager[] = [];

  const open = async (
    options: Partial<SandboxManagerOptions> & { driver: FakeDriver },
  ): Promise<SandboxManager> => {
    const store = await openStore({ url: target.url });
    stores.push(store);
    const manager = createSandboxManager({ store, workRoot, healthIntervalMs: 3_600_000, ...options });
    managers.push(manager);
    await manager.start();
    return manager;
  };

  before(() => {
    target = testSqliteUrl();
    workRoot = mkdtempSync(join(tmpdir(), 'rampart-work-'));
  });
  after(async () => {
    for (const m of managers) await m.close();
    for (const s of stores) await s.close();
    await target.cleanup();
    rmSync(workRoot, { recursive: true, force: true });
  });

  test('100 concurrent get-or-create calls through two managers start exactly one sandbox', async () => {
    const driver = createFakeDriver({ startDelayMs: 150 });
    const a = await open({ driver, peer: { token: 'secret' } });
    const b = await open({ driver, peer: { token: 'secret' } });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? a : b).runCell('t-cas', '1+1', { timeoutMs: 5000 }),
      ),
    );
    assert.equal(driver.starts.length, 1);
    assert.ok(results.every((r) => r.status === 'ok' && text(r) === '2'));
    // State lives in one kernel, whichever manager the caller went through.
    await a.runCell('t-cas', 'x = 41', { timeoutMs: 5000 });
    assert.equal(text(await b.runCell('t-cas', 'x', { timeoutMs: 5000 })), '41');
    const owner = a.localSandboxes().length === 1 ? a : b;
    const other = owner === a ? b : a;
    assert.equal(other.localSandboxes().length, 0);
    assert.equal((await other.acquire('t-cas')).location, 'remote');
  });

  test('an idle sandbox is stopped and freed; the next caller gets a new one and is told', async () => {
    const clock = new FakeClock();
    const driver = createFakeDriver();
    const m = await open({ driver, clock, idleTimeoutMs: 2 * 3600_000 });
    await m.runCell('t-idle', 'y = 1', { timeoutMs: 1000 });
    clock.advance(3600_000);
    await m.maintain();
    assert.equal(m.localSandboxes().length, 1, 'not idle long enough yet');
    clock.advance(3600_000 + 1);
    await m.maintain();
    assert.equal(m.localSandboxes().length, 0);
    assert.equal(driver.sandboxes[0]?.stopped, true);
    const row = await stores.at(-1)?.sandboxes.get('t-idle');
    assert.equal(row?.state, 'off');
    assert.equal(row?.pid, null);
    const next = await m.runCell('t-idle', 'y', { timeoutMs: 1000 });
    assert.equal(next.status, 'error', 'variables are gone');
    assert.match(next.notices.join(' '), /stopped after 2\.0 h without use/);
    assert.equal(driver.starts.length, 2);
    assert.equal(driver.starts[1]?.workDir, driver.starts[0]?.workDir, 'same work dir');
  });

  test('a frozen kernel fails its deep health check and is recovered; the next cell says state was lost', async () => {
    const driver = createFakeDriver();
    const m = await open({
      driver,
      clock: systemClock,
      healthIntervalMs: 1,
      healthTimeoutMs: 30,
      healthBackoffMs: 5,
    });
    await m.runCell('t-freeze', 'z = 3', { timeoutMs: 1000 });
    const first = driver.sandboxes.at(-1);
    assert.ok(first);
    first.frozen = true;
    await new Promise((r) => setTimeout(r, 5));
    await m.maintain();
    assert.equal(first.stopped, true);
    assert.equal(driver.starts.length, 2);
    const after = await m.runCell('t-freeze', 'z', { timeoutMs: 1000 });
    assert.equal(after.status, 'error');
    assert.match(after.notices.join(' '), /unhealthy \(3 health checks failed; the last: no heartbeat/);
    const again = await m.runCell('t-freeze', '1+1', { timeoutMs: 1000 });
    assert.deepEqual(again.notices, [], 'a notice is delivered once');
  });

  test('a kernel that dies while idle is restarted at once', async () => {
    const driver = createFakeDriver();
    const m = await open({ driver });
    await m.runCell('t-die', '1+1', { timeoutMs: 1000 });
    driver.sandboxes.at(-1)?.die();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(driver.starts.length, 2);
    const r = await m.runCell('t-die', '1+1', { timeoutMs: 1000 });
    assert.match(r.notices.join(' '), /ended unexpectedly \(exit code 137\)/);
  });

  test('the warm pool hands out pre-started sandboxes and binds the thread env', async () => {
    const driver = createFakeDriver();
    const m = await open({ driver, warmPoolSize: 2, env: (threadId) => ({ THREAD: threadId }) });
    await m.whenWarm();
    assert.equal(driver.starts.length, 2);
    const nb = await m.acquire('t-warm');
    assert.ok(!driver.starts.some((s) => s.threadId === 't-warm'), 'no cold start for the thread');
    const bound = driver.sandboxes[0];
    assert.ok(bound);
    assert.equal(m.localSandboxes()[0]?.sandboxId, bound.sandboxId);
    assert.equal((await nb.run('1+1', { timeoutMs: 1000 })).status, 'ok');
    await m.whenWarm();
    assert.equal(driver.starts.length, 3, 'refilled to two ready');
    // Restarting keeps the warm sandbox's work dir, now the thread's, and the thread's env.
    await nb.restart();
    const restarted = driver.starts.at(-1);
    assert.equal(restarted?.workDir, bound.spec.workDir);
    assert.deepEqual(restarted?.env, { THREAD: 't-warm' });
  });

  test('a thread left "starting" by a manager that died on this host is taken over at once', async () => {
    const driver = createFakeDriver();
    const m = await open({ driver, hostname: 'same-host', waitTimeoutMs: 10_000 });
    const store = stores.at(-1) as Store;
    const now = Date.now();
    // A manager that crashed mid-start: its lease is still valid, but its pid (above pid_max) is gone.
    await store.sandboxManagers.register({
      id: 'dead-mgr',
      hostname: 'same-host',
      endpoint: null,
      pid: 2 ** 22 + 7,
      startedAt: now,
      leaseExpiresAt: now + 60_000,
    });
    const stuck = await store.sandboxes.claim({
      id: 'thr-stuck',
      threadId: 't-stuck',
      userId: 'u',
      owner: 'dead-mgr',
      host: 'same-host',
      now,
      leaseMs: 60_000,
    });
    assert.equal(stuck?.state, 'starting');
    const started = Date.now();
    const r = await m.runCell('t-stuck', '1+1', { timeoutMs: 1000 });
    assert.equal(r.status, 'ok');
    assert.ok(Date.now() - started < 5_000, "did not wait for the dead owner's lease");
    assert.match(r.notices.join(' '), /the manager that ran it died/);
  });
});
