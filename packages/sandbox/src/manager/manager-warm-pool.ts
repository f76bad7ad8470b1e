// A pool of pre-started generic sandboxes, so a new thread gets a kernel in milliseconds instead of a cold start
// (importing ipykernel alone takes ~0.8 s). Each warm sandbox is started with its own fresh work dir; binding it to a
// thread makes that directory the thread's work dir (recorded in the store) and applies the thread's env with one
// cell. So only threads WITHOUT a work dir yet can use the pool: a thread coming back after an idle stop has its
// files elsewhere and gets a cold start in its own dir. Warm sandboxes use the manager's default limits; each has its
// own egress socket that refuses everything until the manager assigns it to the thread (and its tenant's allowlist).
import { join } from 'node:path';
import type { Store } from '@rampart/store';
import type { EgressLease, SandboxEgress } from '../egress/egress-hub.js';
import type { RunningSandbox, SandboxDriver, SandboxSpec } from '../sandbox-driver.js';
import type { Clock } from './manager-clock.js';
import { newId } from './manager-ids.js';

/** A warm sandbox, not yet bound to a thread. */
export interface WarmSandbox {
  running: RunningSandbox;
  spec: Omit<SandboxSpec, 'sandboxId'>;
  /** Its egress socket, refusing everything until the manager assigns it to a thread. */
  lease: EgressLease | undefined;
}

/** What the pool needs from its manager. */
export interface WarmPoolContext {
  driver: SandboxDriver;
  store: Store;
  clock: Clock;
  ownerId: string;
  hostname: string;
  workRoot: string;
  /** The spec of a generic sandbox (default limits and env), without ids and work dir. */
  baseSpec: Omit<SandboxSpec, 'sandboxId' | 'threadId' | 'userId' | 'workDir'>;
  egress: SandboxEgress | undefined;
  log(event: string, fields: Record<string, unknown>): void;
}

/** Pre-started sandboxes kept at a target size. */
export class WarmPool {
  readonly #ctx: WarmPoolContext;
  readonly #size: number;
  readonly #ready: WarmSandbox[] = [];
  #filling: Promise<void> | undefined;
  #closed = false;

  constructor(ctx: WarmPoolContext, size: number) {
    this.#ctx = ctx;
    this.#size = size;
  }

  /** How many warm sandboxes are ready now. */
  get available(): number {
    return this.#ready.length;
  }

  /** Takes a warm sandbox (undefined when none is ready) and starts refilling in the background. */
  take(): WarmSandbox | undefined {
    const warm = this.#ready.shift();
    void this.fill();
    return warm;
  }

  /** Starts sandboxes one at a time until the pool is full (or a start fails); never rejects. */
  fill(): Promise<void> {
    this.#filling ??= (async () => {
      try {
        // One at a time: a burst of kernel starts would compete for CPU with the cells users are waiting for.
        while (!this.#closed && this.#ready.length < this.#size) await this.#startOne();
      } catch {
        // Logged in #startOne; the next maintenance pass tries again rather than spinning on a broken host.
      } finally {
        this.#filling = undefined;
      }
    })();
    return this.#filling;
  }

  /** Stops every warm sandbox. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#filling?.catch(() => undefined);
    const all = this.#ready.splice(0);
    await Promise.all(all.map((w) => this.#discard(w)));
  }

  async #startOne(): Promise<void> {
    const sandboxId = newId('warm');
    let lease: EgressLease | undefined;
    let running: RunningSandbox;
    let spec: Omit<SandboxSpec, 'sandboxId'>;
    try {
      lease = await this.#ctx.egress?.open();
      spec = {
        ...this.#ctx.baseSpec,
        threadId: '',
        userId: '',
        workDir: join(this.#ctx.workRoot, `w-${sandboxId.slice('warm-'.length)}`),
        ...(lease === undefined ? {} : { egressProxySocket: lease.socketPath }),
      };
      running = await this.#ctx.driver.start({ ...spec, sandboxId });
    } catch (error) {
      await lease?.close().catch(() => undefined);
      this.#ctx.log('warm_start_failed', { error: (error as Error).message });
      throw error;
    }
    await this.#ctx.store.sandboxProcesses.record({
      sandboxId,
      owner: this.#ctx.ownerId,
      hostname: this.#ctx.hostname,
      pid: running.pid,
      startedAt: this.#ctx.clock.now(),
    });
    const warm: WarmSandbox = { running, spec, lease };
    // A warm sandbox that dies while waiting is dropped; the next fill replaces it.
    void running.exited.then(() => {
      const index = this.#ready.indexOf(warm);
      if (index >= 0) {
        this.#ready.splice(index, 1);
        void lease?.close().catch(() => undefined);
      }
      void this.#ctx.store.sandboxProcesses.remove(sandboxId).catch(() => undefined);
    });
    if (this.#closed) {
      await this.#discard(warm);
      return;
    }
    this.#ready.push(warm);
  }

  async #discard(warm: WarmSandbox): Promise<void> {
    await warm.running.stop().catch(() => undefined);
    await warm.lease?.close().catch(() => undefined);
    await this.#ctx.store.sandboxProcesses.remove(warm.running.sandboxId).catch(() => undefined);
  }
}
