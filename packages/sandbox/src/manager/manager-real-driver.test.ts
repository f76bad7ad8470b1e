// The lifecycle manager against real bubblewrap kernels (and, for orphans, the unsafe local driver, whose kernels do
// not die with their parent): cross-process CAS on PostgreSQL, SIGSTOP recovery, idle reaping, orphan reaping.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@rampart/store';
import { testPostgresUrl, testSqliteUrl, type TestStoreUrl } from '@rampart/store/testing';
import { createBubblewrapDriver } from '../drivers/drivers-bubblewrap-driver.js';
import type { SandboxDriver } from '../sandbox-driver.js';
import { createSandboxManager, type SandboxManager } from './manager-sandbox-manager.js';
import { isProcessAlive, processTree, signalProcessTree } from './manager-process-tree.js';
import { FakeClock } from './testing/manager-fake-clock.js';
import { countStarts } from './testing/manager-counting-driver.js';

const WORKER = fileURLToPath(new URL('./__fixtures__/manager-worker.ts', import.meta.url));
const text = (r: { outputs: Array<{ data: Record<string, string> }> }): string =>
  r.outputs.map((o) => o.data['text/plain'] ?? '').join('');

interface Worker {
  child: ChildProcess;
  next(): Promise<Record<string, unknown>>;
  send(line: string): void;
}

