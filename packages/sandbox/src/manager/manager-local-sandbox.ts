// One thread's sandbox served by this manager: serializes cells, carries notices to the next caller, runs the deep
// health check and recovers (a fresh kernel in the same work dir) when the kernel is frozen, dead or gone.
import type { Store } from '@rampart/store';
import type { RunningSandbox, SandboxDriver, SandboxSpec } from '../sandbox-driver.js';
import type { Clock } from './manager-clock.js';
import { SandboxManagerError } from './manager-errors.js';
import { probeKernelHealth } from './manager-health-probe.js';
import { newId } from './manager-ids.js';
import { listWorkDirFiles } from './manager-list-files.js';
import type { Notebook, NotebookCellResult, NotebookFileList, RunCellOptions } from './manager-notebook.js';
import { releaseThreadResources, type ThreadResources } from './manager-thread-resources.js';

const TOUCH_EVERY_MS = 10_000;

/** What a local sandbox needs from its manager. */
export interface LocalSandboxContext {
  driver: SandboxDriver;
  store: Store;
  clock: Clock;
  ownerId: string;
  hostname: string;
  health: { timeoutMs: number; attempts: number; backoffMs: number };
  log(event: string, fields: Record<string, unknown>): void;
  /** Called once when the sandbox has stopped for good (idle, shutdown, failed recovery). */
  onEnded(sandbox: LocalSandbox): void;
}

/** A started sandbox handed to LocalSandbox. */
export interface LocalSandboxInit {
  threadId: string;
  generation: number;
  /** The spec it was started with, minus the sandbox id (reused for restarts). */
  spec: Omit<SandboxSpec, 'sandboxId'>;
  running: RunningSandbox;
  notices: string[];
  /** Its egress socket and gateway key, kept across kernel restarts and released when it stops. */
  resources: ThreadResources;
}

/** A thread's sandbox living in this process. */
export class LocalSandbox implements Notebook {
  readonly threadId: string;
  readonly location = 'local' as const;
  readonly generation: number;
  readonly #ctx: LocalSandboxContext;
  readonly #spec: Omit<SandboxSpec, 'sandboxId'>;
  readonly #resources: ThreadResources;
  #running: RunningSandbox;
  #notices: string[];
  #chain: Promise<unknown> = Promise.resolve();
  #busy = false;
  #checking = false;
  #ended = false;
  #stopping: Promise<void> | undefined;
  /** True while #replace swaps kernels: the old one's exit is expected, not a crash. */
  #replacing = false;
  #lastUsedAt: number;
  #lastHealthAt: number;

  constructor(ctx: LocalSandboxContext, init: LocalSandboxInit) {
    this.#ctx = ctx;
    this.threadId = init.threadId;
    this.generation = init.generation;
    this.#spec = init.spec;
    this.#resources = init.resources;
    this.#running = init.running;
    this.#notices = [...init.notices];
    this.#lastUsedAt = ctx.clock.now();
    this.#lastHealthAt = ctx.clock.now();
    this.#watch(init.running);
  }

  /** When a user cell last ran (health probes do not count). */
  get lastUsedAt(): number {
    return this.#lastUsedAt;
  }

  /** When the last deep health check passed (or the sandbox started). */
  get lastHealthAt(): number {
    return this.#lastHealthAt;
  }

  /** Host pid of the current sandbox process. */
  get pid(): number {
    return this.#running.pid;
  }

  get sandboxId(): string {
    return this.#running.sandboxId;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get workDir(): string {
    return this.#spec.workDir;
  }

