// The lifecycle manager: one sandbox per thread across any number of processes.
// - Creation is a compare-and-swap in the store (off → starting, owned by this instance under a lease); within one
//   process a single-flight map coalesces callers before they even reach the store.
// - Losers wait (polling with backoff) until the winner's sandbox runs, then reach it: in this process directly,
//   in another process by forwarding to the owner's peer endpoint (the owner serves what it started).
// - A maintenance pass renews leases, runs deep health checks, stops idle sandboxes, reconciles the store with live
//   processes and refills the warm pool.
import { join } from 'node:path';
import type { SandboxRecord } from '@rampart/store';
import type { RunningSandbox, SandboxSpec } from '../sandbox-driver.js';
import { sleep, type TimerHandle } from './manager-clock.js';
import { SandboxManagerError } from './manager-errors.js';
import { newId, threadWorkDirName } from './manager-ids.js';
import { LocalSandbox, type LocalSandboxContext } from './manager-local-sandbox.js';
import type { Notebook, NotebookCellResult, NotebookFileList, RunCellOptions } from './manager-notebook.js';
import {
  resolveManagerOptions,
  type ResolvedManagerOptions,
  type SandboxManagerOptions,
} from './manager-options.js';
import { PeerNotebook } from './manager-peer-notebook.js';
import { isProcessAlive } from './manager-process-tree.js';
import { startPeerServer, type PeerServer } from './manager-peer-server.js';
import { reconcileSandboxes, type ReconcileReport } from './manager-reconcile.js';
import {
  gatewayEnv,
  releaseThreadResources,
  type GatewayKey,
  type ThreadResources,
} from './manager-thread-resources.js';
import { WarmPool, type WarmSandbox } from './manager-warm-pool.js';

/** Who is asking, for per-user settings (env, later quotas). */
export interface AcquireOptions {
  userId?: string;
}

/** A thread's sandbox served by this process, as introspection sees it. */
export interface LocalSandboxInfo {
  threadId: string;
  sandboxId: string;
  pid: number;
  workDir: string;
  lastUsedAt: number;
}

/** One sandbox per thread: get-or-create, health, recovery, idle stop, reaping, warm pool. */
export interface SandboxManager {
  /** This instance's id (the `owner` of the sandboxes it runs). */
  readonly id: string;
  /** The URL other managers forward to, when peer serving is on. */
  readonly peerUrl: string | undefined;
  /** Registers the instance, reconciles the store with live processes (reaping orphans), starts maintenance. */
  start(): Promise<ReconcileReport>;
  /** Gets the thread's notebook, creating its sandbox if no one has; concurrent callers get the same one. */
  acquire(threadId: string, options?: AcquireOptions): Promise<Notebook>;
  /** Runs a cell in the thread's notebook (acquiring it), re-resolving the owner if it moved. */
  runCell(
    threadId: string,
    code: string,
    options: RunCellOptions & AcquireOptions,
  ): Promise<NotebookCellResult>;
  /** Restarts the thread's kernel (variables lost, files kept). */
  restart(threadId: string, options?: AcquireOptions): Promise<void>;
  /** Lists the thread's work dir as the kernel sees it. */
  listFiles(threadId: string, options?: AcquireOptions): Promise<NotebookFileList>;
  /** Stops the thread's sandbox if this instance runs it; true when it did. */
  stopThread(threadId: string, reason?: string): Promise<boolean>;
  /** Runs one maintenance pass now (the timer runs them on its own); resolves when it is done. */
  maintain(): Promise<void>;
  /** Sandboxes this instance serves. */
  localSandboxes(): LocalSandboxInfo[];
  /** Resolves when the warm pool is full (or a start failed). */
  whenWarm(): Promise<void>;
  /** Stops every sandbox of this instance and deregisters it. */
  close(): Promise<void>;
}

/** Creates a manager; call start() before use. */
export function createSandboxManager(options: SandboxManagerOptions): SandboxManager {
  return new Manager(resolveManagerOptions(options));
}

const RETRYABLE = new Set(['sandbox_not_owner', 'sandbox_lost_ownership']);