function startWorker(args: string[]): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return {
    child,
    next: () =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued);
        waiting.push(resolve);
        child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      }),
    send: (line) => child.stdin?.write(`${line}\n`),
  };
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('manager with real kernels', () => {
  let dir: string;
  const cleanups: Array<() => Promise<void>> = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-mgr-'));
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function localManager(
    target: TestStoreUrl,
    options: Partial<Parameters<typeof createSandboxManager>[0]> = {},
    driver: SandboxDriver = createBubblewrapDriver({ runtimeDir: join(dir, 'run') }),
  ): Promise<{ manager: SandboxManager; store: Store }> {
    const store = await openStore({ url: target.url });
    const manager = createSandboxManager({ store, driver, workRoot: join(dir, 'work'), ...options });
    cleanups.push(async () => {
      await manager.close();
      await store.close();
    });
    await manager.start();
    return { manager, store };
  }

  test('100 concurrent get-or-create calls from two processes sharing PostgreSQL start exactly one sandbox', async () => {
    const target = testPostgresUrl();
    cleanups.push(() => target.cleanup());
    const startsFile = join(dir, 'cas-starts.log');
    const args = ['--mode', 'cas', '--store', target.url, '--work-root', join(dir, 'work'), '--runtime-dir'];
    const workers = [1, 2].map(() =>
      startWorker([
        ...args,
        join(dir, 'run'),
        '--starts-file',
        startsFile,
        '--thread',
        't-cas-pg',
        '--calls',
        '50',
      ]),
    );
    try {
      await Promise.all(workers.map((w) => w.next())); // ready
      for (const w of workers) w.send('go');
      const reports = await Promise.all(workers.map((w) => w.next()));
      const starts = readFileSync(startsFile, 'utf8').trim().split('\n');
      assert.equal(starts.length, 1, `driver.start() calls across both processes: ${starts.join(' | ')}`);
      assert.deepEqual(
        reports.map((r) => r.ok),
        [50, 50],
        JSON.stringify(reports),
      );
      assert.equal(
        reports.filter((r) => r.owner === true).length,
        1,
        'one process owns it, the other forwards',
      );
      const kernels = new Set(reports.flatMap((r) => r.kernelPids as string[]));
      assert.equal(kernels.size, 1, 'every call reached the same kernel');
    } finally {
      for (const w of workers) w.send('exit');
      await Promise.all(
        workers.map(
          (w) => new Promise((r) => (w.child.exitCode !== null ? r(null) : w.child.once('exit', r))),
        ),
      );
    }
  });

  test('100 concurrent calls through two managers sharing one SQLite file start exactly one sandbox', async () => {
    const target = testSqliteUrl();
    cleanups.push(() => target.cleanup());
    const driver = countStarts(createBubblewrapDriver({ runtimeDir: join(dir, 'run') }));
    const a = await localManager(target, { peer: { token: 't' } }, driver);
    const b = await localManager(target, { peer: { token: 't' } }, driver);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).manager.runCell('t-cas-sqlite', 'import os\nos.getpid()', { timeoutMs: 60_000 }),
      ),
    );
    assert.equal(driver.startCount, 1);
    assert.equal(new Set(results.map(text)).size, 1);
  });

  test('a kernel frozen with SIGSTOP is found unhealthy and recovered within 60 s, and the caller is told', async () => {
    const target = testSqliteUrl();
    cleanups.push(() => target.cleanup());
    const { manager } = await localManager(target, {
      healthIntervalMs: 2_000,
      healthTimeoutMs: 1_000,
      healthBackoffMs: 250,
    });
    await manager.runCell('t-stop', 'v = 7', { timeoutMs: 30_000 });
    const [before] = manager.localSandboxes();
    assert.ok(before);
    const frozen = signalProcessTree(before.pid, 'SIGSTOP');
    assert.ok(frozen.length >= 2, 'bwrap and the kernel inside');
    const started = Date.now();
    // The maintenance timer alone must notice and recover: nobody calls in the meantime.
    await until(() => manager.localSandboxes()[0]?.pid !== before.pid, 60_000);
    assert.ok(Date.now() - started < 60_000);
    for (const pid of frozen) assert.equal(isProcessAlive(pid), false, `frozen process ${pid} was killed`);
    const after = await manager.runCell('t-stop', 'v', { timeoutMs: 30_000 });
    assert.equal(after.status, 'error');
    assert.match(after.outputs.map((o) => o.error?.ename ?? '').join(), /NameError/);
    assert.match(after.notices.join(' '), /found unhealthy .*no heartbeat/);
    assert.match(after.notices.join(' '), /Variables, imports and definitions from earlier cells are lost/);
    assert.equal(text(await manager.runCell('t-stop', '6*7', { timeoutMs: 30_000 })), '42');
  });

  test('an idle sandbox is stopped and everything it held is freed', async () => {
    const target = testSqliteUrl();
    cleanups.push(() => target.cleanup());
    const clock = new FakeClock(Date.now());
    const { manager, store } = await localManager(target, {
      clock,
      idleTimeoutMs: 60_000,
      hostname: 'idle-host',
    });
    await manager.runCell('t-idle', 'w = 1', { timeoutMs: 30_000 });
    const [sandbox] = manager.localSandboxes();
    assert.ok(sandbox && isProcessAlive(sandbox.pid));
    const tree = processTree(sandbox.pid);
    clock.advance(60_001);
    await manager.maintain();
    assert.deepEqual(manager.localSandboxes(), []);
    for (const pid of tree) assert.equal(isProcessAlive(pid), false);
    assert.equal(existsSync(join(dir, 'run', sandbox.sandboxId)), false, 'runtime dir removed');
    const row = await store.sandboxes.get('t-idle');
    assert.equal(row?.state, 'off');
    assert.deepEqual(await store.sandboxProcesses.listOnHost('idle-host'), []);
  });

  for (const driverName of ['unsafe-local', 'bubblewrap']) {
    test(`orphans of a manager killed with SIGKILL are reaped at the next start (${driverName})`, async () => {
      const target = testSqliteUrl();
      cleanups.push(() => target.cleanup());
      const worker = startWorker([
        '--mode',
        'hold',
        '--store',
        target.url,
        '--work-root',
        join(dir, 'work'),
        '--runtime-dir',
        join(dir, 'run'),
        '--driver',
        driverName,
        '--thread',
        `t-orphan-${driverName}`,
      ]);
      await worker.next(); // ready
      const held = await worker.next();
      const pid = held.pid as number;
      const tree = processTree(pid);
      assert.ok(tree.length >= 1);
      worker.child.kill('SIGKILL');
      await new Promise((r) => worker.child.once('exit', r));
      if (driverName === 'unsafe-local') {
        // The point of the test: without reaping, this kernel would live on.
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(isProcessAlive(pid), true, 'the orphan survived its manager');
      }
      const { manager, store } = await localManager(target);
      for (const p of tree) await until(() => !isProcessAlive(p), 5_000);
      const row = await store.sandboxes.get(`t-orphan-${driverName}`);
      assert.equal(row?.state, 'off');
      assert.equal(row?.error, 'ended because the manager that ran it died');
      const next = await manager.runCell(`t-orphan-${driverName}`, 'held', { timeoutMs: 30_000 });
      assert.equal(next.status, 'error');
      assert.match(next.notices.join(' '), /the previous one ended because the manager that ran it died/);
    });
  }
});