  /** Runs one cell after the ones before it; pending notices ride along with its result. */
  run(code: string, options: RunCellOptions): Promise<NotebookCellResult> {
    return this.#exclusive(async () => {
      this.#lastUsedAt = this.#ctx.clock.now();
      void this.#touch();
      this.#busy = true;
      let result;
      try {
        result = await this.#running.kernel.execute(code, options);
      } catch (error) {
        // The sandbox ended under the cell (it died between health checks): bring a fresh one up so the next cell
        // works, and report this one as failed rather than re-running code that may have had side effects.
        const reason = `the sandbox failed while running a cell (${(error as Error).message})`;
        await this.#replace(reason);
        return { ...failedResult(reason), notices: this.#takeNotices() };
      } finally {
        this.#busy = false;
        this.#lastUsedAt = this.#ctx.clock.now();
      }
      return { ...result, notices: this.#takeNotices() };
    });
  }

  /** Restarts the kernel on request: variables are lost, files are kept. */
  restart(): Promise<void> {
    return this.#exclusive(async () => {
      await this.#replace(undefined);
    });
  }

  listFiles(): Promise<NotebookFileList> {
    return this.#exclusive(() => listWorkDirFiles(this.#running.kernel));
  }

  /** Deep health check; recovers when it fails. Skips if one is already running. */
  async checkHealth(): Promise<void> {
    if (this.#checking || this.#ended) return;
    this.#checking = true;
    try {
      const busy = this.#busy;
      const check = (): ReturnType<typeof probeKernelHealth> =>
        probeKernelHealth(this.#running.kernel, { ...this.#ctx.health, clock: this.#ctx.clock, busy });
      // A probe cell needs the kernel to itself; a heartbeat-only check must not wait behind a 1-hour cell.
      const result = busy ? await check() : await this.#exclusive(check);
      if (this.#ended) return;
      if (result.healthy) {
        this.#lastHealthAt = this.#ctx.clock.now();
        if (result.kernelRestarted) {
          this.#notices.push(
            lostStateNotice('the kernel stopped answering a health check and was restarted'),
          );
        }
        await this.#update({ lastHealthAt: this.#lastHealthAt, state: 'running' });
        return;
      }
      this.#ctx.log('sandbox_unhealthy', { threadId: this.threadId, reason: result.reason });
      await this.#update({ state: 'unhealthy', error: result.reason });
      const judged = this.#running;
      // A frozen kernel never finishes the cell in flight: kill it so that cell fails now (and recovers) instead of
      // holding the queue until its own timeout, possibly an hour away.
      if (this.#busy) await judged.stop().catch(() => undefined);
      await this.#exclusive(async () => {
        if (this.#running !== judged) return; // already replaced by the failed cell or the exit watcher
        await this.#replace(`the sandbox was found unhealthy (${result.reason})`);
      });
    } finally {
      this.#checking = false;
    }
  }

  /** Stops the sandbox and frees everything; the row goes off with `reason` kept for the next caller. */
  stop(reason: string): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ended = true;
      await this.#update({ state: 'stopping' }).catch(() => undefined);
      await this.#running.stop().catch((error: unknown) => this.#ctx.log('sandbox_stop_failed', { error }));
      // Only once the kernel is gone: it must not outlive its key or its socket.
      await releaseThreadResources(this.#resources, this.threadId, (event, fields) =>
        this.#ctx.log(event, fields),
      );
      await this.#ctx.store.sandboxProcesses.remove(this.#running.sandboxId).catch(() => undefined);
      await this.#update({ state: 'off', pid: null, sandboxId: null, error: reason }).catch(() => undefined);
      this.#ctx.log('sandbox_stopped', { threadId: this.threadId, reason });
      this.#ctx.onEnded(this);
    })();
    return this.#stopping;
  }

  // Replaces the kernel with a fresh one in the same work dir. `reason` undefined = asked for by the user.
  async #replace(reason: string | undefined): Promise<void> {
    if (this.#ended)
      throw new SandboxManagerError('sandbox_lost_ownership', `the sandbox of ${this.threadId} ended`);
    const old = this.#running;
    this.#replacing = true;
    try {
      await old.stop().catch(() => undefined);
      await this.#ctx.store.sandboxProcesses.remove(old.sandboxId).catch(() => undefined);
      const sandboxId = newId('sbx');
      let running: RunningSandbox;
      try {
        // Same socket, same key: the new kernel's requests are audited under its own sandbox id.
        await this.#resources.lease?.assign({
          sandboxId,
          threadId: this.threadId,
          userId: this.#spec.userId,
        });
        running = await this.#ctx.driver.start({ ...this.#spec, sandboxId });
      } catch (error) {
        const why = `could not be restarted after ${reason ?? 'a restart request'}: ${(error as Error).message}`;
        void this.stop(`ended: it ${why}`);
        throw new SandboxManagerError('sandbox_start_failed', `the sandbox of ${this.threadId} ${why}`, {
          cause: error,
        });
      }
      this.#running = running;
      this.#watch(running);
      await this.#ctx.store.sandboxProcesses.record({
        sandboxId,
        owner: this.#ctx.ownerId,
        hostname: this.#ctx.hostname,
        pid: running.pid,
        startedAt: this.#ctx.clock.now(),
      });
      this.#lastHealthAt = this.#ctx.clock.now();
      const fenced = await this.#update({
        state: 'running',
        pid: running.pid,
        sandboxId,
        lastHealthAt: this.#lastHealthAt,
        error: null,
      });
      if (!fenced) {
        await this.stop('lost ownership');
        throw new SandboxManagerError('sandbox_lost_ownership', `another manager took over ${this.threadId}`);
      }
      if (reason !== undefined) {
        this.#notices.push(lostStateNotice(reason));
        this.#ctx.log('sandbox_recovered', { threadId: this.threadId, reason, pid: running.pid });
      }
    } finally {
      this.#replacing = false;
    }
  }

  // A sandbox whose process ends while idle is recovered at once, not at the next health check.
  #watch(running: RunningSandbox): void {
    void running.exited.then((exit) => {
      if (this.#ended || this.#replacing || running !== this.#running) return;
      const how = exit.signal ?? `exit code ${exit.code}`;
      void this.#exclusive(async () => {
        if (running !== this.#running || this.#ended) return;
        await this.#replace(`the sandbox process ended unexpectedly (${how})`);
      }).catch((error: unknown) =>
        this.#ctx.log('sandbox_recovery_failed', { threadId: this.threadId, error }),
      );
    });
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(() => {
      if (this.#ended)
        throw new SandboxManagerError('sandbox_lost_ownership', `the sandbox of ${this.threadId} ended`);
      return fn();
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }

  #takeNotices(): string[] {
    const notices = this.#notices;
    this.#notices = [];
    return notices;
  }

  #update(changes: Parameters<Store['sandboxes']['update']>[1]): Promise<boolean> {
    return this.#ctx.store.sandboxes.update(
      { threadId: this.threadId, owner: this.#ctx.ownerId, generation: this.generation },
      changes,
      this.#ctx.clock.now(),
    );
  }

  // The idle timer runs on the in-memory time; the row's copy is for operators and is written at most every 10 s,
  // so a burst of cells costs no store writes on the hot path.
  async #touch(): Promise<void> {
    if (this.#lastUsedAt - this.#lastTouchWritten < TOUCH_EVERY_MS) return;
    this.#lastTouchWritten = this.#lastUsedAt;
    await this.#update({ lastUsedAt: this.#lastUsedAt }).catch(() => undefined);
  }

  #lastTouchWritten = 0;
}

/** The notice a caller gets when the kernel's state was lost. */
export function lostStateNotice(reason: string): string {
  return `The Python kernel was restarted: ${reason}. Variables, imports and definitions from earlier cells are lost; files in the work dir are kept. Re-run the setup you need.`;
}

function failedResult(reason: string): Omit<NotebookCellResult, 'notices'> {
  return {
    status: 'error',
    executionCount: null,
    outputs: [
      {
        kind: 'error',
        data: { 'text/plain': `SandboxFailed: ${reason}` },
        error: {
          ename: 'SandboxFailed',
          evalue: `${reason}. The cell may not have run; run it again.`,
          traceback: [],
        },
      },
    ],
    kernelRestarted: true,
    durationMs: 0,
  };
}