class Manager implements SandboxManager {
  readonly id: string;
  readonly #o: ResolvedManagerOptions;
  readonly #locals = new Map<string, LocalSandbox>();
  readonly #inflight = new Map<string, Promise<Notebook>>();
  readonly #ctx: LocalSandboxContext;
  readonly #pool: WarmPool | undefined;
  #peer: PeerServer | undefined;
  #timer: TimerHandle;
  #closed = false;
  #started = false;
  #lastLeaseRenewal = 0;
  #maintaining: Promise<void> | undefined;

  constructor(options: ResolvedManagerOptions) {
    this.#o = options;
    this.id = options.instanceId;
    this.#ctx = {
      driver: options.driver,
      store: options.store,
      clock: options.clock,
      ownerId: this.id,
      hostname: options.hostname,
      health: {
        timeoutMs: options.healthTimeoutMs,
        attempts: options.healthAttempts,
        backoffMs: options.healthBackoffMs,
      },
      log: options.log,
      onEnded: (sandbox) => {
        if (this.#locals.get(sandbox.threadId) === sandbox) this.#locals.delete(sandbox.threadId);
      },
    };
    this.#pool =
      options.warmPoolSize > 0
        ? new WarmPool(
            {
              driver: options.driver,
              store: options.store,
              clock: options.clock,
              ownerId: this.id,
              hostname: options.hostname,
              workRoot: options.workRoot,
              baseSpec: this.#baseSpec(),
              egress: options.egress,
              log: options.log,
            },
            options.warmPoolSize,
          )
        : undefined;
  }

  get peerUrl(): string | undefined {
    return this.#peer?.url;
  }

