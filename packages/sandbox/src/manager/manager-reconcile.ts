// Makes the store agree with reality, at start and periodically:
// - managers whose lease expired, or that lived on this host and whose pid is gone (kill -9), are dead;
// - processes they recorded on this host are reaped: their whole tree is SIGKILLed, after checking the pid still
//   runs a sandbox (pids are reused);
// - their sandboxes go off, with the reason kept for the next caller of that thread.
// Sandboxes on other hosts cannot be reaped from here; their own host's successor does it (or the host is gone).
import type { Store } from '@rampart/store';
import { isProcessAlive, killProcessTree, processCommandLine } from './manager-process-tree.js';

/** What reconciliation did. */
export interface ReconcileReport {
  deadManagers: string[];
  reapedProcesses: Array<{ sandboxId: string; pid: number }>;
  sandboxesTurnedOff: string[];
}

/** Inputs of reconcile. */
export interface ReconcileContext {
  store: Store;
  ownerId: string;
  hostname: string;
  now: number;
  /** Sandbox ids this manager is running right now (never reaped). */
  liveSandboxIds: ReadonlySet<string>;
  /** Other managers the caller suspects are dead (e.g. the owner of a row stuck in starting). */
  suspects?: string[];
  log(event: string, fields: Record<string, unknown>): void;
}

/** Reconciles the store with live processes; safe to run concurrently from several managers. */
export async function reconcileSandboxes(ctx: ReconcileContext): Promise<ReconcileReport> {
  const { store, now } = ctx;
  const dead = new Set((await store.sandboxManagers.listExpired(now)).map((m) => m.id));
  const processes = await store.sandboxProcesses.listOnHost(ctx.hostname);
  const owners = new Set([...processes.map((p) => p.owner), ...(ctx.suspects ?? [])]);
  for (const owner of owners) {
    if (owner === ctx.ownerId || dead.has(owner)) continue;
    const manager = await store.sandboxManagers.get(owner);
    // A manager on this host whose process is gone died without cleaning up; no need to wait for its lease.
    if (manager === undefined || (manager.hostname === ctx.hostname && !isProcessAlive(manager.pid)))
      dead.add(owner);
  }
  dead.delete(ctx.ownerId);

  const reaped: ReconcileReport['reapedProcesses'] = [];
  for (const record of processes) {
    if (record.owner === ctx.ownerId && ctx.liveSandboxIds.has(record.sandboxId)) continue;
    if (record.owner !== ctx.ownerId && !dead.has(record.owner)) continue;
    // The process must still be a sandbox of ours: its command line names the sandbox id (runtime dir, connection
    // file). Anything else now holding that pid is left alone.
    if (isProcessAlive(record.pid) && processCommandLine(record.pid).includes(record.sandboxId)) {
      killProcessTree(record.pid);
      reaped.push({ sandboxId: record.sandboxId, pid: record.pid });
      ctx.log('orphan_reaped', { sandboxId: record.sandboxId, pid: record.pid, owner: record.owner });
    }
    await store.sandboxProcesses.remove(record.sandboxId);
  }

  const turnedOff: string[] = [];
  for (const row of await store.sandboxes.listStale(now, [...dead])) {
    if (row.owner === ctx.ownerId || row.owner === null) continue;
    const fence = { threadId: row.threadId, owner: row.owner, generation: row.generation };
    const reason = dead.has(row.owner)
      ? 'ended because the manager that ran it died'
      : 'ended because its manager stopped renewing its lease';
    if (
      await store.sandboxes.update(fence, { state: 'off', pid: null, sandboxId: null, error: reason }, now)
    ) {
      turnedOff.push(row.threadId);
    }
  }
  for (const id of dead) await store.sandboxManagers.remove(id);
  return { deadManagers: [...dead], reapedProcesses: reaped, sandboxesTurnedOff: turnedOff };
}