  async start(): Promise<ReconcileReport> {
    if (this.#started) throw new Error('start() was already called');
    this.#started = true;
    const peer = this.#o.peer;
    if (peer !== undefined) {
      this.#peer = await startPeerServer({
        host: peer.host ?? '127.0.0.1',
        port: peer.port ?? 0,
        token: peer.token,
        localNotebook: (threadId) => {
          const local = this.#locals.get(threadId);
          return local !== undefined && !local.ended ? local : undefined;
        },
      });
    }
    await this.#register();
    const report = await this.#reconcile();
    void this.#pool?.fill();
    this.#schedule();
    return report;
  }

  acquire(threadId: string, options: AcquireOptions = {}): Promise<Notebook> {
    if (this.#closed)
      return Promise.reject(new SandboxManagerError('manager_closed', 'the sandbox manager is closed'));
    const local = this.#locals.get(threadId);
    if (local !== undefined && !local.ended) return Promise.resolve(local);
    const pending = this.#inflight.get(threadId);
    if (pending !== undefined) return pending;
    const created = this.#acquire(threadId, options.userId ?? 'local').finally(() =>
      this.#inflight.delete(threadId),
    );
    this.#inflight.set(threadId, created);
    return created;
  }

  runCell(
    threadId: string,
    code: string,
    options: RunCellOptions & AcquireOptions,
  ): Promise<NotebookCellResult> {
    return this.#withNotebook(threadId, options, (nb) =>
      nb.run(code, { timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }),
    );
  }

  restart(threadId: string, options: AcquireOptions = {}): Promise<void> {
    return this.#withNotebook(threadId, options, (nb) => nb.restart());
  }

  listFiles(threadId: string, options: AcquireOptions = {}): Promise<NotebookFileList> {
    return this.#withNotebook(threadId, options, (nb) => nb.listFiles());
  }

  async stopThread(threadId: string, reason = 'was stopped on request'): Promise<boolean> {
    const local = this.#locals.get(threadId);
    if (local === undefined) return false;
    await local.stop(reason);
    return true;
  }

  async maintain(): Promise<void> {
    // A pass already running (the timer's) may have read the clock before the caller's view of "now": wait for it,
    // then run a fresh one.
    await this.#maintaining?.catch(() => undefined);
    this.#maintaining ??= this.#maintain(true).finally(() => (this.#maintaining = undefined));
    return this.#maintaining;
  }

  localSandboxes(): LocalSandboxInfo[] {
    return [...this.#locals.values()].map((l) => ({
      threadId: l.threadId,
      sandboxId: l.sandboxId,
      pid: l.pid,
      workDir: l.workDir,
      lastUsedAt: l.lastUsedAt,
    }));
  }

  async whenWarm(): Promise<void> {
    await this.#pool?.fill();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    await this.#maintaining?.catch(() => undefined);
    await this.#pool?.close();
    await Promise.all(
      [...this.#locals.values()].map((l) => l.stop('was stopped when its manager shut down')),
    );
    await this.#peer?.close();
    await this.#o.store.sandboxManagers.remove(this.id).catch(() => undefined);
  }

  async #withNotebook<T>(
    threadId: string,
    options: AcquireOptions,
    fn: (nb: Notebook) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const notebook = await this.acquire(threadId, options);
      try {
        return await fn(notebook);
      } catch (error) {
        // The owner changed under us (idle stop, takeover): resolve it again, a bounded number of times.
        if (attempt < 3 && error instanceof SandboxManagerError && RETRYABLE.has(error.code)) continue;
        throw error;
      }
    }
  }

  async #acquire(threadId: string, userId: string): Promise<Notebook> {
    const clock = this.#o.clock;
    const deadline = clock.now() + this.#o.waitTimeoutMs;
    let delay = 20;
    for (;;) {
      if (this.#closed) throw new SandboxManagerError('manager_closed', 'the sandbox manager is closed');
      const now = clock.now();
      const claimed = await this.#o.store.sandboxes.claim({
        id: newId('thr'),
        threadId,
        userId,
        owner: this.id,
        host: this.#o.hostname,
        now,
        leaseMs: this.#o.leaseMs,
      });
      if (claimed !== undefined) return this.#startClaimed(claimed, userId);
      const row = await this.#o.store.sandboxes.get(threadId);
      if (row?.state === 'running' && row.owner !== null) {
        const reached = await this.#reach(row);
        if (reached !== undefined) return reached;
      } else if (
        row !== undefined &&
        row.owner !== null &&
        row.owner !== this.id &&
        !(await this.#ownerAlive(row.owner))
      ) {
        // Its owner died mid-start (or mid-stop): free the slot now rather than waiting out the lease.
        await this.#reconcile([row.owner]);
        continue;
      }
      if (clock.now() >= deadline) {
        throw new SandboxManagerError(
          'sandbox_wait_timeout',
          `the sandbox of thread ${threadId} did not become ready within ${this.#o.waitTimeoutMs} ms (state ${row?.state ?? 'none'})`,
        );
      }
      // Backoff with jitter: a hundred waiters must not poll the store in lockstep.
      await sleep(clock, delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 400);
    }
  }

  // A running row owned by someone: serve it here, forward to its owner, or clear a dead owner out of the way.
  async #reach(row: SandboxRecord): Promise<Notebook | undefined> {
    const owner = row.owner as string;
    if (owner === this.id) {
      const local = this.#locals.get(row.threadId);
      if (local !== undefined && !local.ended) return local;
      // Ours on paper only (e.g. ended between the two reads): free the slot and claim again.
      await this.#o.store.sandboxes.update(
        { threadId: row.threadId, owner, generation: row.generation },
        { state: 'off', pid: null, sandboxId: null, error: 'ended unexpectedly' },
        this.#o.clock.now(),
      );
      return undefined;
    }
    const manager = await this.#o.store.sandboxManagers.get(owner);
    if (manager !== undefined && (await this.#ownerAlive(owner))) {
      if (manager.endpoint !== null) {
        return new PeerNotebook({
          threadId: row.threadId,
          endpoint: manager.endpoint,
          token: this.#o.peer?.token,
        });
      }
      throw new SandboxManagerError(
        'sandbox_owner_unreachable',
        `thread ${row.threadId} is served by manager ${owner}, which accepts no forwarded calls (peer serving is off)`,
      );
    }
    // Its owner is gone: reconciliation turns the row off (reaping what is left on this host), then we claim it.
    await this.#reconcile([owner]);
    return undefined;
  }

  // Alive = registered with an unexpired lease and, on this host, its process still exists.
  async #ownerAlive(owner: string): Promise<boolean> {
    const manager = await this.#o.store.sandboxManagers.get(owner);
    if (manager === undefined || manager.leaseExpiresAt < this.#o.clock.now()) return false;
    return manager.hostname !== this.#o.hostname || isProcessAlive(manager.pid);
  }

  async #startClaimed(claimed: SandboxRecord, userId: string): Promise<Notebook> {
    const threadId = claimed.threadId;
    const fence = { threadId, owner: this.id, generation: claimed.generation };
    const notices =
      claimed.error !== null
        ? [
            `A new sandbox was started for this thread: the previous one ${claimed.error}. Variables from earlier cells are gone; files in the work dir are kept.`,
          ]
        : [];
    const resources: ThreadResources = {};
    let env: Record<string, string> = {};
    let running: RunningSandbox;
    let workDir: string;
    let warm: WarmSandbox | undefined;
    try {
      const key: GatewayKey | undefined = await this.#o.mintGatewayKey?.(userId, threadId);
      if (key !== undefined) resources.key = key;
      env = { ...this.#o.env(threadId, userId), ...gatewayEnv(this.#o.gatewayUrl, key?.key) };
      warm = claimed.workDir === null ? this.#pool?.take() : undefined;
      if (warm !== undefined) {
        running = warm.running;
        workDir = warm.spec.workDir;
        if (warm.lease !== undefined) resources.lease = warm.lease;
        await resources.lease?.assign({ sandboxId: running.sandboxId, threadId, userId });
        await this.#bindWarm(warm, env);
      } else {
        workDir = claimed.workDir ?? join(this.#o.workRoot, threadWorkDirName(threadId));
        const sandboxId = newId('sbx');
        const lease = await this.#o.egress?.open({ sandboxId, threadId, userId });
        if (lease !== undefined) resources.lease = lease;
        running = await this.#o.driver.start({
          ...this.#spec(threadId, userId, env, workDir, resources),
          sandboxId,
        });
        await this.#o.store.sandboxProcesses.record({
          sandboxId,
          owner: this.id,
          hostname: this.#o.hostname,
          pid: running.pid,
          startedAt: this.#o.clock.now(),
        });
      }
    } catch (error) {
      if (warm !== undefined) {
        await warm.running.stop().catch(() => undefined);
        await this.#o.store.sandboxProcesses.remove(warm.running.sandboxId).catch(() => undefined);
      }
      await releaseThreadResources(resources, threadId, this.#o.log);
      const message = (error as Error).message;
      await this.#o.store.sandboxes
        .update(fence, { state: 'off', error: `failed to start: ${message}` }, this.#o.clock.now())
        .catch(() => undefined);
      throw new SandboxManagerError(
        'sandbox_start_failed',
        `cannot start the sandbox of ${threadId}: ${message}`,
        {
          cause: error,
        },
      );
    }
    const now = this.#o.clock.now();
    const fenced = await this.#o.store.sandboxes.update(
      fence,
      {
        state: 'running',
        pid: running.pid,
        sandboxId: running.sandboxId,
        workDir,
        host: this.#o.hostname,
        lastHealthAt: now,
        lastUsedAt: now,
        leaseExpiresAt: now + this.#o.leaseMs,
        error: null,
      },
      now,
      ['starting'],
    );
    if (!fenced) {
      await running.stop().catch(() => undefined);
      await releaseThreadResources(resources, threadId, this.#o.log);
      await this.#o.store.sandboxProcesses.remove(running.sandboxId).catch(() => undefined);
      throw new SandboxManagerError(
        'sandbox_lost_ownership',
        `another manager took over ${threadId} while it started`,
      );
    }
    const local = new LocalSandbox(this.#ctx, {
      threadId,
      generation: claimed.generation,
      spec: this.#spec(threadId, userId, env, workDir, resources),
      running,
      notices,
      resources,
    });
    this.#locals.set(threadId, local);
    this.#o.log('sandbox_started', {
      threadId,
      pid: running.pid,
      warm: warm !== undefined,
      generation: claimed.generation,
    });
    return local;
  }

  #spec(
    threadId: string,
    userId: string,
    env: Record<string, string>,
    workDir: string,
    resources: ThreadResources,
  ): Omit<SandboxSpec, 'sandboxId'> {
    return {
      ...this.#baseSpec(),
      threadId,
      userId,
      env: { ...env },
      workDir,
      ...(resources.lease === undefined ? {} : { egressProxySocket: resources.lease.socketPath }),
    };
  }

  // A warm kernel was started before its thread existed: the thread's env arrives through one cell. Its work dir
  // is the warm sandbox's own, recorded as the thread's from now on.
  async #bindWarm(warm: WarmSandbox, env: Record<string, string>): Promise<void> {
    if (Object.keys(env).length === 0) return;
    const code = `import os as _rampart_os, json as _rampart_json\n_rampart_os.environ.update(_rampart_json.loads(${JSON.stringify(JSON.stringify(env))}))\ndel _rampart_os, _rampart_json`;
    const result = await warm.running.kernel.execute(code, { timeoutMs: 10_000 });
    if (result.status !== 'ok') throw new Error(`binding a warm sandbox failed (${result.status})`);
  }

  #baseSpec(): Omit<SandboxSpec, 'sandboxId' | 'threadId' | 'userId' | 'workDir'> {
    return { limits: this.#o.limits, env: {} };
  }

  async #register(): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.sandboxManagers.register({
      id: this.id,
      hostname: this.#o.hostname,
      endpoint: this.#o.peer?.advertiseUrl ?? this.#peer?.url ?? null,
      pid: process.pid,
      startedAt: now,
      leaseExpiresAt: now + this.#o.leaseMs,
    });
    this.#lastLeaseRenewal = now;
  }

  #reconcile(suspects: string[] = []): Promise<ReconcileReport> {
    const live = new Set<string>([...this.#locals.values()].map((l) => l.sandboxId));
    return reconcileSandboxes({
      store: this.#o.store,
      ownerId: this.id,
      hostname: this.#o.hostname,
      now: this.#o.clock.now(),
      liveSandboxIds: live,
      suspects,
      log: this.#o.log,
    });
  }

  async #maintain(waitForHealth: boolean): Promise<void> {
    if (this.#closed) return;
    const clock = this.#o.clock;
    const now = clock.now();
    if (now - this.#lastLeaseRenewal >= this.#o.leaseMs / 3) {
      // Renew first: a slow health check below must never let our leases lapse.
      const until = now + this.#o.leaseMs;
      if (!(await this.#o.store.sandboxManagers.renew(this.id, until))) await this.#register();
      await this.#o.store.sandboxes.renewLeases(this.id, until, now);
      this.#lastLeaseRenewal = now;
      // Anything we run that the store no longer says is ours (taken over after a long pause) must stop.
      const owned = new Set(
        (await this.#o.store.sandboxes.listOwned(this.id)).map((r) => `${r.threadId}#${r.generation}`),
      );
      for (const local of this.#locals.values()) {
        if (!owned.has(`${local.threadId}#${local.generation}`)) await local.stop('lost ownership');
      }
      await this.#reconcile();
    }
    const checks: Array<Promise<void>> = [];
    for (const local of [...this.#locals.values()]) {
      if (now - local.lastUsedAt >= this.#o.idleTimeoutMs) {
        await local.stop(`was stopped after ${formatDuration(now - local.lastUsedAt)} without use`);
      } else if (now - local.lastHealthAt >= this.#o.healthIntervalMs) {
        checks.push(
          local
            .checkHealth()
            .catch((error: unknown) =>
              this.#o.log('health_check_failed', { threadId: local.threadId, error }),
            ),
        );
      }
    }
    if (waitForHealth) await Promise.all(checks);
    void this.#pool?.fill();
  }

  #schedule(): void {
    if (this.#closed) return;
    const o = this.#o;
    const every = Math.max(50, Math.min(o.healthIntervalMs, o.leaseMs / 3, o.idleTimeoutMs) / 2);
    this.#timer = o.clock.setTimeout(() => {
      this.#maintaining ??= this.#maintain(false).finally(() => (this.#maintaining = undefined));
      void this.#maintaining
        .catch((error: unknown) => o.log('maintenance_failed', { error }))
        .finally(() => this.#schedule());
    }, every);
  }
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}
